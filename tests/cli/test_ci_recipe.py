"""The CI recipe of docs/policies.md, taken from the docs text itself and run as CI runs it:
for a violating and for an invalid stack the documented `llmops check` command leaves a
non-empty SARIF 2.1.0 log (valid against the OASIS schema) at the path the documented upload
step reads, with the documented exit codes (1: violation, 2: invalid config)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers.sarif import schema_errors

ROOT = Path(__file__).resolve().parents[2]
INVALID = (
    "config:\n"
    "  llmops:platform:\n"
    "    environment: dev\n"
    "    target: gke\n"
    "    region: us-east-1\n"
    "    cluster: {name: lab, gke: {project: acme-llm-prod}}\n"
)


def recipe() -> dict:
    """The first YAML block under '## CI recipe' in docs/policies.md."""
    text = (ROOT / "docs/policies.md").read_text()
    section = text.split("## CI recipe", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block is not None
    return yaml.safe_load(block.group(1))


def steps() -> list[dict]:
    [job] = recipe()["jobs"].values()
    return job["steps"]


def with_stack(text: str, stack: str) -> str:
    return text.replace("${{ matrix.stack }}", stack)


def test_the_recipe_checks_and_uploads_even_on_failure() -> None:
    [check] = [s["run"] for s in steps() if "llmops check" in s.get("run", "")]
    assert "--format sarif >" in check
    [upload] = [s for s in steps() if s.get("uses", "").startswith("github/codeql-action/upload")]
    assert upload["if"] == "always()"
    assert upload["with"]["sarif_file"] == "policy-${{ matrix.stack }}.sarif"


def test_a_broken_log_fails_the_schema() -> None:
    """The schema check can fail: a log without runs, and a result without a message."""
    assert schema_errors({"version": "2.1.0"}) != []
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    assert schema_errors(bad) != []


@pytest.mark.parametrize(
    ("stack", "source", "exit_code", "rule"),
    [
        (
            "bad-eks",
            "tests/offline/fixtures/Pulumi.bad-eks.yaml",
            1,
            "data-residency/allowed-regions",
        ),
        ("bad-config", None, 2, "llmops/config-error"),
    ],
)
def test_the_documented_command_leaves_a_sarif_log(
    tmp_path: Path, stack: str, source: str | None, exit_code: int, rule: str
) -> None:
    (tmp_path / "stacks").mkdir()
    stack_file = tmp_path / "stacks" / f"Pulumi.{stack}.yaml"
    stack_file.write_text((ROOT / source).read_text() if source else INVALID)
    (tmp_path / "policies").symlink_to(ROOT / "policies")
    [check] = [s["run"] for s in steps() if "llmops check" in s.get("run", "")]
    [upload] = [s for s in steps() if s.get("uses", "").startswith("github/codeql-action/upload")]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", with_stack(check, stack)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == exit_code, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    log = tmp_path / with_stack(upload["with"]["sarif_file"], stack)
    document = json.loads(log.read_text())
    assert schema_errors(document) == []
    [run] = document["runs"]
    if exit_code == 2:  # the config error is a failed invocation, not a finding
        assert run["invocations"] == [{"executionSuccessful": False, "exitCode": 2}]
    assert run["results"]
    assert rule in {r["ruleId"] for r in run["results"]}
    assert all(r["message"]["text"] for r in run["results"])
