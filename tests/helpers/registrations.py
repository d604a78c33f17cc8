"""Thin classes vs generated SDK classes: record every RegisterResourceRequest of a program.

Used by tests/kube/test_thin_kinds.py (`pulumi_llmops.k8s`) and tests/cluster/test_thin_ec2.py
(`pulumi_llmops.cluster.aws.ec2`). Each run keeps the whole request of every registration
(type, name, inputs, parent, provider, dependencies, property dependencies, aliases, version,
plugin URL, secret outputs, options, source position) so that two runs can be compared.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
from google.protobuf import json_format

from pulumi_llmops import program
from pulumi_llmops.offline import engine
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.stack_file import read_stack_file

Key = tuple[str, str, str]


def registrations(
    run: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
    *,
    here: str,
    is_thin: Callable[[type], bool],
    use_generated: Callable[[pytest.MonkeyPatch], None] | None,
) -> list[dict[str, Any]]:
    """Every RegisterResourceRequest of `run()` as a dict, in registration order, stack traces
    cut at the frames of the test file `here`. With `use_generated`, it patches the
    generated classes in for the run; the run must then create no thin class, and without it
    at least one."""
    requests: list[dict[str, Any]] = []
    original = engine.RecordingMonitor.RegisterResource

    def register(self, request):
        if request.type != "pulumi:pulumi:Stack":  # the root, registered by the SDK itself
            requests.append(below(json_format.MessageToDict(request), here))
        return original(self, request)

    classes: set[type] = set()
    custom_init = pulumi.CustomResource.__init__

    def init(self, *args, **kwargs):
        classes.add(type(self))
        custom_init(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(engine.RecordingMonitor, "RegisterResource", register)
        patch.setattr(pulumi.CustomResource, "__init__", init)
        if use_generated is not None:
            use_generated(patch)
        run()
    assert requests, "nothing registered"
    # The runs differ as they should: thin classes in one, generated classes only in the other.
    thin_classes = {c for c in classes if is_thin(c)}
    assert not thin_classes if use_generated is not None else thin_classes
    return requests


def below(request: dict[str, Any], here: str) -> dict[str, Any]:
    """The stack trace cut at the frames of `here` and of this module (the two runs start
    from different lines), transform callback addresses masked, dependency lists sorted."""
    frames = request.get("stackTrace", {}).get("frames", [])
    cut = (here, "/tests/helpers/registrations.py")
    mine = [i for i, f in enumerate(frames) if f.get("pc", {}).get("uri", "").endswith(cut)]
    if mine:
        request["stackTrace"]["frames"] = frames[: mine[0]]
    # Transform callbacks are served on a fresh port with a fresh token per run.
    for callback in request.get("transforms", []):
        callback.update(target="<callback server>", token="<token>")
    # The SDK gathers dependencies in sets: their order differs from run to run.
    request["dependencies"] = sorted(request.get("dependencies", []))
    for deps in request.get("propertyDependencies", {}).values():
        deps["urns"] = sorted(deps.get("urns", []))
    return request


def keyed(requests: list[dict[str, Any]]) -> dict[Key, dict[str, Any]]:
    """By (type, name, parent): registration order between runs follows the event loop."""
    by_key = {(r["type"], r["name"], r.get("parent", "")): r for r in requests}
    assert len(by_key) == len(requests), "a registration repeated"
    return by_key


def assert_same(
    run: Callable[[], Any],
    monkeypatch: pytest.MonkeyPatch,
    *,
    here: str,
    is_thin: Callable[[type], bool],
    use_generated: Callable[[pytest.MonkeyPatch], None],
) -> set[str]:
    """Run `run` with the thin classes and with the generated ones; every request must be
    equal. Returns the types registered."""
    thin = keyed(registrations(run, monkeypatch, here=here, is_thin=is_thin, use_generated=None))
    generated = keyed(
        registrations(run, monkeypatch, here=here, is_thin=is_thin, use_generated=use_generated)
    )
    assert sorted(thin) == sorted(generated)
    for key, request in thin.items():
        assert request == generated[key], key
    return {t for t, _, _ in thin}


def stack_run(path: Path) -> Callable[[], Any]:
    """The shipped program on the stack file `path`."""
    stack = read_stack_file(path)
    return lambda: run_program(
        program.main, config=stack.config, secret_keys=stack.secret_keys, stack=stack.stack
    )


def sdk_arguments(generated: type) -> list[str]:
    """The resource arguments of a generated class, in its order."""
    code = generated._internal_init.__code__
    return [
        name
        for name in code.co_varnames[: code.co_argcount]
        if name not in ("__self__", "resource_name", "opts", "__props__")
    ]
