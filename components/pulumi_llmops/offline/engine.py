"""Run a Pulumi program on the SDK's mock engine and record every registration.

The real Python SDK runs (real resource classes, argument types and Outputs); only the
engine and providers are replaced. No Pulumi CLI, provider plugin or cloud account is used.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import mocks, rpc
from pulumi.runtime.settings import ROOT
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from .fake_outputs import fake_call_result, fake_outputs
from .recording import SECRET, UNKNOWN, RecordedResource, Recording


class LlmOpsMocks(pulumi.runtime.Mocks):
    """Deterministic ids; state = inputs plus the outputs a component needs to keep going."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        state = dict(args.inputs)
        state.update(fake_outputs(args.typ, args.name, args.inputs))
        return f"{args.name}-id", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list] | dict:
        return fake_call_result(args.token, args.args)


class RecordingMonitor(mocks.MockMonitor):
    """A mock monitor that also keeps parent, provider, options and secret-aware inputs."""

    def __init__(self, mocks_: pulumi.runtime.Mocks, recording: Recording | None = None) -> None:
        super().__init__(mocks_)
        self.recording = recording if recording is not None else Recording()
        self._lock = threading.Lock()

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs shaped like the real engine's: the parent's full type chain, no root Stack.

        (The SDK's mock monitor keeps only the immediate parent's type and prefixes top-level
        resources with `pulumi:pulumi:Stack$`; snapshots must pin the URNs users will get.)
        """
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != "pulumi:pulumi:Stack":
                type_ = f"{parent_type}${type_}"
        return "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), type_, name])

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        urn = self.make_urn(request.parent, request.type, request.name)
        record = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            custom=bool(request.custom),
            parent=request.parent or None,
            # A provider reference is "<provider URN>::<provider id>".
            provider=request.provider.rsplit("::", 1)[0] if request.provider else None,
            inputs=_plain(json_format.MessageToDict(request.object)),
            protect=bool(getattr(request, "protect", False)),
            retain_on_delete=bool(getattr(request, "retainOnDelete", False)),
            dependencies=tuple(sorted(request.dependencies)),
            aliases=tuple(sorted(a.urn or a.spec.name for a in request.aliases)),
        )
        with self._lock:
            self.recording.resources.append(record)
        return response


def _plain(value: Any) -> Any:
    """Decode the wire form: secrets -> SECRET, unknowns -> UNKNOWN, resource refs -> URN."""
    if isinstance(value, dict):
        sig = value.get(rpc._special_sig_key)
        if sig == rpc._special_secret_sig:
            return SECRET
        if sig == rpc._special_resource_sig:
            return value.get("urn")
        if sig == rpc._special_output_value_sig:
            if value.get("secret"):
                return SECRET
            return _plain(value["value"]) if "value" in value else UNKNOWN
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value == rpc.UNKNOWN:
        return UNKNOWN
    return value


def close_event_loops() -> int:
    """Close every event loop that is neither running nor closed; return how many.

    The SDK gives each worker thread that awaits a mock call its own event loop and never
    closes it; left to the garbage collector at interpreter shutdown, `BaseEventLoop.__del__`
    can fail after its modules are torn down and print "Exception ignored in ..." to stderr.
    Registered with `atexit` (which runs before that teardown) so offline runs exit clean.
    Tasks still pending on a loop (a program that raised leaves its RPCs behind) are
    cancelled and run to their end first, so nothing warns "Task was destroyed but it is
    pending".
    """
    closed = 0
    for obj in gc.get_objects():
        if isinstance(obj, asyncio.AbstractEventLoop) and not (obj.is_running() or obj.is_closed()):
            _cancel_pending(obj)
            obj.close()
            closed += 1
    return closed


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


atexit.register(close_event_loops)


def run_program(
    program: Callable[[], Any],
    *,
    config: Mapping[str, str] | None = None,
    secret_keys: Sequence[str] = (),
    project: str = "llmops",
    stack: str = "offline",
    recording: Recording | None = None,
) -> tuple[Recording, Any]:
    """Run `program` on the mock engine; return what it registered and what it returned.

    `config` is the flat Pulumi config (`{"llmops:platform": "<json>"}`); keys in
    `secret_keys` read back as secrets. Stack outputs are resolved into `Recording.outputs`
    (secret outputs as `SECRET`). Pass `recording` to keep what registered even when the
    program raises.
    """
    monitor = RecordingMonitor(LlmOpsMocks(), recording)
    pulumi.runtime.set_all_config(dict(config or {}), list(secret_keys))
    ROOT.set(None)
    pulumi.runtime.set_mocks(
        monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor
    )
    result: dict[str, Any] = {}

    async def _outputs() -> dict[str, Any]:
        resolved = {}
        for key, value in sorted(ROOT.get().outputs.items()):
            output = pulumi.Output.from_input(value)
            resolved[key] = SECRET if await output.is_secret() else await output.future()
        return resolved

    def _run() -> Any:
        result["value"] = program()
        return None

    _sync_await(run_pulumi_func(_run))
    monitor.recording.outputs = _sync_await(_outputs())
    return monitor.recording, result.get("value")
