"""The GPU scheduling contract of a pool: what nodes carry and what pods must ask for.

Pure functions, no Pulumi. Every target (cloud or on-prem) produces the same contract, so
serving targets a pool the same way everywhere (nodeSelector + tolerations + GPU resource).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config.node_pool import GpuPoolSpec, TaintSpec

POOL_LABEL = "llmops.dev/pool"
GPU_MODEL_LABEL = "llmops.dev/gpu-model"
GPU_RESOURCE = "nvidia.com/gpu"
GPU_TAINT_KEY = "nvidia.com/gpu"
GPU_TAINT = TaintSpec(value="present", effect="NoSchedule")
DEVICE_PLUGIN_CONFIG_LABEL = "nvidia.com/device-plugin.config"
MIG_CONFIG_LABEL = "nvidia.com/mig.config"
_GIB_PER_GB = 1e9 / 2**30


@dataclass(frozen=True)
class Taint:
    """A node taint as Kubernetes spells it."""

    key: str
    value: str
    effect: str

    def to_k8s(self) -> dict[str, str]:
        taint = {"key": self.key, "effect": self.effect}
        if self.value:
            taint["value"] = self.value
        return taint

    def toleration(self) -> dict[str, str]:
        """The toleration that lets a pod onto a node with this taint."""
        if not self.value:
            return {"key": self.key, "operator": "Exists", "effect": self.effect}
        return {"key": self.key, "operator": "Equal", "value": self.value, "effect": self.effect}


@dataclass(frozen=True)
class GpuPoolContract:
    """How workloads land on a GPU pool and what they find there.

    `labels` are put on the nodes by the library; `node_selector` is what pods use (a subset
    of `labels`, or the user's selector for adopted on-prem nodes); `gpu_resource` is the
    extended resource to request (None for MIG mixed strategy, where each slice size has its
    own `nvidia.com/mig-<profile>` resource).
    """

    pool: str
    target: str
    gpu_model: str | None
    gpus_per_node: int | None
    gpu_memory_gib: float | None
    min_nodes: int
    max_nodes: int
    spot: bool
    machine_type: str | None
    labels: dict[str, str] = field(default_factory=dict)
    node_selector: dict[str, str] = field(default_factory=dict)
    taints: tuple[Taint, ...] = ()
    gpu_resource: str | None = GPU_RESOURCE
    sharing: str = "none"
    schedulable_gpus_per_node: int | None = None
    memory_per_schedulable_gpu_gib: float | None = None

    @property
    def tolerations(self) -> list[dict[str, str]]:
        return [taint.toleration() for taint in self.taints]


def label_value(text: str) -> str:
    """Lower-case `text` into a valid label value (A100 80GB -> a100-80gb)."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:63].rstrip("-")


def pool_taints(spec: GpuPoolSpec) -> tuple[Taint, ...]:
    """Default GPU taint (unless disabled) merged with `additional_taints` by key, sorted by key."""
    merged: dict[str, TaintSpec] = {GPU_TAINT_KEY: GPU_TAINT} if spec.gpu_taint else {}
    merged.update(spec.additional_taints)
    return tuple(Taint(key, t.value, t.effect) for key, t in sorted(merged.items()))


def pool_labels(pool: str, spec: GpuPoolSpec, gpu_model: str | None = None) -> dict[str, str]:
    """Node labels the library applies: pool, GPU model, sharing selectors, then user labels.

    The GPU model is the spec's declared `gpu.model`, else `gpu_model` (from the catalogue).
    """
    labels = {POOL_LABEL: pool}
    model = spec.gpu.model if spec.gpu is not None else gpu_model
    if model:
        labels[GPU_MODEL_LABEL] = label_value(model)
    if spec.sharing and spec.sharing.time_slicing:
        labels[DEVICE_PLUGIN_CONFIG_LABEL] = pool
    if spec.sharing and spec.sharing.mig:
        labels[MIG_CONFIG_LABEL] = spec.sharing.mig.profile
    labels.update(spec.additional_labels)
    return dict(sorted(labels.items()))


def build_contract(
    pool: str,
    spec: GpuPoolSpec,
    target: str,
    *,
    gpu_model: str | None = None,
    gpus_per_node: int | None = None,
    gpu_memory_gib: float | None = None,
    min_nodes: int | None = None,
    max_nodes: int | None = None,
) -> GpuPoolContract:
    """Contract of one pool. Keyword overrides come from the catalogue or the node set."""
    model = spec.gpu.model if spec.gpu else gpu_model
    count = spec.gpu.count if spec.gpu else gpus_per_node
    memory = (spec.gpu.memory_gib if spec.gpu else None) or gpu_memory_gib
    labels = pool_labels(pool, spec, model)
    sharing, resource, units, unit_memory = _sharing(spec, count, memory)
    return GpuPoolContract(
        pool=pool,
        target=target,
        gpu_model=model,
        gpus_per_node=count,
        gpu_memory_gib=memory,
        min_nodes=spec.min_nodes if min_nodes is None else min_nodes,
        max_nodes=spec.max_nodes if max_nodes is None else max_nodes,
        spot=spec.spot,
        machine_type=spec.machine_type,
        labels=labels,
        node_selector={POOL_LABEL: pool},
        taints=pool_taints(spec),
        gpu_resource=resource,
        sharing=sharing,
        schedulable_gpus_per_node=units,
        memory_per_schedulable_gpu_gib=unit_memory,
    )


def _sharing(
    spec: GpuPoolSpec, count: int | None, memory: float | None
) -> tuple[str, str | None, int | None, float | None]:
    """(sharing mode, GPU resource name, schedulable units per node, memory per unit)."""
    if spec.sharing is None:
        return "none", GPU_RESOURCE, count, memory
    if spec.sharing.time_slicing:
        replicas = spec.sharing.time_slicing.replicas
        # Time-slices share one GPU's memory with no isolation: each slot may use all of it.
        return "time-slicing", GPU_RESOURCE, count and count * replicas, memory
    mig = spec.sharing.mig
    assert mig is not None  # GpuSharingSpec guarantees exactly one mode
    slices = mig.compute_slices
    if slices is None:
        return "mig-mixed", None, None, None
    slice_gb = float(mig.profile.rsplit(".", 1)[1].removesuffix("gb"))
    return "mig-single", GPU_RESOURCE, count and count * slices, round(slice_gb * _GIB_PER_GB, 2)
