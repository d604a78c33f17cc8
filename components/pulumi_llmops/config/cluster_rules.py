"""Cross-field rules of cloud clusters that need the pools or the catalogue: how Pulumi
reaches the API server in the first `pulumi up`, subnets, GPU zones and scale from zero.
Pure, no Pulumi; every problem is named by its YAML path. (Supported Kubernetes versions
are checked by the cluster specs themselves: `config/kubernetes_support.py`.)
"""

from __future__ import annotations

from collections.abc import Mapping

from ..catalog.regions import zone_problem
from ..catalog.zones import gpu_zones, zones_source
from .aks import AksClusterSpec, vnet_of
from .cluster import ClusterSpec
from .eks import EksClusterSpec
from .errors import Problem
from .node_pool import GpuPoolSpec


def cluster_rule_problems(
    target: str, region: str, cluster: ClusterSpec, node_pools: Mapping[str, GpuPoolSpec]
) -> list[Problem]:
    """Every cross-field problem of `cluster.<target>` with the pools."""
    if target == "eks" and cluster.eks is not None:
        return _eks_problems(cluster.eks, node_pools)
    if target == "gke":
        return _gke_zone_problems(region, node_pools)
    if target == "aks":
        return _aks_problems(cluster.aks, node_pools)
    return []


def _eks_problems(eks: EksClusterSpec, node_pools: Mapping[str, GpuPoolSpec]) -> list[Problem]:
    problems: list[Problem] = []
    if eks.autoscaler == "none" and not eks.existing:
        for name, pool in sorted(node_pools.items()):
            if pool.min_nodes == 0:
                problems.append(
                    Problem(
                        f"node_pools.{name}.min_nodes",
                        "0 with cluster.eks.autoscaler: none: nothing would ever start a node "
                        "in this pool; set min_nodes >= 1 or use autoscaler: cluster-autoscaler",
                        0,
                    )
                )
    if eks.existing and not eks.node_subnet_ids:
        without = sorted(n for n, p in node_pools.items() if not (p.eks and p.eks.subnet_ids))
        if without:
            problems.append(
                Problem(
                    "cluster.eks.node_subnet_ids",
                    "required when adopting a cluster: its control-plane subnets may be public, "
                    "and GPU nodes belong in private subnets; list them here, or per pool in "
                    f"node_pools.<name>.eks.subnet_ids (missing for: {', '.join(without)})",
                )
            )
    return problems


def _gke_zone_problems(region: str, node_pools: Mapping[str, GpuPoolSpec]) -> list[Problem]:
    problems = []
    for name, pool in sorted(node_pools.items()):
        if pool.machine_type is None:
            continue
        where = f"node_pools.{name}.gke.node_locations"
        offered = gpu_zones("gcp", pool.machine_type, region)
        zones = list(pool.gke.node_locations) if pool.gke else []
        hint = (
            f" ({pool.machine_type} is offered in {', '.join(offered)})"
            if offered
            else f", e.g. [{region}-a]"
        )
        if not zones:
            problems.append(
                Problem(
                    where,
                    "required on GKE for a GPU pool: GPUs exist only in some zones, and "
                    f"min_nodes is spread over the listed zones; list the zones{hint}",
                )
            )
            continue
        if any(zone_problem("gcp", region, z) for z in zones):
            continue  # config/regions.py names each zone that is not a zone of the region
        if offered is not None:
            missing = [z for z in zones if z not in offered]
            if missing:
                problems.append(
                    Problem(
                        where,
                        f"{pool.machine_type} is not offered in {', '.join(missing)}; zones of "
                        f"{region} that offer it: {', '.join(offered)} (catalogue: "
                        f"{zones_source()})",
                        missing,
                    )
                )
    return problems


def _aks_problems(
    aks: AksClusterSpec | None, node_pools: Mapping[str, GpuPoolSpec]
) -> list[Problem]:
    spec = aks or AksClusterSpec()
    problems: list[Problem] = []
    if not spec.existing and not spec.authorized_ip_ranges and spec.vnet_subnet_id is None:
        problems.append(
            Problem(
                "cluster.aks.authorized_ip_ranges" if aks else "cluster.aks",
                "the API server would be private (no authorized_ip_ranges) on a virtual "
                "network that AKS creates during this deployment, so nothing running "
                "Pulumi can reach it: set authorized_ip_ranges (your runner's egress "
                "CIDRs; public API server limited to them), or vnet_subnet_id (a subnet of "
                "a VNet your runner is in or peered with; optionally api_server_subnet_id)",
            )
        )
    for name, pool in sorted(node_pools.items()):
        subnet = pool.aks.vnet_subnet_id if pool.aks else None
        if subnet is None or spec.existing:
            continue
        where = f"node_pools.{name}.aks.vnet_subnet_id"
        if spec.vnet_subnet_id is None:
            problems.append(
                Problem(
                    where,
                    "needs cluster.aks.vnet_subnet_id: AKS puts every pool of a cluster in one "
                    "VNet, and without it the system pool is on an AKS-managed VNet",
                )
            )
        elif vnet_of(subnet).lower() != vnet_of(spec.vnet_subnet_id).lower():
            problems.append(
                Problem(
                    where,
                    f"must be a subnet of the cluster's VNet {vnet_of(spec.vnet_subnet_id)!r}",
                    subnet,
                )
            )
    return problems
