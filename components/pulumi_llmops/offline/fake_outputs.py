"""Outputs the mock engine returns beyond the inputs, per resource type and invoke.

Only what components read back to keep going (an endpoint, an ARN, a kubeconfig, a
generated password); every value is obviously fake. The cloud cluster packages declare
theirs in `cluster/<cloud>/fakes.py` (`FAKE_OUTPUTS`, `FAKE_CALLS`), loaded when the first
resource or invoke of that provider is seen, so a stack only loads the fakes (and SDK) of
the cloud it uses. `register_fake_outputs` / `register_fake_call` add more.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from typing import Any

from ..targets import TARGETS

FakeOutputs = Callable[[str, Mapping[str, Any]], dict[str, Any]]
FakeCallResult = Callable[[Mapping[str, Any]], dict[str, Any]]

RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword"

_FAKERS: dict[str, FakeOutputs] = {
    # A recognisable value, so tests can prove a generated secret never shows in plain text.
    RANDOM_PASSWORD: lambda name, _inputs: {"result": f"offline-password-{name}"},
}
_CALL_FAKERS: dict[str, FakeCallResult] = {}

_CLOUD_FAKES = {
    t.provider_package: t.fakes_module
    for t in TARGETS.values()
    if t.provider_package and t.fakes_module
}
_LOADED: set[str] = set()
# The mock monitor registers resources from several threads: load each cloud's fakes once,
# and let no thread read the tables before they are complete.
_LOAD_LOCK = threading.Lock()


def register_fake_outputs(type_: str, faker: FakeOutputs) -> None:
    """Declare the outputs the offline engine returns for resources of `type_`."""
    _FAKERS[type_] = faker


def register_fake_call(token: str, faker: FakeCallResult) -> None:
    """Declare the result the offline engine returns for invokes of `token` (camelCase keys).

    Unregistered invokes return an empty result (every field None).
    """
    _CALL_FAKERS[token] = faker


def fake_outputs(type_: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    _load_cloud_fakes(type_)
    faker = _FAKERS.get(type_)
    return faker(name, inputs) if faker else {}


def fake_call_result(token: str, args: Mapping[str, Any]) -> dict[str, Any]:
    _load_cloud_fakes(token)
    faker = _CALL_FAKERS.get(token)
    return faker(args) if faker else {}


def _load_cloud_fakes(token: str) -> None:
    package = token.split(":", 1)[0]
    module = _CLOUD_FAKES.get(package)
    if module is None or package in _LOADED:
        return
    with _LOAD_LOCK:
        if package in _LOADED:
            return
        fakes = importlib.import_module(module)
        for type_, faker in fakes.FAKE_OUTPUTS.items():
            _FAKERS.setdefault(type_, faker)
        for call, faker in fakes.FAKE_CALLS.items():
            _CALL_FAKERS.setdefault(call, faker)
        _LOADED.add(package)
