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


CR = "cr-0123456789abcdef0"
CRG = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/gpu-rg/providers/"
    "Microsoft.Compute/capacityReservationGroups/gpu-crg"
)
_GKE_DRA = {
    "node_locations": ["us-central1-a"],
    "gpu_driver_version": "INSTALLATION_DISABLED",
    "image_type": "UBUNTU_CONTAINERD",
}


def dra_and_reserved(target: str) -> dict[str, Any]:
    """The `target` fixture extended (issue 15): a DRA pool (`gpu.allocation: dra`, whole GPUs,
    a model served from it with a ResourceClaimTemplate), a reserved pool (MIG slices by DRA
    on EKS, on a specific reservation), and the Kubernetes pin DRA needs."""
    model = {
        "storage_uri": "hf://Qwen/Qwen2.5-1.5B-Instruct",
        "params_billion": 1.5,
        "max_context_tokens": 4096,
    }
    if target == "eks":
        data = platform(
            "eks",
            {"eks": {"subnet_ids": SUBNETS, "kubernetes_version": "1.35"}},
            l4={"machine_type": "g6.xlarge", "max_nodes": 2, "gpu": {"allocation": "dra"}},
            h100={
                "machine_type": "p5.48xlarge",
                "max_nodes": 1,
                "gpu": {"allocation": "dra"},
                "sharing": {"mig": {"profile": "all-3g.40gb"}},
                "reservation": {
                    "id": CR,
                    "zone": "us-east-1a",
                    "committed_nodes": 1,
                    "capacity_block": True,
                    "usd_per_node_hour": 31.464,
                },
            },
        )
        data["models"] = {
            "chat": {**model, "pool": "l4"},
            "mig-chat": {**model, "pool": "h100"},
        }
        return data
    if target == "gke":
        data = platform(
            "gke",
            l4={
                "machine_type": "g2-standard-8",
                "max_nodes": 2,
                "gpu": {"allocation": "dra"},
                "gke": _GKE_DRA,
            },
            reserved={
                "machine_type": "g2-standard-8",
                "max_nodes": 3,
                "gke": {**_GKE_DRA, "node_locations": ["us-central1-b"]},
                "reservation": {"id": "l4-res", "zone": "us-central1-b", "committed_nodes": 2},
            },
        )
        data["models"] = {"chat": {**model, "pool": "l4"}}
        return data
    data = platform(
        "aks",
        {"aks": {"authorized_ip_ranges": ["203.0.113.0/24"], "kubernetes_version": "1.35"}},
        t4={"machine_type": "Standard_NC4as_T4_v3", "max_nodes": 2, "gpu": {"allocation": "dra"}},
        reserved={
            "machine_type": "Standard_NC4as_T4_v3",
            "max_nodes": 2,
            "aks": {"availability_zones": ["1"]},
            "reservation": {"id": CRG, "zone": "1", "committed_nodes": 1},
        },
    )
    data["models"] = {"chat": {**model, "pool": "t4", "dtype": "fp16"}}
    return data
