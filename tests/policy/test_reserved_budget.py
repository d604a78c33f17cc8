"""monthly-gpu-budget counts reserved capacity: a pool's committed nodes (stack config
`node_pools.<pool>.reservation`, matched by the pool's `llmops.dev/pool` node label) at the
reservation's price whether they run or not, plus on-demand nodes beyond them."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.policy.cost import BUDGET
from pulumi_llmops.policy.reservations import commitment, pool_key

NG = "aws:eks/nodeGroup:NodeGroup"
NP = "gcp:container/nodePool:NodePool"
AP = "azure-native:containerservice:AgentPool"
G6 = 0.8048  # g6.xlarge on-demand in us-east-1 (catalogue)


def node_group(pool: str | None, max_: float = 2.0) -> dict[str, Any]:
    props: dict[str, Any] = {
        "scalingConfig": {"minSize": 0.0, "maxSize": max_, "desiredSize": 0.0},
        "capacityType": "ON_DEMAND",
        "instanceTypes": ["g6.xlarge"],
    }
    if pool is not None:
        props["labels"] = {"llmops.dev/pool": pool}
    return props


def reserved(**reservation: Any) -> dict[str, Any]:
    spec = {"id": "cr-0123456789abcdef0", "zone": "us-east-1a", **reservation}
    return {"node_pools": {"l4": {"reservation": spec}}}


def over(pol: Any, resource: Any, budget: float) -> list[Any]:
    return pol.verdict(
        BUDGET, pol.StackValidationArgs([resource], {}), {"monthlyBudgetUsd": budget}
    )


def message(total: str, line: str, budget: str) -> list[tuple[None, str]]:
    return [
        (
            None,
            f"GPU pools at maximum size cost {total}/month ({line}), above the budget of "
            f"{budget}. Fix: lower max nodes, pick cheaper GPUs, or raise monthlyBudgetUsd.",
        )
    ]


@pytest.fixture
def aws(pol: Any) -> Any:
    return pol.provider("pulumi:providers:aws", {"region": "us-east-1"})


def test_committed_nodes_above_max_size_are_billed(
    pol: Any, aws: Any, platform_config: Any
) -> None:
    platform_config(reserved(committed_nodes=3))
    l4 = pol.stack_resource(NG, node_group("l4"), "l4", aws)
    # 3 reserved x 0.8048 $/h x 730 h = 1762.51, although the pool scales to 2 nodes only.
    assert over(pol, l4, 1763) == []
    assert over(pol, l4, 1700) == message(
        "$1,763", "EKS node group 'l4' reserved 3 x $0.805/h = $1,763", "$1,700"
    )


def test_a_declared_reservation_price_and_on_demand_nodes_beyond_it(
    pol: Any, aws: Any, platform_config: Any
) -> None:
    platform_config(reserved(committed_nodes=1, capacity_block=True, usd_per_node_hour=0.5))
    l4 = pol.stack_resource(NG, node_group("l4", max_=3.0), "l4", aws)
    # (1 x 0.5 + 2 x 0.8048) $/h x 730 h = 1540.01
    assert over(pol, l4, 1541) == []
    assert over(pol, l4, 1500) == message(
        "$1,540", "EKS node group 'l4' reserved 1 x $0.500/h + 2 x $0.805/h = $1,540", "$1,500"
    )


@pytest.mark.parametrize(
    ("platform", "pool"),
    [
        ({"node_pools": {"l4": {"reservation": {"affinity": "any"}}}}, "l4"),
        (reserved(committed_nodes=3), None),  # a pool the library did not label
        (reserved(committed_nodes=3), "other"),
        ({}, "l4"),
    ],
    ids=["any", "unlabelled", "other-pool", "no-platform-config"],
)
def test_pools_without_a_commitment_are_priced_at_max_size(
    pol: Any, aws: Any, platform_config: Any, platform: dict, pool: str | None
) -> None:
    platform_config(platform)
    l4 = pol.stack_resource(NG, node_group(pool), "l4", aws)
    assert commitment(l4) is None
    # 2 x 0.8048 x 730 = 1175.01
    assert over(pol, l4, 1100) == message(
        "$1,175", "EKS node group 'l4' 2 x $0.805/h = $1,175", "$1,100"
    )


def test_pool_keys_come_from_each_clouds_node_labels(pol: Any) -> None:
    labels = {"llmops.dev/pool": "l4"}
    assert pool_key(pol.stack_resource(NG, {"labels": labels})) == "l4"
    assert pool_key(pol.stack_resource(NP, {"nodeConfig": {"labels": labels}})) == "l4"
    assert pool_key(pol.stack_resource(AP, {"nodeLabels": labels})) == "l4"
    assert pool_key(pol.stack_resource("aws:ec2/instance:Instance", {"labels": labels})) is None
    assert pool_key(pol.stack_resource(NG, {})) is None


def test_bad_commitment_values_are_ignored(pol: Any, platform_config: Any) -> None:
    l4 = pol.stack_resource(NG, node_group("l4"), "l4")
    for bad in ({"committed_nodes": 0}, {"committed_nodes": True}, {"committed_nodes": "3"}):
        platform_config(reserved(**bad))
        assert commitment(l4) is None
    platform_config(reserved(committed_nodes=2, usd_per_node_hour=-1))
    found = commitment(l4)
    assert found is not None and (found.nodes, found.usd_per_node_hour) == (2, None)
