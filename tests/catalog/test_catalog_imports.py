"""The catalogue imports from any layer: no Pulumi, no cloud SDK, data read lazily."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COMPONENTS = Path(__file__).resolve().parents[2] / "components"
HEAVY = ("pulumi", "pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_kubernetes")


def loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(COMPONENTS)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def test_importing_the_catalogue_loads_no_pulumi_and_no_yaml() -> None:
    modules = loaded_after("import pulumi_llmops.catalog")
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
    assert "yaml" not in modules


def test_first_lookup_reads_the_data_without_pulumi() -> None:
    modules = loaded_after(
        "from pulumi_llmops.catalog import lookup_instance\nlookup_instance('aws', 'g6.xlarge')"
    )
    assert "yaml" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY}


def test_config_spec_loads_no_pulumi() -> None:
    modules = loaded_after("import pulumi_llmops.config.catalog")
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
