"""Node pools of every cloud in one shape, read from engine props, for the cost rules.

EKS `aws:eks/nodeGroup:NodeGroup`, GKE `gcp:container/nodePool:NodePool` and AKS
`azure-native:containerservice:AgentPool` (also the `agentPoolProfiles` inlined in a
`ManagedCluster`). GPUs per node come from the GKE guest accelerators or the library's
catalogue (with the stack's `catalog` overrides from `llmops:platform`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..catalog.overrides import NO_OVERRIDES, CatalogOverrides
from .context import location_of, normalize_region, platform_settings
from .props import UNKNOWN, as_bool, as_int, elements, get, is_unknown

EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
GKE_NODE_POOL = "gcp:container/nodePool:NodePool"
AKS_AGENT_POOL = re.compile(r"^azure-native:containerservice(/v\w+)?:AgentPool$")
AKS_CLUSTER = re.compile(r"^azure-native:containerservice(/v\w+)?:ManagedCluster$")
_GCP_ZONE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")
GKE_DEFAULT_ZONES_PER_REGION = 3


@dataclass(frozen=True)
class Pool:
    """One node pool. Counts are None when absent, `UNKNOWN` when computed."""

    cloud: str
    label: str  # e.g. "EKS node group 'gpu-a10'"
    urn: str
    machine_types: tuple[Any, ...]
    accelerators: tuple[tuple[Any, Any], ...]  # GKE (type, count per node)
    min_nodes: Any
    max_nodes: Any
    spot: Any
    gpu_hint: bool  # NVIDIA image, GPU profile, N-series VM


def _count(value: Any) -> Any:
    return UNKNOWN if is_unknown(value) else as_int(value)


def catalog_overrides() -> CatalogOverrides:
    """The stack's catalogue overrides (from `llmops:platform` `catalog`); none when absent
    or invalid (a bad catalogue is the program's error to report, not the policy's)."""
    raw = platform_settings().get("catalog")
    if not raw:
        return NO_OVERRIDES
    try:
        from ..config.catalog import CatalogSpec

        return CatalogSpec.model_validate(raw).to_overrides()
    except Exception:  # noqa: BLE001
        return NO_OVERRIDES


def pools_of(resource: Any) -> list[Pool]:
    """The pools a resource declares ([] for other types)."""
    t, props, name = resource.resource_type, resource.props, resource.name
    if t == EKS_NODE_GROUP:
        ami = get(props, "amiType")
        types = get(props, "instanceTypes")
        return [
            Pool(
                "aws",
                f"EKS node group {name!r}",
                resource.urn,
                tuple(elements(types)) if types is not None else ("t3.medium",),
                (),
                _count(get(props, "scalingConfig.minSize")),
                _count(get(props, "scalingConfig.maxSize")),
                UNKNOWN
                if is_unknown(get(props, "capacityType"))
                else get(props, "capacityType") == "SPOT",
                isinstance(ami, str) and "NVIDIA" in ami.upper(),
            )
        ]
    if t == GKE_NODE_POOL:
        return [_gke_pool(resource)]
    if AKS_AGENT_POOL.match(t):
        return [_aks_pool(props, f"AKS agent pool {name!r}", resource.urn)]
    if AKS_CLUSTER.match(t):
        return [
            _aks_pool(profile, f"AKS cluster {name!r} pool {get(profile, 'name')!r}", resource.urn)
            for profile in elements(get(props, "agentPoolProfiles"))
            if not is_unknown(profile)
        ]
    return []


def _gke_pool(resource: Any) -> Pool:
    props = resource.props
    accelerators = tuple(
        (get(a, "type"), _count(get(a, "count")))
        for a in elements(get(props, "nodeConfig.guestAccelerators"))
    )
    zones = _gke_zones(resource)
    total_min = _count(get(props, "autoscaling.totalMinNodeCount"))
    total_max = _count(get(props, "autoscaling.totalMaxNodeCount"))
    per_zone_min = _count(get(props, "autoscaling.minNodeCount"))
    per_zone_max = _count(get(props, "autoscaling.maxNodeCount"))
    fixed = _count(get(props, "nodeCount"))
    if fixed is None:
        fixed = _count(get(props, "initialNodeCount"))
    has_autoscaling = get(props, "autoscaling") is not None

    def scaled(total: Any, per_zone: Any) -> Any:
        if total is not None:
            return total
        base = per_zone if has_autoscaling else fixed
        if base is None or is_unknown(base) or is_unknown(zones):
            return UNKNOWN if is_unknown(base) or is_unknown(zones) else None
        return base * zones

    spot = get(props, "nodeConfig.spot")
    preemptible = get(props, "nodeConfig.preemptible")
    return Pool(
        "gcp",
        f"GKE node pool {resource.name!r}",
        resource.urn,
        (get(props, "nodeConfig.machineType", "e2-medium"),),
        accelerators,
        scaled(total_min, per_zone_min),
        scaled(total_max, per_zone_max),
        UNKNOWN
        if is_unknown(spot) or is_unknown(preemptible)
        else bool(as_bool(spot) or as_bool(preemptible)),
        bool(accelerators),
    )


def _gke_zones(resource: Any) -> Any:
    """Zones a GKE pool spans: its nodeLocations, else 1 (zonal) or 3 (regional cluster)."""
    locations = get(resource.props, "nodeLocations")
    if is_unknown(locations):
        return UNKNOWN
    if locations:
        return len(elements(locations))
    location, _ = location_of(resource)
    if is_unknown(location):
        return UNKNOWN
    if isinstance(location, str) and not _GCP_ZONE.match(location):
        return GKE_DEFAULT_ZONES_PER_REGION
    return 1


def _aks_pool(props: Any, label: str, urn: str) -> Pool:
    autoscale = as_bool(get(props, "enableAutoScaling"), False)
    count = _count(get(props, "count"))
    vm = get(props, "vmSize")
    priority = get(props, "scaleSetPriority")
    return Pool(
        "azure",
        label,
        urn,
        (vm,),
        (),
        _count(get(props, "minCount")) if autoscale else count,
        _count(get(props, "maxCount")) if autoscale else count,
        UNKNOWN if is_unknown(priority) else priority == "Spot",
        isinstance(vm, str)
        and vm.lower().startswith("standard_n")
        or get(props, "gpuProfile") is not None,
    )


def gpus_per_node(pool: Pool, overrides: Any = None) -> Any:
    """GPUs on one node: GKE accelerators, else the catalogue; `UNKNOWN`/None if unknown."""
    if pool.accelerators:
        counts = [c for _, c in pool.accelerators]
        if any(is_unknown(c) or c is None for c in counts):
            return UNKNOWN
        return sum(counts)
    found = [instance_of(pool.cloud, m, overrides) for m in pool.machine_types]
    if any(is_unknown(m) for m in pool.machine_types):
        return UNKNOWN
    counts = [i.gpu_count for i in found if i is not None]
    return max(counts) if counts else (None if not pool.gpu_hint else UNKNOWN)


def instance_of(cloud: str, machine_type: Any, overrides: Any = None) -> Any:
    """The catalogue entry of a machine type, or None when the catalogue does not know it."""
    if not isinstance(machine_type, str) or is_unknown(machine_type):
        return None
    from ..catalog import CatalogError, lookup_instance

    try:
        return lookup_instance(cloud, machine_type, overrides)
    except CatalogError:
        return None


def is_gpu_pool(pool: Pool, overrides: Any = None) -> bool:
    """A pool with GPUs: accelerators, a GPU machine type from the catalogue, or GPU hints."""
    if pool.accelerators or pool.gpu_hint:
        return True
    return any(instance_of(pool.cloud, m, overrides) is not None for m in pool.machine_types)


def pool_region(resource: Any, stack_resources: list[Any] | None = None) -> Any:
    """Region a pool is priced in: its location/provider region; AKS agent pools take their
    cluster's location (the only ManagedCluster in the stack), else the platform region."""
    location, _ = location_of(resource)
    if location is None and AKS_AGENT_POOL.match(resource.resource_type):
        clusters = [r for r in stack_resources or [] if AKS_CLUSTER.match(r.resource_type)]
        if len(clusters) == 1:
            location = get(clusters[0].props, "location")
    if location is None:
        location = platform_settings().get("region")
    if not isinstance(location, str) or is_unknown(location):
        return UNKNOWN if is_unknown(location) else None
    return normalize_region(
        {"aws": "aws", "gcp": "gcp"}.get(resource.resource_type.split(":", 1)[0], "azure"), location
    )


def stack_pools(resources: list[Any]) -> Iterator[tuple[Any, Pool]]:
    for resource in resources:
        for pool in pools_of(resource):
            yield resource, pool
