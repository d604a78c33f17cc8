"""Regions and zones checked per target against the catalogue (`catalog/regions.py`).

A GKE stack given an AWS region, an EKS region that does not exist, a GKE pool zone of
another region, AKS zones in a region without availability zones: each is a path-named
problem with "did you mean". On-prem site names are free-form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..catalog.regions import region_problem, zone_problem
from ..targets import target_info
from .catalog import CatalogSpec
from .cluster import ClusterSpec
from .errors import Problem
from .node_pool import GpuPoolSpec


def region_problems(
    target: str,
    region: str,
    cluster: ClusterSpec,
    node_pools: Mapping[str, GpuPoolSpec],
    catalog: CatalogSpec,
) -> list[Problem]:
    """Problems of `region` and of every zone list, for a cloud target ([] on-prem)."""
    info = target_info(target)
    if not info.is_cloud:
        return []
    cloud = info.cloud
    extra = {c: list(r) for c, r in catalog.regions.items()}
    problem = region_problem(cloud, region, extra)
    if problem:
        return [Problem("region", problem, region)]
    lists: list[tuple[str, Sequence[str]]] = []
    if target == "eks" and cluster.eks is not None:
        lists.append(("cluster.eks.availability_zones", cluster.eks.availability_zones))
    for name, pool in node_pools.items():
        if target == "gke" and pool.gke is not None:
            lists.append((f"node_pools.{name}.gke.node_locations", pool.gke.node_locations))
        if target == "aks" and pool.aks is not None:
            lists.append((f"node_pools.{name}.aks.availability_zones", pool.aks.availability_zones))
    problems = _network_problems(target, region, cluster)
    for where, zones in lists:
        seen: set[str] = set()
        for index, zone in enumerate(zones):
            if zone in seen:
                problems.append(Problem(f"{where}.{index}", "listed twice; remove one", zone))
                continue
            seen.add(zone)
            why = zone_problem(cloud, region, zone, extra)
            if why:
                problems.append(Problem(f"{where}.{index}", why, zone))
    return problems


def _network_problems(target: str, region: str, cluster: ClusterSpec) -> list[Problem]:
    """The EKS minimal network: a /16-/24 VPC and zones `<region><letter>` (a-g), since each
    zone's subnets are carved by its letter."""
    eks = cluster.eks
    if target != "eks" or eks is None or not eks.create_network:
        return []
    import ipaddress

    problems = []
    prefix = ipaddress.IPv4Network(eks.network_cidr).prefixlen
    if not 16 <= prefix <= 24:
        problems.append(
            Problem(
                "cluster.eks.network_cidr",
                f"must be a /16 to /24 network (a /{prefix} leaves no room for a private and a "
                "public subnet per zone)",
                eks.network_cidr,
            )
        )
    for index, zone in enumerate(eks.availability_zones):
        letter = zone[len(region) :]
        if zone.startswith(region) and (len(letter) != 1 or letter not in "abcdefg"):
            problems.append(
                Problem(
                    f"cluster.eks.availability_zones.{index}",
                    f"create_network needs availability zones {region}a to {region}g (Local "
                    "and Wavelength zones cannot hold the cluster's subnets)",
                    zone,
                )
            )
    return problems
