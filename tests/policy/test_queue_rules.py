"""gpu-quotas-within-pools (cost guardrails): Kueue GPU quotas against the pools' max GPUs."""

from __future__ import annotations

from typing import Any

from pulumi_llmops.offline.recording import UNKNOWN
from pulumi_llmops.policy import pack_rules
from pulumi_llmops.policy.queues import QUOTAS_WITHIN_POOLS

RF = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor"
CQ = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"
GPU = "nvidia.com/gpu"


def flavor(name: str = "h100", max_gpus: Any = "16") -> dict:
    annotations = {"llmops.dev/gpu-resource": GPU}
    if max_gpus is not None:
        annotations["llmops.dev/max-gpus"] = max_gpus
    return {
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "ResourceFlavor",
        "metadata": {"name": name, "annotations": annotations},
        "spec": {"nodeLabels": {"llmops.dev/pool": name}},
    }


def queue(name: str, gpus: Any, pool: str = "h100", resource: str = GPU) -> dict:
    return {
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "ClusterQueue",
        "metadata": {"name": name},
        "spec": {
            "resourceGroups": [
                {
                    "coveredResources": ["cpu", "memory", resource],
                    "flavors": [
                        {
                            "name": pool,
                            "resources": [
                                {"name": "cpu", "nominalQuota": 512.0},
                                {"name": "memory", "nominalQuota": "4096Gi"},
                                {"name": resource, "nominalQuota": gpus},
                            ],
                        }
                    ],
                }
            ]
        },
    }


def run(pol: Any, *objects: tuple[str, dict, str], config: dict | None = None) -> list:
    resources = [pol.stack_resource(t, props, name) for t, props, name in objects]
    return pol.verdict(QUOTAS_WITHIN_POOLS, pol.StackValidationArgs(resources, None), config)


URN = "urn:pulumi:test::llmops::{}::{}"


def test_quotas_within_the_pool_pass(pol: Any) -> None:
    assert (
        run(pol, (RF, flavor(), "f"), (CQ, queue("a", 8.0), "a"), (CQ, queue("b", 8.0), "b")) == []
    )


def test_one_team_above_the_pool(pol: Any) -> None:
    assert run(pol, (RF, flavor(), "f"), (CQ, queue("a", 24.0), "a")) == [
        (
            URN.format(CQ, "a"),
            "ClusterQueue 'a': quota of 24 nvidia.com/gpu on flavor 'h100' exceeds the 16 its "
            "pool can scale to. Fix: lower teams.<team>.quotas.h100.gpus or raise the pool's "
            "max nodes.",
        )
    ]


def test_the_teams_together_above_the_pool(pol: Any) -> None:
    assert run(
        pol, (RF, flavor(), "f"), (CQ, queue("a", 8.0), "a"), (CQ, queue("b", "12"), "b")
    ) == [
        (
            URN.format(RF, "f"),
            "flavor 'h100': the teams' quotas add up to 20 GPUs (a 8, b 12), above the 16 its "
            "pool can scale to. Fix: lower the teams' quotas (borrowing shares idle GPUs "
            "without promising them) or raise the pool's max nodes.",
        )
    ]


def test_overcommit_allowed_by_config(pol: Any) -> None:
    objects = ((RF, flavor(), "f"), (CQ, queue("a", 8.0), "a"), (CQ, queue("b", 12.0), "b"))
    assert run(pol, *objects, config={"maxQuotaShare": 1.25}) == []
    assert run(pol, *objects, config={"maxQuotaShare": 1.2})[0][1].endswith(
        "above the 16 its pool can scale to x 1.2. Fix: lower the teams' quotas (borrowing "
        "shares idle GPUs without promising them) or raise the pool's max nodes."
    )


def test_flavor_without_max_and_unknown_quota(pol: Any) -> None:
    assert run(pol, (RF, flavor(max_gpus=None), "f"), (CQ, queue("a", 4.0), "a")) == [
        (
            URN.format(CQ, "a"),
            "ClusterQueue 'a': flavor 'h100' does not say how many GPUs its pool can scale to "
            "(llmops.dev/max-gpus), so the quota of 4 nvidia.com/gpu cannot be checked. Fix: "
            "let the library build the flavor from the pool, or annotate it.",
        )
    ]
    assert run(pol, (RF, flavor(), "f"), (CQ, queue("a", UNKNOWN), "a")) == [
        (
            URN.format(CQ, "a"),
            "ClusterQueue 'a': nominalQuota of nvidia.com/gpu on flavor 'h100' is not a "
            "literal GPU count, so it cannot be checked against the pool. Fix: give a number.",
        )
    ]


def test_cpu_and_memory_rows_and_other_resources_are_not_gpus(pol: Any) -> None:
    assert (
        run(pol, (RF, flavor(), "f"), (CQ, queue("a", 99.0, resource="example.com/fpga"), "a"))
        == []
    )
    mig = queue("a", 40.0, resource="nvidia.com/mig-3g.40gb")
    assert len(run(pol, (RF, flavor(), "f"), (CQ, mig, "a"))) == 1


def test_no_queues_no_violation(pol: Any) -> None:
    assert run(pol) == []


def test_the_rule_is_in_the_cost_pack() -> None:
    assert QUOTAS_WITHIN_POOLS in pack_rules("cost-guardrails")
