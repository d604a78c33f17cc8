"""`llmops plan`: offline, deterministic, and clean errors (exit 2, no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pulumi_llmops.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def plan(*args: str):
    return runner.invoke(app, ["plan", "--stacks-dir", str(ROOT / "stacks"), *args])


def test_default_stack_plan_text_matches_snapshot(snapshot, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # `make plan` runs from the repository root: paths print relative
    result = runner.invoke(app, ["plan"])
    assert result.exit_code == 0, result.output
    assert result.output == snapshot


def test_plan_is_deterministic() -> None:
    assert plan("--json").output == plan("--json").output


def test_plan_json_states_it_is_offline_and_lists_the_gpu_inventory() -> None:
    result = plan("--stack", "dev-onprem", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["offline"] is True
    assert data["stack"] == "dev-onprem"
    assert data["caveats"][0].startswith("Offline plan on Pulumi's mock engine")
    pools = {p["pool"]: p for p in data["gpu_inventory"]}
    assert pools["l40s"]["gpus_per_node"] == 4
    assert pools["l40s"]["max_nodes"] == 2
    assert pools["l40s"]["max_gpus"] == 8
    assert pools["a100"]["sharing"] == "mig-single"
    assert data["resource_count"] == len(data["resources"])


def test_bad_config_exits_2_with_path_named_errors_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text(
        "config:\n"
        "  llmops:platform:\n"
        "    environment: dev\n"
        "    target: onprem\n"
        "    region: dc1\n"
        "    cluster: {name: lab, kubeconfig: {context: c}}\n"
        "    node_pools:\n"
        "      l4: {gpu: {model: L4, count: 1}, onprem: {node_names: [n1]}, max_nodes: 4}\n"
    )
    result = runner.invoke(app, ["plan", "--config", str(bad)])
    assert result.exit_code == 2
    assert result.output == (
        f"invalid llmops:platform in {bad}: 1 problem\n"
        f"  - {bad}:8: node_pools.l4.max_nodes: not used on-prem (the node set is fixed); remove it "
        "(got 4)\n"
    )
    assert "Traceback" not in result.output


def test_unknown_stack_lists_the_available_ones() -> None:
    result = plan("--stack", "nope")
    assert result.exit_code == 2
    assert "--stack: no " in result.output
    assert "dev-onprem" in result.output


def test_stack_and_config_are_exclusive(tmp_path: Path) -> None:
    result = plan("--stack", "dev-onprem", "--config", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2
    assert "give one of --stack or --config" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("config: [1, 2]\n", "config: must be a mapping of config keys"),
        ("config:\n  platform: {}\n", "config.platform: config keys are namespaced"),
        ("config: {llmops:platform: [}\n", "not valid YAML"),
        (
            "config: {}\n",
            "config.llmops:platform: required config key 'llmops:platform' is missing",
        ),
    ],
)
def test_malformed_stack_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text(content)
    result = runner.invoke(app, ["plan", "--config", str(path)])
    assert result.exit_code == 2
    assert message in result.output


def test_secure_config_values_are_never_printed(secure_plan_json: Result) -> None:
    result = secure_plan_json
    assert json.loads(result.output)["outputs"]["kubeconfig"] == "[secret]"
    assert "AAABAHiddenCiphertext" not in result.output
    assert "offline-plan-secret-placeholder" not in result.output
