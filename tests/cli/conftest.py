"""Fixtures of the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from pulumi_llmops.cli.main import app


@pytest.fixture
def secure_plan_json(tmp_path: Path) -> Result:
    """`llmops plan --json` (exit 0) of an on-prem stack whose kubeconfig is the `secure:`
    config value `AAABAHiddenCiphertext`."""
    path = tmp_path / "Pulumi.sec.yaml"
    path.write_text(
        "config:\n"
        "  llmops:kubeconfig: {secure: AAABAHiddenCiphertext}\n"
        "  llmops:platform:\n"
        "    environment: dev\n"
        "    target: onprem\n"
        "    region: dc1\n"
        "    cluster: {name: lab, kubeconfig: {secret_config_key: kubeconfig}}\n"
    )
    result = CliRunner().invoke(app, ["plan", "--config", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return result
