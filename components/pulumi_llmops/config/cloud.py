"""Rules for cloud targets (eks, gke, aks) and the GPU shape of a cloud pool. Pure, no Pulumi.

A pool's GPU shape comes from the catalogue entry of its machine type, or from its `gpu:`
declaration, which wins field by field. Cloud-only options live in a block named after the
target (`eks:`, `gke:`, `aks:`); a block for another target is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..catalog.gpus import CatalogError, GpuModel, get_gpu_model
from ..catalog.instances import InstanceType, UnknownMachineTypeError, lookup_instance
from .aks import agent_pool_name
from .catalog import CatalogSpec
from .cluster import ClusterSpec
from .errors import Problem
from .node_pool import GpuPoolSpec

CLOUD_OF_TARGET: dict[str, str] = {"eks": "aws", "gke": "gcp", "aks": "azure"}
"""Catalogue cloud of each cloud target."""

SDK_EXTRA: dict[str, str] = {"eks": "aws", "gke": "gcp", "aks": "azure"}
"""pip extra that installs each target's cloud SDK."""

BLOCKS: tuple[str, ...] = ("eks", "gke", "aks")

NATIVE_MIG_TARGETS = ("gke", "aks")
"""Targets where the cloud partitions MIG itself: one slice size per pool, no all-balanced."""


@dataclass(frozen=True)
class PoolShape:
    """The GPUs on each node of a cloud pool, and the catalogue entry they came from."""

    gpu_model: str | None
    gpu_count: int | None
    gpu_memory_gib: float | None
    mig_capable: bool | None
    accelerator_type: str | None
    instance: InstanceType | None


def mig_slice(profile: str) -> str | None:
    """MIG slice size of a single-size mig-parted profile (all-1g.10gb -> 1g.10gb), else None."""
    size = profile.removeprefix("all-")
    return None if size == "balanced" else size


def pool_shape(target: str, spec: GpuPoolSpec, catalog: CatalogSpec | None = None) -> PoolShape:
    """GPU shape of a cloud pool: `gpu:` fields win over the catalogue entry.

    Raises `UnknownMachineTypeError` (with the closest names) when the machine type is not in
    the catalogue and the pool declares no `gpu:`.
    """
    cloud = CLOUD_OF_TARGET[target]
    instance: InstanceType | None = None
    if spec.machine_type is not None:
        try:
            instance = lookup_instance(cloud, spec.machine_type, catalog)
        except UnknownMachineTypeError:
            if spec.gpu is None:
                raise
    declared = spec.gpu
    model = declared.model if declared else (instance.gpu_model if instance else None)
    known = _known_model(model, catalog)
    memory = None
    if declared and declared.memory_gib is not None:
        memory = declared.memory_gib
    elif known is not None:
        memory = known.memory_gib
    return PoolShape(
        gpu_model=known.name if known else model,
        gpu_count=declared.count if declared else (instance.gpu_count if instance else None),
        gpu_memory_gib=memory,
        mig_capable=known.mig_capable if known else None,
        accelerator_type=instance.accelerator_type if instance else None,
        instance=instance,
    )


def _known_model(model: str | None, catalog: CatalogSpec | None) -> GpuModel | None:
    if model is None:
        return None
    try:
        return get_gpu_model(model, catalog)
    except CatalogError:
        return None


def cloud_problems(
    target: str,
    cluster: ClusterSpec,
    node_pools: Mapping[str, GpuPoolSpec],
    catalog: CatalogSpec | None = None,
) -> list[Problem]:
    """Every problem of a cloud-target config, each named by its YAML path."""
    problems: list[Problem] = []
    if cluster.kubeconfig is not None:
        problems.append(
            Problem(
                "cluster.kubeconfig",
                f"not used on {target}: the kubeconfig is built from the cluster; remove it",
            )
        )
    problems += foreign_block_problems(target, cluster, {})
    if target in ("eks", "gke") and getattr(cluster, target) is None:
        needs = "subnet_ids or create_network" if target == "eks" else "project"
        problems.append(Problem(f"cluster.{target}", f"required on {target} (at least {needs})"))
    problems += foreign_block_problems(target, None, node_pools)
    if target == "aks":
        problems += _aks_name_problems(node_pools)
    for name, pool in node_pools.items():
        problems += _pool_problems(target, f"node_pools.{name}", pool, catalog)
    return problems


def _aks_name_problems(node_pools: Mapping[str, GpuPoolSpec]) -> list[Problem]:
    seen: dict[str, str] = {"system": "the system pool"}
    problems = []
    for name in node_pools:
        short = agent_pool_name(name)
        other = seen.setdefault(short, f"node_pools.{name}")
        if other != f"node_pools.{name}":
            problems.append(
                Problem(
                    f"node_pools.{name}",
                    f"AKS agent pool name {short!r} (letters and digits, 12 max) is also used "
                    f"by {other}; rename one pool",
                    name,
                )
            )
    return problems


def foreign_block_problems(
    target: str, cluster: ClusterSpec | None, node_pools: Mapping[str, GpuPoolSpec]
) -> list[Problem]:
    """A cloud block (`eks:`, `gke:`, `aks:`) that does not match `target` is an error."""
    owners: list[tuple[str, ClusterSpec | GpuPoolSpec]] = [("cluster", cluster)] if cluster else []
    owners += [(f"node_pools.{name}", pool) for name, pool in node_pools.items()]
    return [
        Problem(f"{where}.{block}", f"{block}-only block, but the target is {target}; remove it")
        for where, owner in owners
        for block in BLOCKS
        if block != target and getattr(owner, block) is not None
    ]


def _pool_problems(
    target: str, where: str, pool: GpuPoolSpec, catalog: CatalogSpec | None
) -> list[Problem]:
    problems: list[Problem] = []
    if pool.onprem is not None:
        problems.append(
            Problem(f"{where}.onprem", f"on-prem-only block, but the target is {target}; remove it")
        )
    if (
        target == "eks"
        and pool.eks
        and pool.eks.ami_type.startswith("BOTTLEROCKET")
        and pool.sharing
    ):
        problems.append(
            Problem(
                f"{where}.sharing",
                "Bottlerocket runs its own NVIDIA device plugin, so GPU-operator time-slicing "
                "and MIG labels have no effect; use an AL2023 NVIDIA ami_type",
            )
        )
    if pool.machine_type is None:
        problems.append(
            Problem(f"{where}.machine_type", f"required on {target} (e.g. {_EXAMPLE[target]})")
        )
        return problems
    try:
        shape = pool_shape(target, pool, catalog)
    except UnknownMachineTypeError as exc:
        problems.append(Problem(f"{where}.machine_type", str(exc), pool.machine_type))
        return problems
    problems += _sharing_problems(target, where, pool, shape)
    if target == "gke":
        gke = pool.gke
        if shape.accelerator_type is None and (gke is None or gke.accelerator_type is None):
            problems.append(
                Problem(
                    f"{where}.gke.accelerator_type",
                    f"required: {pool.machine_type} is not in the catalogue, so its GPU "
                    "accelerator type is unknown (e.g. nvidia-tesla-t4)",
                )
            )
    return problems


def _sharing_problems(
    target: str, where: str, pool: GpuPoolSpec, shape: PoolShape
) -> list[Problem]:
    mig = pool.sharing.mig if pool.sharing else None
    if mig is None:
        return []
    problems = []
    if shape.mig_capable is False:
        problems.append(
            Problem(
                f"{where}.sharing.mig",
                f"{shape.gpu_model} does not support MIG (A100, H100, H200 do); use time_slicing",
            )
        )
    if target in NATIVE_MIG_TARGETS and mig_slice(mig.profile) is None:
        problems.append(
            Problem(
                f"{where}.sharing.mig.profile",
                f"{target} partitions every GPU of a pool into one slice size: use "
                "all-<N>g.<M>gb (e.g. all-1g.10gb), not all-balanced",
                mig.profile,
            )
        )
    if target == "aks" and mig_slice(mig.profile) and mig.compute_slices is None:
        problems.append(
            Problem(
                f"{where}.sharing.mig.profile",
                "AKS supports the 1g, 2g, 3g, 4g and 7g MIG profiles only",
                mig.profile,
            )
        )
    return problems


_EXAMPLE = {"eks": "g6.xlarge", "gke": "g2-standard-8", "aks": "Standard_NC4as_T4_v3"}
