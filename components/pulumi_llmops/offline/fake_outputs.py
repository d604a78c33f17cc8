"""Outputs the mock engine returns beyond the inputs, per resource type.

Only what components read back to keep going (an endpoint, an ARN, a kubeconfig). Cloud
modules add their types with `register_fake_outputs`; values are obviously fake.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

FakeOutputs = Callable[[str, Mapping[str, Any]], dict[str, Any]]

_FAKERS: dict[str, FakeOutputs] = {}


def register_fake_outputs(type_: str, faker: FakeOutputs) -> None:
    """Declare the outputs the offline engine returns for resources of `type_`."""
    _FAKERS[type_] = faker


def fake_outputs(type_: str, name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    faker = _FAKERS.get(type_)
    return faker(name, inputs) if faker else {}
