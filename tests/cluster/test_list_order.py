"""Identity does not depend on list order: reversing a zone or subnet list of a pool or a
cluster registers exactly the same resources with exactly the same inputs, on every cloud."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers import run_platform
from helpers.cloud_configs import platform

SUBNETS_3 = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]

CASES: dict[str, tuple[dict[str, Any], list[tuple[str, ...]]]] = {
    "eks-pool-and-node-subnets": (
        platform(
            "eks",
            {"eks": {"subnet_ids": SUBNETS_3, "node_subnet_ids": SUBNETS_3[:2]}},
            l4={"machine_type": "g6.xlarge", "max_nodes": 2, "eks": {"subnet_ids": SUBNETS_3}},
        ),
        [
            ("cluster", "eks", "subnet_ids"),
            ("cluster", "eks", "node_subnet_ids"),
            ("node_pools", "l4", "eks", "subnet_ids"),
        ],
    ),
    "eks-network-zones": (
        platform(
            "eks",
            {
                "eks": {
                    "create_network": True,
                    "availability_zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
                    "public_access_cidrs": ["203.0.113.0/24"],
                }
            },
        ),
        [("cluster", "eks", "availability_zones")],
    ),
    "gke-pool-zones": (
        platform(
            "gke",
            l4={
                "machine_type": "g2-standard-8",
                "max_nodes": 4,
                "gke": {"node_locations": ["us-central1-a", "us-central1-b", "us-central1-c"]},
            },
        ),
        [("node_pools", "l4", "gke", "node_locations")],
    ),
    "aks-pool-zones": (
        platform(
            "aks",
            t4={
                "machine_type": "Standard_NC4as_T4_v3",
                "max_nodes": 2,
                "aks": {"availability_zones": ["1", "2", "3"]},
            },
        ),
        [("node_pools", "t4", "aks", "availability_zones")],
    ),
}


def reversed_at(data: dict[str, Any], paths: list[tuple[str, ...]]) -> dict[str, Any]:
    out = copy.deepcopy(data)
    for path in paths:
        parent = out
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = list(reversed(parent[path[-1]]))
    return out


def registrations(data: dict[str, Any]) -> dict[str, tuple]:
    """Every registration by URN: inputs, parent, provider, options (repr-compared: Secrets)."""
    recording, _ = run_platform(data)
    return {
        r.urn: (repr(r.inputs), r.parent, r.provider, r.protect, r.dependencies) for r in recording
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_reversing_a_list_changes_no_registration(case: str) -> None:
    data, paths = CASES[case]
    forward = registrations(data)
    backward = registrations(reversed_at(data, paths))
    assert reversed_at(data, paths) != data
    assert forward.keys() == backward.keys()
    changed = {
        urn: (forward[urn], backward[urn]) for urn in forward if forward[urn] != backward[urn]
    }
    assert changed == {}
