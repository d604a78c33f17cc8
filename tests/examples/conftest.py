"""Run an example the way `pulumi up` would: its `__main__.py` as `__main__`, its folder on
sys.path, its `Pulumi.<stack>.yaml` as the stack config, its Pulumi.yaml project name.

Each example runs once per test session (the recordings are plain data); the example's own
modules are purged from sys.modules afterwards so two examples cannot share a package.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest
import yaml

from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.recording import Recording
from pulumi_llmops.offline.stack_file import read_stack_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

_CACHE: dict[tuple[str, str], Recording] = {}


def _own_modules(folder: Path) -> list[str]:
    prefix = str(folder) + "/"
    return [
        name
        for name, module in list(sys.modules.items())
        if (getattr(module, "__file__", None) or "").startswith(prefix)
    ]


def execute_example(name: str, stack_file: str) -> Recording:
    """Run examples/<name>/__main__.py on the mock engine with examples/<name>/<stack_file>."""
    folder = EXAMPLES / name
    stack = read_stack_file(folder / stack_file)
    project = yaml.safe_load((folder / "Pulumi.yaml").read_text())["name"]
    main_path = str(folder / "__main__.py")
    sys.path.insert(0, str(folder))
    try:
        recording, _ = run_program(
            lambda: runpy.run_path(main_path, run_name="__main__"),
            config=stack.config,
            secret_keys=stack.secret_keys,
            project=project,
            stack=stack.stack,
        )
    finally:
        sys.path.remove(str(folder))
        for module in _own_modules(folder):
            del sys.modules[module]
    assert len(recording) > 0, f"example {name} registered nothing"
    return recording


def example_recording(name: str, stack_file: str) -> Recording:
    """The (cached) recording of one example run."""
    key = (name, stack_file)
    if key not in _CACHE:
        _CACHE[key] = execute_example(name, stack_file)
    return _CACHE[key]


@pytest.fixture
def run_example():
    return example_recording
