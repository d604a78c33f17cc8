"""The GPU scheduling contract of a pool: what nodes carry and what pods must ask for.

Pure functions, no Pulumi and no cloud SDK. Every target (cloud or on-prem) produces the
same contract, so serving targets a pool the same way everywhere (nodeSelector +
tolerations + GPU resource). `pool_contract` is the one entry point: the bundle computes
each pool's contract once, before anything registers, and hands it to the pool component,
serving, the GPU operator and observability.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..catalog.gpus import GpuModel, mig_profile_problem
from ..catalog.overrides import CatalogOverrides
from ..catalog.shape import PoolShape, mig_slice, mig_slice_memory_gib, resolve_pool
from ..config.allocation import DRA_NODE_LABELS
from ..config.node_pool import GpuPoolSpec, TaintSpec
from ..targets import catalog_cloud

POOL_LABEL = "llmops.dev/pool"
GPU_MODEL_LABEL = "llmops.dev/gpu-model"
GPU_RESOURCE = "nvidia.com/gpu"
GPU_TAINT_KEY = "nvidia.com/gpu"
GPU_TAINT = TaintSpec(value="present", effect="NoSchedule")
DEVICE_PLUGIN_CONFIG_LABEL = "nvidia.com/device-plugin.config"
MIG_CONFIG_LABEL = "nvidia.com/mig.config"
GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL = "gke-no-default-nvidia-gpu-device-plugin"
AKS_SPOT_TAINT_KEY = "kubernetes.azure.com/scalesetpriority"
EKS_ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator"
"""On EKS GPU nodes: the label the Cluster Autoscaler's AWS provider reads as "GPU node", so
it waits for the device plugin instead of adding nodes again (cluster-autoscaler AWS README,
"Special note on GPU instances")."""
TAINT_EFFECTS = {
    "NoSchedule": "NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
}
"""Kubernetes taint effects as EKS and GKE spell them."""


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
    extended resource to request (None for MIG all-balanced, where each slice size has its
    own `nvidia.com/mig-<profile>` resource, and for `dra` pools, whose nodes advertise
    none). `sharing` is none, time-slicing, mig-single or mig-mixed;
    `schedulable_gpus_per_node` and `memory_per_schedulable_gpu_gib` describe one schedulable
    unit (a GPU, a MIG slice `mig_slice`, or one of `slots_per_gpu` time slices).
    `allocation` is `device-plugin` (pods request `gpu_resource`) or `dra` (pods reference a
    ResourceClaimTemplate; the nodes carry `llmops.dev/gpu-allocation=dra` and the GPU
    operator's `nvidia.com/gpu.deploy.device-plugin=false`).
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
    mig_slice: str | None = None
    slots_per_gpu: int = 1
    allocation: str = "device-plugin"
    interconnect: str = "none"

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
    declared = spec.declared_gpu
    model = declared.model if declared is not None else gpu_model
    if model:
        labels[GPU_MODEL_LABEL] = label_value(model)
    if spec.sharing and spec.sharing.time_slicing:
        labels[DEVICE_PLUGIN_CONFIG_LABEL] = pool
    if spec.sharing and spec.sharing.mig:
        labels[MIG_CONFIG_LABEL] = spec.sharing.mig.profile
    if spec.allocation == "dra":
        labels.update(DRA_NODE_LABELS)
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
    gpu: GpuModel | None = None,
) -> GpuPoolContract:
    """Contract of one pool. Keyword overrides come from the catalogue or the node set;
    `gpu` (the catalogue's facts of the pool's GPU, when known) gives the MIG instances per
    GPU of the pool's profile."""
    declared = spec.declared_gpu
    model = declared.model if declared else gpu_model
    count = declared.count if declared else gpus_per_node
    memory = (declared.memory_gib if declared else None) or gpu_memory_gib
    labels = pool_labels(pool, spec, model)
    sharing, resource, units, unit_memory = _sharing(pool, spec, count, memory, gpu)
    mig = spec.sharing.mig if spec.sharing else None
    time_slicing = spec.sharing.time_slicing if spec.sharing else None
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
        interconnect=spec.interconnect,
        labels=labels,
        node_selector={POOL_LABEL: pool},
        taints=pool_taints(spec),
        gpu_resource=None if spec.allocation == "dra" else resource,
        sharing=sharing,
        schedulable_gpus_per_node=units,
        memory_per_schedulable_gpu_gib=unit_memory,
        mig_slice=mig_slice(mig.profile) if mig else None,
        slots_per_gpu=time_slicing.replicas if time_slicing else 1,
        allocation=spec.allocation,
    )


def _sharing(
    pool: str, spec: GpuPoolSpec, count: int | None, memory: float | None, gpu: GpuModel | None
) -> tuple[str, str | None, int | None, float | None]:
    """(sharing mode, GPU resource name, schedulable units per node, memory per unit).

    A MIG profile's instances per GPU are the catalogue's for the pool's GPU (1g.10gb is 7
    on an A100-80GB, 4 on an A100-40GB); for a GPU the catalogue does not know, the most a
    compute size allows (7, 3, 2, 1, 1 for 1g, 2g, 3g, 4g, 7g).
    """
    if spec.sharing is None:
        return "none", GPU_RESOURCE, count, memory
    if spec.sharing.time_slicing:
        replicas = spec.sharing.time_slicing.replicas
        # Time-slices share one GPU's memory with no isolation: each slot may use all of it.
        return "time-slicing", GPU_RESOURCE, count and count * replicas, memory
    mig = spec.sharing.mig
    assert mig is not None  # GpuSharingSpec guarantees exactly one mode
    name = mig_slice(mig.profile)
    if name is None:
        return "mig-mixed", None, None, None
    slices = mig.compute_slices
    if gpu is not None and gpu.mig_capable:
        problem = mig_profile_problem(gpu, name)
        if problem is not None:
            raise ValueError(f"pool {pool!r}: sharing.mig.profile {mig.profile!r}: {problem}")
        slices = gpu.mig_instances(name)
    if slices is None:
        return "mig-mixed", None, None, None
    return (
        "mig-single",
        GPU_RESOURCE,
        count and count * slices,
        mig_slice_memory_gib(name, gpu, memory),
    )


# --- per-target contracts --------------------------------------------------------------


def gke_operator_managed(spec: GpuPoolSpec) -> bool:
    """On GKE: the GPU operator, not GKE, installs the driver and device plugin on this pool
    (`gke.gpu_driver_version: INSTALLATION_DISABLED`)."""
    return spec.gke is not None and spec.gke.gpu_driver_version == "INSTALLATION_DISABLED"


AKS_SPOT_TAINT = Taint(AKS_SPOT_TAINT_KEY, "spot", "NoSchedule")
"""AKS puts this taint on every spot node itself; pods on spot pools must tolerate it."""


def pool_contract(target: str, pool: str, spec: GpuPoolSpec, shape: PoolShape) -> GpuPoolContract:
    """The scheduling contract of pool `pool` on `target`, from its spec and resolved shape.

    - eks: the neutral contract plus `k8s.amazonaws.com/accelerator=<gpu model>` (the
      Cluster Autoscaler's GPU label); GPU-operator sharing labels stay (EKS has no native
      GPU sharing, so the operator does time-slicing and MIG from those labels).
    - gke: with GKE-managed drivers, GPU sharing is GKE's own (time-sharing, MIG partitions),
      so the operator's selector labels are dropped (a MIG manager acting on them would fight
      GKE); with INSTALLATION_DISABLED the operator does everything, its labels stay and
      GKE's device plugin is switched off by label.
    - aks: MIG is AKS-native (`gpu_instance_profile`), so `nvidia.com/mig.config` is dropped;
      spot pools add the spot taint AKS sets on the nodes itself.
    - onprem: the node set is fixed (named nodes, or `node_count` nodes adopted by selector:
      then nothing is patched and the contract is what the nodes already carry).
    """
    if target == "onprem":
        return _onprem_contract(pool, spec, shape)
    contract = build_contract(
        pool,
        spec,
        target,
        gpu_model=shape.gpu_model,
        gpus_per_node=shape.gpu_count,
        gpu_memory_gib=shape.gpu_memory_gib,
        gpu=shape.gpu,
    )
    if target == "gke":
        return _gke_contract(spec, contract)
    if target == "aks":
        return _aks_contract(spec, contract)
    if target == "eks":
        return _eks_contract(spec, contract)
    return contract


class PoolArgs(Protocol):
    """What every pool component's Args carry (`EksGpuNodePoolArgs`, `OnPremGpuPoolArgs`...)."""

    @property
    def pool(self) -> str: ...

    @property
    def spec(self) -> GpuPoolSpec: ...

    @property
    def shape(self) -> PoolShape | None: ...

    @property
    def contract(self) -> GpuPoolContract | None: ...

    @property
    def catalog(self) -> CatalogOverrides: ...


def pool_facts(target: str, args: PoolArgs, region: str) -> tuple[PoolShape, GpuPoolContract]:
    """A pool component's shape and contract: those in `args` (the bundle passes what
    `prepare` computed), else resolved from the catalogue (`args.catalog` overrides, priced
    in `region`) and `pool_contract`."""
    spec = args.spec
    shape = args.shape or resolve_pool(
        catalog_cloud(target), spec.machine_type, spec.declared_gpu, region, args.catalog
    )
    return shape, args.contract or pool_contract(target, args.pool, spec, shape)


def _with_labels(
    contract: GpuPoolContract, labels: dict[str, str], spec: GpuPoolSpec
) -> GpuPoolContract:
    labels.update(spec.additional_labels)
    return replace(contract, labels=dict(sorted(labels.items())))


def _gke_contract(spec: GpuPoolSpec, contract: GpuPoolContract) -> GpuPoolContract:
    labels = dict(contract.labels)
    if gke_operator_managed(spec):
        labels[GKE_NO_DEFAULT_DEVICE_PLUGIN_LABEL] = "true"
    else:
        labels.pop(DEVICE_PLUGIN_CONFIG_LABEL, None)
        labels.pop(MIG_CONFIG_LABEL, None)
    return _with_labels(contract, labels, spec)


def _eks_contract(spec: GpuPoolSpec, contract: GpuPoolContract) -> GpuPoolContract:
    labels = dict(contract.labels)
    if contract.gpu_model:
        labels[EKS_ACCELERATOR_LABEL] = label_value(contract.gpu_model)
    return _with_labels(contract, labels, spec)


def _aks_contract(spec: GpuPoolSpec, contract: GpuPoolContract) -> GpuPoolContract:
    labels = dict(contract.labels)
    labels.pop(MIG_CONFIG_LABEL, None)
    taints = contract.taints
    if spec.spot and AKS_SPOT_TAINT.key not in {t.key for t in taints}:
        taints = tuple(sorted((*taints, AKS_SPOT_TAINT), key=lambda t: t.key))
    return replace(_with_labels(contract, labels, spec), taints=taints)


def _onprem_contract(pool: str, spec: GpuPoolSpec, shape: PoolShape) -> GpuPoolContract:
    onprem = spec.onprem
    if onprem is None:
        raise ValueError(f"pool {pool!r}: on-prem pools need an `onprem` block")
    nodes = len(onprem.node_names) or onprem.node_count
    base = build_contract(
        pool,
        spec,
        "onprem",
        gpu_memory_gib=shape.gpu_memory_gib,
        min_nodes=nodes,
        max_nodes=nodes,
        gpu=shape.gpu,
    )
    if onprem.node_names:
        return base
    # Adopted by selector: nothing is patched, so the contract is what the nodes already have.
    taints = tuple(
        Taint(key, t.value, t.effect) for key, t in sorted(onprem.existing_taints.items())
    )
    labels = {**onprem.existing_labels, **onprem.node_selector}
    return replace(
        base,
        labels=dict(sorted(labels.items())),
        node_selector=dict(onprem.node_selector),
        taints=taints,
    )
