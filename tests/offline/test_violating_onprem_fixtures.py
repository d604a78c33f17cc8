"""The deliberately violating on-prem stacks of tests/offline/fixtures: the exact rules and
resources `llmops check` names for each. The real-engine tier (e2e/platform/
test_policy_parity.py) runs the same files under `pulumi preview --policy-pack` and requires
the same findings, except rules on Helm chart values, which the CLI cannot see
(`PROPS_HIDDEN_FROM_PACKS`, pulumi-kubernetes#2144)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_llmops.offline.check import check_stack
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.policy.helm import PROPS_HIDDEN_FROM_PACKS

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
CHART = "kubernetes:helm.sh/v4:Chart"
EXPECTED = {
    "bad-onprem": [
        ("data-residency/allowed-model-sources", "bad-lab-models-mystery"),
        ("data-residency/allowed-regions", "bad-lab-cluster-k8s"),
        ("security-baseline/no-plaintext-secrets-in-helm-values", "bad-lab-vectordb-qdrant"),
        ("security-baseline/no-public-load-balancers", "bad-lab-vectordb-qdrant"),
    ],
    "bad-onprem-privileged": [
        ("data-residency/vector-snapshots-in-region", "priv-lab-vectordb-qdrant"),
        ("security-baseline/no-privileged-pods", "priv-lab-observability-node-exporter-namespace"),
    ],
    "bad-staging-onprem": [
        ("data-residency/allowed-model-sources", "ams-staging-models-mistral-7b"),
        ("data-residency/allowed-regions", "ams-staging-cluster-k8s"),
    ],
}


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_violating_onprem_fixture(stack: str) -> None:
    result = check_stack(
        read_stack_file(FIXTURES / f"Pulumi.{stack}.yaml"), policies_dir=ROOT / "policies"
    )
    assert sorted((v.rule_id, v.resource_name) for v in result.violations) == EXPECTED[stack]
    assert result.mandatory == result.violations
    # Each fails the CLI gate too: at least one finding on a resource the packs can see.
    assert [v for v in result.violations if v.resource_type not in PROPS_HIDDEN_FROM_PACKS]


def test_every_onprem_fixture_is_listed() -> None:
    onprem = sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for p in FIXTURES.glob("Pulumi.*.yaml")
        if "target: onprem" in p.read_text()
    )
    assert onprem == sorted(EXPECTED)
