"""The three policy packs under the real CLI fail deliberately violating on-prem stacks, naming
the same rules on the same resources as `llmops check` for the same stack file.

One control plane for all of them (previews deploy nothing). The only findings `llmops check`
may have that the CLI cannot are rules on Helm chart values: under the CLI a helm.v4.Chart
reaches policies without props (pulumi-kubernetes#2144, `PROPS_HIDDEN_FROM_PACKS`); they are
listed per stack below so a reviewer sees exactly what the CLI gate misses.

tests/offline/fixtures/Pulumi.bad-eks.yaml is not run here: an EKS preview needs the AWS
provider and an AWS account, neither of which the tier has.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "offline" / "fixtures"
# stack -> ((pack, policy, resource name) seen only by `llmops check`: chart values)
CHART_VALUE_FINDINGS = {
    "bad-onprem": {
        ("security-baseline", "no-public-load-balancers", "bad-lab-vectordb-qdrant"),
        ("security-baseline", "no-plaintext-secrets-in-helm-values", "bad-lab-vectordb-qdrant"),
    },
    "bad-onprem-privileged": {
        ("data-residency", "vector-snapshots-in-region", "priv-lab-vectordb-qdrant"),
    },
    "bad-staging-onprem": set(),
}


@pytest.fixture(scope="module")
def parity(tier, tmp_path_factory):
    """stack -> (PackPreview, `llmops check` report): every preview and check at once."""
    from concurrent.futures import ThreadPoolExecutor

    from harness.library import llmops_check
    from harness.previews import PreviewCluster

    engine, library_python = tier

    def both(prepared):
        preview = cluster.policy_preview(prepared)
        return preview, llmops_check(library_python, preview.stack_file)

    with PreviewCluster(engine, tmp_path_factory.mktemp("parity")) as cluster:
        stacks = sorted(CHART_VALUE_FINDINGS)
        prepared = [cluster.prepare(FIXTURES / f"Pulumi.{s}.yaml") for s in stacks]
        with ThreadPoolExecutor(len(stacks)) as pool:
            yield dict(zip(stacks, pool.map(both, prepared), strict=True))


@pytest.mark.parametrize("stack", sorted(CHART_VALUE_FINDINGS))
def test_packs_fail_and_name_the_rules_llmops_check_names(stack, parity):
    from harness.policy import check_findings

    from pulumi_llmops.policy.helm import PROPS_HIDDEN_FROM_PACKS

    preview, report = parity[stack]
    cli, offline = preview.findings, check_findings(report)
    assert preview.result.returncode != 0, preview.result.stdout[-4000:]
    assert [f for f in cli if f.level == "mandatory"], "no mandatory violation under the CLI"
    hidden = [f for f in offline if f.resource_type in PROPS_HIDDEN_FROM_PACKS]
    assert cli == [f for f in offline if f not in hidden]
    assert {(f.pack, f.policy, f.urn.rsplit("::", 1)[-1]) for f in hidden} == (
        CHART_VALUE_FINDINGS[stack]
    )
    for f in cli:  # the CLI's summary names each rule too
        assert f"{f.policy}  (" in preview.result.stdout


@pytest.mark.parametrize("pack", ["cost-guardrails", "data-residency", "security-baseline"])
def test_pack_requirements_are_satisfied_by_the_tier_venv(pack, tier):
    """policies/<pack>/requirements.txt holds in the venv the packs run in: pulumi-policy in
    range, and `-e ../..` (the library) is this checkout (harness/project.py says why it is
    not pip-installed)."""
    from harness.project import pack_requirements_satisfied

    assert pack_requirements_satisfied(pack) == []
