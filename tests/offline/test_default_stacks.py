"""A default stack of every target against its environment's mandatory policies: exactly the
rules docs/policies.md "Default stacks" lists fail, each with the setting it names, and the
secrets-at-rest table of docs/security.md tells the same story as the `secrets-encryption`
rule and the config reference."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from helpers.cloud_configs import BASE
from helpers.engine import ONPREM_PLATFORM
from pulumi_llmops.offline.check import check_stack
from pulumi_llmops.offline.stack_file import read_stack_file

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ("eks", "gke", "aks", "onprem")
ENVIRONMENTS = ("dev", "staging", "prod")


def default_stack(target: str, environment: str) -> dict:
    """The smallest valid stack of `target` (docs/policies.md "Default stacks"): no tags."""
    data = copy.deepcopy(ONPREM_PLATFORM if target == "onprem" else BASE[target])
    data.pop("tags", None)
    data["environment"] = environment
    return data


def table_rows(page: str, heading: str) -> list[list[str]]:
    section = (ROOT / "docs" / page).read_text().split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows[2:]]


def documented_failures() -> set[tuple[str, str, str]]:
    found = set()
    for target, environments, rule, setting in table_rows("policies.md", "## Default stacks"):
        assert setting, (target, rule)
        for environment in environments.split(", "):
            found.add((target, environment, rule.strip("`")))
    return found


def mandatory_failures(target: str, environment: str, tmp_path: Path) -> set[str]:
    path = tmp_path / f"Pulumi.{target}-{environment}.yaml"
    path.write_text(
        yaml.safe_dump({"config": {"llmops:platform": default_stack(target, environment)}})
    )
    result = check_stack(read_stack_file(path, path.stem[7:]), policies_dir=ROOT / "policies")
    assert result.resource_count > 0 and result.environment == environment
    return {v.rule_id.split("/", 1)[1] for v in result.mandatory}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict[tuple[str, str], set[str]]:
    folder = tmp_path_factory.mktemp("default-stacks")
    return {(t, e): mandatory_failures(t, e, folder) for t in TARGETS for e in ENVIRONMENTS}


def test_the_docs_list_exactly_what_a_default_stack_fails(verdicts) -> None:
    actual = {(t, e, rule) for (t, e), rules in verdicts.items() for rule in rules}
    assert actual == documented_failures()


def test_the_security_page_tells_the_secrets_encryption_story_of_each_target(verdicts) -> None:
    rows = {row[0]: row for row in table_rows("security.md", "## Secrets at rest per target")}
    assert sorted(rows) == sorted(TARGETS)
    failing = {
        t: [e for e in ENVIRONMENTS if "secrets-encryption" in verdicts[(t, e)]] for t in TARGETS
    }
    assert failing == {"eks": [], "gke": list(ENVIRONMENTS), "aks": ["prod"], "onprem": []}
    passes = {t: rows[t][2] for t in TARGETS}
    assert passes["eks"] == "yes"
    assert passes["gke"] == "no"
    assert passes["aks"].startswith("no in prod") and "yes in dev and staging" in passes["aks"]
    assert passes["onprem"] == "not checked"
    # The setting each row names is the config key the rule's fix names (config reference).
    reference = (ROOT / "docs/config-reference.md").read_text()
    for key in ("database_encryption_key", "key_vault_key_id", "key_vault_resource_id"):
        assert f"| `{key}` |" in reference
    assert "`cluster.gke.database_encryption_key" in rows["gke"][3]
    assert "`cluster.aks.key_vault_key_id`" in rows["aks"][3]


@pytest.mark.parametrize(
    ("target", "key"),
    [("gke", "database_encryption_key"), ("aks", "key_vault_key_id")],
)
def test_the_config_reference_states_the_unencrypted_default(target: str, key: str) -> None:
    reference = (ROOT / "docs/config-reference.md").read_text()
    [row] = [line for line in reference.splitlines() if line.startswith(f"| `{key}` |")]
    description = row.rsplit(" | ", 1)[1]
    expected = {"gke": "Default: Google-managed encryption only.", "aks": "Unset: AKS platform"}
    assert expected[target] in description
    assert re.search(r"\| none \|", row)
