"""ci-policy-checks: the workflow parses, every command, pack and file it names exists, and
`llmops check` passes on every stack it checks (the same command CI runs)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main
import yaml
from typer.testing import CliRunner

from pulumi_llmops.cli.main import app

from .conftest import EXAMPLES, ROOT

WORKFLOW = EXAMPLES / "ci-policy-checks" / ".github" / "workflows" / "llmops.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def _runs(job: str) -> list[str]:
    return [step["run"] for step in _workflow()["jobs"][job]["steps"] if "run" in step]


def _matrix_stacks() -> list[str]:
    return _workflow()["jobs"]["check"]["strategy"]["matrix"]["stack"]


def _preview_command() -> list[str]:
    [script] = [run for run in _runs("preview") if "pulumi preview" in run]
    preview = script[script.index("pulumi preview") :].replace("\\\n", " ")
    return shlex.split(preview.splitlines()[0])


def test_workflow_parses_with_three_ordered_jobs() -> None:
    workflow = _workflow()
    # YAML 1.1 reads the bare key `on` as True; GitHub reads it as "on".
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"pull_request", "push"}
    jobs = workflow["jobs"]
    assert list(jobs) == ["test", "check", "preview"]
    assert jobs["check"]["needs"] == "test"
    assert jobs["preview"]["needs"] == "check"
    assert jobs["preview"]["permissions"]["id-token"] == "write"
    assert workflow["permissions"] == {"contents": "read"}


def test_test_job_runs_lint_and_the_suite() -> None:
    runs = _runs("test")
    assert "python -m pytest -q" in runs
    [lint] = [r for r in runs if r.startswith("ruff check")]
    [formatting] = [r for r in runs if r.startswith("ruff format --check")]
    for folder in lint.split()[2:] + formatting.split()[3:]:
        assert (ROOT / folder).is_dir(), folder


def test_llmops_subcommands_the_workflow_runs_exist() -> None:
    used = {m for run in _runs("check") for m in re.findall(r"\bllmops (\w+)", run)}
    assert used == {"plan", "check"}
    assert used <= set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_matrix_checks_every_example_stack_of_the_bundle() -> None:
    configured = sorted(
        str(path.relative_to(ROOT))
        for path in EXAMPLES.glob("*/Pulumi.*.yaml")
        if "llmops:platform" in (yaml.safe_load(path.read_text()).get("config") or {})
    )
    assert sorted(_matrix_stacks()) == configured
    assert len(configured) == 7


def test_preview_names_existing_packs_with_their_environment_config() -> None:
    env = _workflow()["jobs"]["preview"]["env"]
    args = _preview_command()
    packs = [Path(args[i + 1]) for i, a in enumerate(args) if a == "--policy-pack"]
    configs = [args[i + 1] for i, a in enumerate(args) if a == "--policy-pack-config"]
    assert len(packs) == len(configs) == 3
    for pack, config in zip(packs, configs, strict=True):
        pack_dir = ROOT / str(pack).replace("$GITHUB_WORKSPACE/", "")
        assert (pack_dir / "PulumiPolicy.yaml").is_file(), pack_dir
        assert (pack_dir / "requirements.txt").is_file(), pack_dir
        # --policy-pack-config files pair with packs by order: same pack name.
        config_path = config.replace("$GITHUB_WORKSPACE/", "")
        config_path = config_path.replace("$POLICY_ENV", env["POLICY_ENV"])
        assert Path(config_path).name == f"{pack_dir.name}.json"
        assert (ROOT / config_path).is_file(), config_path
    # The virtualenv loop installs exactly the packs the preview uses.
    [setup] = [r for r in _runs("preview") if "python -m venv" in r]
    loop = re.search(r"for pack in ([\w\s-]+); do", setup)
    assert loop is not None
    assert sorted(loop.group(1).split()) == sorted(p.name for p in packs)
    # The policy environment is the previewed stack's `environment`.
    stack_file = ROOT / env["PROJECT_DIR"] / f"Pulumi.{env['STACK']}.yaml"
    platform = yaml.safe_load(stack_file.read_text())["config"]["llmops:platform"]
    assert platform["environment"] == env["POLICY_ENV"]


@pytest.mark.parametrize(
    "stack",
    [
        "examples/eks-llm-serving/Pulumi.dev.yaml",
        "examples/gke-rag/Pulumi.dev.yaml",
        "examples/gke-inference-gateway/Pulumi.dev.yaml",
        "examples/aks-gpu-sharing/Pulumi.prod.yaml",
        "examples/onprem-existing-cluster/Pulumi.lab.yaml",
        "examples/onprem-dra-gpu-claims/Pulumi.lab.yaml",
    ],
)
def test_llmops_check_passes_on_each_checked_stack(stack, monkeypatch) -> None:
    assert stack in _matrix_stacks()
    monkeypatch.chdir(ROOT)  # the workflow runs from the repository root
    result = CliRunner().invoke(app, ["check", "--config", stack])
    assert result.exit_code == 0, result.output
    assert "PASSED: 0 mandatory" in result.output
