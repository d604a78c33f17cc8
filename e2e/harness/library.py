"""The library's own tier, run beside the real engine: the mock-engine recording of a stack and
`llmops check`, both from the project's venv (`make venv`: `.venv`, the project's SDK pins).

`library_python()` is $LLMOPS_LIBRARY_PYTHON, else `<repo>/.venv/bin/python`; None with the
reason when it is missing (the tier then skips, or fails under CI=true).
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MOCK_RECORD = Path(__file__).resolve().parent / "mock_record.py"


def library_python() -> tuple[Path | None, str]:
    path = Path(os.environ.get("LLMOPS_LIBRARY_PYTHON") or REPO / ".venv" / "bin" / "python")
    if not path.exists():
        return None, f"the library's venv is missing ({path}): run `make venv`"
    return path, ""


@dataclass(frozen=True)
class MockRecording:
    resources: list[dict]
    outputs: dict

    def of_type(self, type_: str) -> list[dict]:
        return [r for r in self.resources if r["type"] == type_]

    def by_urn(self) -> dict[str, dict]:
        return {r["urn"]: r for r in self.resources}

    def kubernetes_objects(self) -> list[dict]:
        """Custom resources the program registers itself on the cluster: every Kubernetes kind
        except the provider, Helm charts and NodePatches (those are checked on their own)."""
        return [
            r
            for r in self.resources
            if r["custom"]
            and r["type"].startswith("kubernetes:")
            and not r["type"].startswith("kubernetes:helm.sh/")
            and not r["type"].endswith("Patch")
        ]


def _run(python: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "VIRTUAL_ENV"))}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def mock_recording(python: Path, stack_file: Path, example: Path | None = None) -> MockRecording:
    """What the mock engine records for `stack_file` (the derived test stack); with `example`,
    running that example's own program."""
    extra = [str(example)] if example is not None else []
    p = _run(python, [str(MOCK_RECORD), str(stack_file), *extra], REPO)
    if p.returncode != 0:
        raise AssertionError(f"mock recording of {stack_file} failed:\n{p.stderr[-4000:]}")
    data = json.loads(p.stdout)
    return MockRecording(data["resources"], data["outputs"])


def llmops_check(python: Path, stack_file: Path) -> dict:
    """`llmops check --config <stack_file> --format json` from the repository root (the
    default policy config `policies/config/<environment>/`), as a user runs it."""
    llmops = python.parent / "llmops"
    p = subprocess.run(
        [str(llmops), "check", "--config", str(stack_file), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")},
    )
    if p.returncode not in (0, 1):
        raise AssertionError(f"llmops check {stack_file} exited {p.returncode}:\n{p.stderr}")
    return json.loads(p.stdout)
