"""`node_pools.<pool>.reservation`: valid reservations load per cloud; what a cloud cannot
honour (another region or zone, a spot or on-prem pool, an id of another shape) is one
path-named problem; the committed cost is nodes x price x 730 h."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers.cloud_configs import platform
from helpers.engine import onprem_platform
from pulumi_llmops.catalog.shape import resolve_pool
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.config.reservations import ReservationSpec, reservation_cost

CR = "cr-0123456789abcdef0"
CRG = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/gpu-rg/providers/"
    "Microsoft.Compute/capacityReservationGroups/t4-crg"
)


def eks_pool(**reservation: Any) -> dict[str, Any]:
    spec = {"id": CR, "zone": "us-east-1a", "committed_nodes": 2, **reservation}
    return platform("eks", l4={"machine_type": "g6.xlarge", "max_nodes": 4, "reservation": spec})


def gke_pool(zones: list[str] | None = None, **reservation: Any) -> dict[str, Any]:
    spec = {"id": "l4-reservation", "zone": "us-central1-a", "committed_nodes": 2, **reservation}
    return platform(
        "gke",
        l4={
            "machine_type": "g2-standard-8",
            "max_nodes": 2,
            "gke": {"node_locations": zones or ["us-central1-a"]},
            "reservation": spec,
        },
    )


def aks_pool(zones: list[str] | None = None, **reservation: Any) -> dict[str, Any]:
    spec = {"id": CRG, "committed_nodes": 1, **reservation}
    pool: dict[str, Any] = {"machine_type": "Standard_NC4as_T4_v3", "reservation": spec}
    if zones:
        pool["aks"] = {"availability_zones": zones}
    return platform("aks", t4=pool)


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(data)
    return [p.render() for p in info.value.problems]


@pytest.mark.parametrize(
    "data",
    [
        eks_pool(),
        eks_pool(capacity_block=True, usd_per_node_hour=1.2),
        platform("eks", l4={"machine_type": "g6.xlarge", "reservation": {"affinity": "any"}}),
        gke_pool(),
        gke_pool(id="projects/shared-res-01/reservations/l4-reservation"),
        platform(
            "gke",
            l4={
                "machine_type": "g2-standard-8",
                "gke": {"node_locations": ["us-central1-a", "us-central1-b"]},
                "reservation": {"affinity": "any"},
            },
        ),
        aks_pool(),
        aks_pool(["1", "2"], zone="2"),
    ],
    ids=["eks-odcr", "eks-block", "eks-any", "gke", "gke-shared", "gke-any", "aks", "aks-zone"],
)
def test_valid_reservations_load(data: dict[str, Any]) -> None:
    config = load_platform_config(data)
    assert [p.reservation is not None for p in config.node_pools.values()] == [True]


CASES = [
    (
        "other-region",
        eks_pool(region="us-west-2"),
        [
            "node_pools.l4.reservation.region: the reservation is in us-west-2, the stack in "
            "us-east-1: a pool can only draw on a reservation of its own region "
            "(got 'us-west-2')"
        ],
    ),
    (
        "zone-of-another-region",
        eks_pool(zone="eu-west-1a"),
        [
            "node_pools.l4.reservation.zone: zone 'eu-west-1a' is in eu-west-1, not in the "
            "stack's region us-east-1 (got 'eu-west-1a')"
        ],
    ),
    (
        "gke-zone-of-another-region",
        gke_pool(zone="europe-west4-a"),
        [
            "node_pools.l4.reservation.zone: zone 'europe-west4-a' is in europe-west4, not in "
            "the stack's region us-central1 (got 'europe-west4-a')"
        ],
    ),
    (
        "gke-pool-spans-other-zones",
        gke_pool(["us-central1-a", "us-central1-b"]),
        [
            "node_pools.l4.gke.node_locations: a specific reservation serves nodes of its zone "
            "only: set node_locations: [us-central1-a] (got ['us-central1-a', 'us-central1-b'])"
        ],
    ),
    (
        "aks-zone-not-in-pool",
        aks_pool(["1"], zone="3"),
        [
            "node_pools.t4.aks.availability_zones: the capacity reservation group holds zone 3, "
            "which the pool does not use (got ['1'])"
        ],
    ),
    (
        "eks-zone-missing",
        eks_pool(zone=None),
        ["node_pools.l4.reservation.zone: required with affinity specific on eks"],
    ),
    (
        "spot",
        {**eks_pool(), "node_pools": {"l4": {**eks_pool()["node_pools"]["l4"], "spot": True}}},
        [
            "node_pools.l4.spot: a spot pool cannot draw on reserved capacity; set spot: false "
            "(got True)"
        ],
    ),
    (
        "eks-id-shape",
        eks_pool(id="l4-reservation"),
        [
            "node_pools.l4.reservation.id: must be an EC2 capacity reservation id cr-<hex> "
            "(got 'l4-reservation')"
        ],
    ),
    (
        "aks-id-shape",
        aks_pool(id=CR),
        [
            "node_pools.t4.reservation.id: must be a capacity reservation group resource id "
            "(/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/"
            f"capacityReservationGroups/<name>) (got '{CR}')"
        ],
    ),
    (
        "aks-any",
        platform(
            "aks", t4={"machine_type": "Standard_NC4as_T4_v3", "reservation": {"affinity": "any"}}
        ),
        [
            "node_pools.t4.reservation: affinity any does not exist on AKS: a pool joins one "
            "capacity reservation group (affinity specific with its id)"
        ],
    ),
    (
        "block-on-gke",
        gke_pool(capacity_block=True, usd_per_node_hour=2.0),
        ["node_pools.l4.reservation.capacity_block: EKS only (got True)"],
    ),
    (
        "block-without-price",
        eks_pool(capacity_block=True),
        [
            "node_pools.l4.reservation.usd_per_node_hour: required with capacity_block (its "
            "purchase price)"
        ],
    ),
    (
        "specific-without-id-or-nodes",
        platform("eks", l4={"machine_type": "g6.xlarge", "reservation": {"zone": "us-east-1a"}}),
        [
            "node_pools.l4.reservation.id: required with affinity specific",
            "node_pools.l4.reservation.committed_nodes: required with affinity specific",
        ],
    ),
    (
        "any-with-an-id",
        platform(
            "eks", l4={"machine_type": "g6.xlarge", "reservation": {"affinity": "any", "id": CR}}
        ),
        [f"node_pools.l4.reservation.id: only with affinity specific (got '{CR}')"],
    ),
]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_reservations_a_cloud_cannot_honour_are_path_named_problems(
    data: dict[str, Any], expected: list[str]
) -> None:
    assert problems(copy.deepcopy(data)) == expected


def test_onprem_pools_have_no_cloud_reservation() -> None:
    data = onprem_platform()
    data["node_pools"]["l4"]["reservation"] = {"affinity": "any"}
    assert problems(data) == [
        "node_pools.l4.reservation: cloud capacity reservations exist on eks, gke and aks"
    ]


def test_committed_cost_is_nodes_times_price_times_730_hours() -> None:
    shape = resolve_pool("aws", "g6.xlarge", None, "us-east-1")
    assert shape.usd_per_hour == 0.8048
    odcr = ReservationSpec(id=CR, zone="us-east-1a", committed_nodes=2)
    cost = reservation_cost("eks", "l4", odcr, shape)
    assert (cost.kind, cost.nodes, cost.usd_per_node_hour) == (
        "on-demand capacity reservation",
        2,
        0.8048,
    )
    assert cost.usd_per_month == pytest.approx(2 * 0.8048 * 730)
    block = ReservationSpec(
        id=CR, zone="us-east-1a", committed_nodes=1, capacity_block=True, usd_per_node_hour=1.5
    )
    assert reservation_cost("eks", "l4", block, shape).usd_per_month == pytest.approx(1095.0)
    anything = reservation_cost("gke", "l4", ReservationSpec(affinity="any"), shape)
    assert (anything.kind, anything.reservation, anything.usd_per_month) == (
        "any open reservation",
        "(any)",
        None,
    )
