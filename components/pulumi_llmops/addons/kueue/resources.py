"""Pure builders of the Kueue objects of a platform's teams: ResourceFlavor per GPU pool,
ClusterQueue and LocalQueue per team, WorkloadPriorityClasses, and the chart's values.

Plain dicts at `kueue.x-k8s.io/v1beta2` (the storage version of Kueue 0.19), no Pulumi.
Upstream: https://kueue.sigs.k8s.io/docs/concepts/ (ResourceFlavor, ClusterQueue,
LocalQueue, WorkloadPriorityClass)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...cluster.contracts import GpuPoolContract
from ...config.queues import KueueSpec, PriorityClassSpec, TeamQuotaSpec, TeamSpec
from ...kube import MANAGED_BY

API = "kueue.x-k8s.io/v1beta2"
NAMESPACE = "kueue-system"
QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
PRIORITY_LABEL = "kueue.x-k8s.io/priority-class"
MAX_GPUS_ANNOTATION = "llmops.dev/max-gpus"
"""On each ResourceFlavor: the GPUs its pool can scale to (max nodes x schedulable GPUs per
node), what the cost-guardrail pack compares the teams' quotas with."""
GPU_RESOURCE_ANNOTATION = "llmops.dev/gpu-resource"
DEFAULT_CPU_PER_GPU = 8
DEFAULT_MEMORY_GIB_PER_GPU = 64
IMAGE_REPOSITORY = "registry.k8s.io/kueue/kueue"
"""The released controller image. The chart's values at the git tag point at a staging
image (`release-0.19`, pullPolicy Always), so the library names the release image and tag."""


@dataclass(frozen=True)
class PoolFlavor:
    """What Kueue needs about one GPU pool: its nodes' labels and taints (from the pool
    contract), the GPU resource its jobs request, how many it can scale to, and the host
    CPU and memory per GPU."""

    pool: str
    node_labels: Mapping[str, str]
    taints: tuple[Mapping[str, str], ...]
    tolerations: tuple[Mapping[str, str], ...]
    gpu_resource: str
    max_gpus: int
    cpu_per_gpu: float = DEFAULT_CPU_PER_GPU
    memory_gib_per_gpu: float = DEFAULT_MEMORY_GIB_PER_GPU
    labels: Mapping[str, str] = field(default_factory=dict)


def pool_flavor(
    contract: GpuPoolContract,
    gpu_resource: str,
    *,
    vcpus_per_node: int | None = None,
    memory_gib_per_node: float | None = None,
) -> PoolFlavor:
    """The flavor of a pool from its contract. Host CPU and memory per GPU come from the
    machine type (`vcpus_per_node`, `memory_gib_per_node` over the node's schedulable
    GPUs) when the catalogue knows them."""
    units = contract.schedulable_gpus_per_node or contract.gpus_per_node or 1
    cpu = vcpus_per_node / units if vcpus_per_node else DEFAULT_CPU_PER_GPU
    memory = memory_gib_per_node / units if memory_gib_per_node else DEFAULT_MEMORY_GIB_PER_GPU
    return PoolFlavor(
        pool=contract.pool,
        node_labels=dict(sorted(contract.node_selector.items())),
        taints=tuple(t.to_k8s() for t in contract.taints),
        tolerations=tuple(contract.tolerations),
        gpu_resource=gpu_resource,
        max_gpus=contract.max_nodes * units,
        cpu_per_gpu=cpu,
        memory_gib_per_gpu=memory,
    )


def resource_flavor(flavor: PoolFlavor) -> dict[str, Any]:
    """Admitted pods get the pool's node labels as nodeSelector and its tolerations; a
    workload that does not tolerate the nodes' taints is not admitted to the flavor."""
    spec: dict[str, Any] = {"nodeLabels": dict(flavor.node_labels)}
    if flavor.taints:
        spec["nodeTaints"] = [dict(t) for t in flavor.taints]
        spec["tolerations"] = [dict(t) for t in flavor.tolerations]
    return {
        "apiVersion": API,
        "kind": "ResourceFlavor",
        "metadata": {
            "name": flavor.pool,
            "labels": {**MANAGED_BY, **flavor.labels},
            "annotations": {
                GPU_RESOURCE_ANNOTATION: flavor.gpu_resource,
                MAX_GPUS_ANNOTATION: str(flavor.max_gpus),
            },
        },
        "spec": spec,
    }


def _quantity(value: float) -> int | str:
    return int(value) if float(value).is_integer() else f"{value:g}"


def _memory(gib: float) -> str:
    return f"{_quantity(gib)}Gi"


def quota_resources(flavor: PoolFlavor, quota: TeamQuotaSpec) -> list[dict[str, Any]]:
    """cpu, memory and GPU quotas of one team on one pool, in `coveredResources` order.

    CPU and memory follow the GPUs (per-GPU share of the node), borrowing and lending
    limits included, so a job that may borrow GPUs can also borrow the host it needs."""
    cpu = quota.cpu_cores if quota.cpu_cores is not None else quota.gpus * flavor.cpu_per_gpu
    memory = (
        quota.memory_gib if quota.memory_gib is not None else quota.gpus * flavor.memory_gib_per_gpu
    )
    gpu: dict[str, Any] = {"name": flavor.gpu_resource, "nominalQuota": quota.gpus}
    cpu_row: dict[str, Any] = {"name": "cpu", "nominalQuota": _quantity(cpu)}
    mem_row: dict[str, Any] = {"name": "memory", "nominalQuota": _memory(memory)}
    per_gpu_cpu = cpu / quota.gpus if quota.gpus else flavor.cpu_per_gpu
    per_gpu_mem = memory / quota.gpus if quota.gpus else flavor.memory_gib_per_gpu
    for key, limit in (
        ("borrowingLimit", quota.borrowing_limit),
        ("lendingLimit", quota.lending_limit),
    ):
        if limit is None:
            continue
        gpu[key] = limit
        cpu_row[key] = _quantity(limit * per_gpu_cpu)
        mem_row[key] = _memory(limit * per_gpu_mem)
    return [cpu_row, mem_row, gpu]


def cluster_queue(
    team: str, spec: TeamSpec, flavors: Mapping[str, PoolFlavor], labels: Mapping[str, str]
) -> dict[str, Any]:
    """The team's ClusterQueue: only its namespace may submit; one resource group (cpu,
    memory and the GPU resource) with one flavor per pool it has quota on. A team takes
    back lent quota by preempting borrowers (`reclaimWithinCohort: Any`); inside the queue
    a higher-priority job may preempt a lower one."""
    pools = sorted(spec.quotas)
    gpu_resources = sorted({flavors[p].gpu_resource for p in pools})
    body: dict[str, Any] = {
        "namespaceSelector": {
            "matchLabels": {"kubernetes.io/metadata.name": spec.namespace_of(team)}
        },
        "preemption": {"reclaimWithinCohort": "Any", "withinClusterQueue": "LowerPriority"},
        "queueingStrategy": "BestEffortFIFO",
    }
    if spec.cohort is not None:
        body["cohortName"] = spec.cohort
    if pools:
        assert len(gpu_resources) == 1, gpu_resources  # prepare reports mixed resources
        body["resourceGroups"] = [
            {
                "coveredResources": ["cpu", "memory", gpu_resources[0]],
                "flavors": [
                    {"name": p, "resources": quota_resources(flavors[p], spec.quotas[p])}
                    for p in pools
                ],
            }
        ]
    return {
        "apiVersion": API,
        "kind": "ClusterQueue",
        "metadata": {"name": team, "labels": {**MANAGED_BY, **labels}},
        "spec": body,
    }


def local_queue(team: str, spec: TeamSpec, labels: Mapping[str, str]) -> dict[str, Any]:
    """The queue the team's jobs name (`kueue.x-k8s.io/queue-name: <team>`)."""
    return {
        "apiVersion": API,
        "kind": "LocalQueue",
        "metadata": {
            "name": team,
            "namespace": spec.namespace_of(team),
            "labels": {**MANAGED_BY, **labels},
        },
        "spec": {"clusterQueue": team},
    }


def workload_priority_class(name: str, spec: PriorityClassSpec) -> dict[str, Any]:
    """A WorkloadPriorityClass: `value` and `description` are top-level fields (no spec)."""
    manifest: dict[str, Any] = {
        "apiVersion": API,
        "kind": "WorkloadPriorityClass",
        "metadata": {"name": name, "labels": dict(MANAGED_BY)},
        "value": spec.value,
    }
    if spec.description:
        manifest["description"] = spec.description
    return manifest


def kueue_values(version: str, *, prometheus: bool = False) -> dict[str, Any]:
    """The controller's released image at the chart's version; its metrics ServiceMonitor
    only when the Prometheus operator (its CRD) is installed."""
    return {
        "controllerManager": {
            "manager": {
                "image": {
                    "repository": IMAGE_REPOSITORY,
                    "tag": f"v{version.removeprefix('v')}",
                    "pullPolicy": "IfNotPresent",
                }
            }
        },
        "enablePrometheus": prometheus,
    }


def rendered_values(spec: KueueSpec, version: str, *, prometheus: bool = False) -> dict[str, Any]:
    from ...kube import deep_merge

    return deep_merge(kueue_values(version, prometheus=prometheus), spec.values_overrides)
