"""Run programs on the recording mock engine from tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.recording import Recording
from pulumi_llmops.program import main

ONPREM_PLATFORM: dict[str, Any] = {
    "environment": "dev",
    "target": "onprem",
    "region": "lab-dc1",
    "cluster": {"name": "lab", "kubeconfig": {"context": "lab-admin"}},
    "node_pools": {
        "l4": {"gpu": {"model": "L4", "count": 2}, "onprem": {"node_names": ["gpu-1", "gpu-2"]}}
    },
    "tags": {"team": "ml"},
}


def onprem_platform(**overrides: Any) -> dict[str, Any]:
    """A valid on-prem `llmops:platform` object with top-level keys replaced by `overrides`."""
    data = copy.deepcopy(ONPREM_PLATFORM)
    data.update(copy.deepcopy(overrides))
    return data


def run(
    program: Callable[[], Any],
    config: Mapping[str, str] | None = None,
    secret_keys: tuple[str, ...] = (),
    allow_empty: bool = False,
) -> tuple[Recording, Any]:
    """Run `program` offline; fail unless something registered (guards against silent passes)."""
    recording, value = run_program(program, config=config, secret_keys=secret_keys, stack="test")
    assert allow_empty or len(recording) > 0, "the program registered nothing"
    return recording, value


def run_platform(
    platform: Mapping[str, Any],
    extra_config: Mapping[str, str] | None = None,
    secret_keys: tuple[str, ...] = (),
) -> tuple[Recording, Any]:
    """Run the real stack program (`program.main`) with `platform` as `llmops:platform`."""
    config = {"llmops:platform": json.dumps(platform), **(extra_config or {})}
    return run(main, config, secret_keys)
