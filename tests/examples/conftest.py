"""Run an example the way `pulumi up` would (`offline.project.run_project`).

Each example runs once per test session (the recordings are plain data); the example's own
modules are purged from sys.modules afterwards so two examples cannot share a package.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_llmops.offline.project import run_project
from pulumi_llmops.offline.recording import Recording

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

_CACHE: dict[tuple[str, str], Recording] = {}


def execute_example(name: str, stack_file: str) -> Recording:
    """Run examples/<name>/__main__.py on the mock engine with examples/<name>/<stack_file>."""
    folder = EXAMPLES / name
    recording = run_project(folder, folder / stack_file)
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
