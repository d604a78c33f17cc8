"""Valid cloud `llmops:platform` objects for the cloud tests, one per target."""

from __future__ import annotations

import copy
from typing import Any

SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

BASE: dict[str, dict[str, Any]] = {
    "eks": {
        "environment": "dev",
        "target": "eks",
        "region": "us-east-1",
        "cluster": {"name": "ml", "eks": {"subnet_ids": SUBNETS}},
        "node_pools": {"l4": {"machine_type": "g6.xlarge", "max_nodes": 2}},
    },
    "gke": {
        "environment": "dev",
        "target": "gke",
        "region": "us-central1",
        "cluster": {"name": "ml", "gke": {"project": "acme-ml"}},
        "node_pools": {
            "l4": {
                "machine_type": "g2-standard-8",
                "max_nodes": 2,
                "gke": {"node_locations": ["us-central1-a"]},
            }
        },
    },
    "aks": {
        "environment": "dev",
        "target": "aks",
        "region": "eastus",
        # A public API server limited to a CI range: reachable in the first `pulumi up`.
        "cluster": {"name": "ml", "aks": {"authorized_ip_ranges": ["203.0.113.0/24"]}},
        "node_pools": {"t4": {"machine_type": "Standard_NC4as_T4_v3", "max_nodes": 2}},
    },
}


def platform(target: str, cluster: dict | None = None, **pools: dict) -> dict[str, Any]:
    """A valid platform for `target`; `cluster` merges into `cluster`, pools replace pools."""
    data = copy.deepcopy(BASE[target])
    data["cluster"].update(copy.deepcopy(cluster or {}))
    if pools:
        data["node_pools"] = copy.deepcopy(pools)
    return data
