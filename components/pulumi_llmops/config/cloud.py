"""Rules for cloud targets (eks, gke, aks). Pure, no Pulumi.

A pool's GPU shape comes from the catalogue (`catalog.shape.resolve_pool`). Cloud-only
options live in a block named after the target (`eks:`, `gke:`, `aks:`); a block for
another target is an error.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..catalog.gpus import GpuModel, mig_profile_problem
from ..catalog.instances import UnknownMachineTypeError
from ..catalog.overrides import CatalogOverrides
from ..catalog.shape import PoolShape, mig_slice, resolve_pool
from ..targets import CLOUD_TARGETS, target_info
from .aks import agent_pool_name
from .cluster import ClusterSpec
from .cluster_rules import cluster_rule_problems
from .errors import Problem
from .node_pool import GpuPoolSpec

BLOCKS: tuple[str, ...] = CLOUD_TARGETS
"""Target-named blocks of the cluster and pool specs."""


def cloud_problems(
    target: str,
    region: str,
    cluster: ClusterSpec,
    node_pools: Mapping[str, GpuPoolSpec],
    catalog: CatalogOverrides,
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
        problems += _pool_problems(target, region, f"node_pools.{name}", pool, catalog)
    problems += cluster_rule_problems(target, region, cluster, node_pools)
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
    target: str, region: str, where: str, pool: GpuPoolSpec, catalog: CatalogOverrides
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
            Problem(
                f"{where}.machine_type",
                f"required on {target} (e.g. {target_info(target).example_machine_type})",
            )
        )
        return problems
    try:
        cloud = target_info(target).cloud
        shape = resolve_pool(cloud, pool.machine_type, pool.declared_gpu, region, catalog)
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
    problems += mig_profile_problems(where, mig.profile, shape.gpu)
    if target_info(target).native_mig and mig_slice(mig.profile) is None:
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
    elif target == "aks" and shape.gpu is not None and not problems:
        problems += _aks_mig_problems(where, mig.profile, shape.gpu, mig.compute_slices)
    return problems


def mig_profile_problems(where: str, profile: str, gpu: GpuModel | None) -> list[Problem]:
    """A single-size MIG profile must be one the pool's GPU offers (when the GPU is known)."""
    name = mig_slice(profile)
    if gpu is None or not gpu.mig_capable or name is None:
        return []
    problem = mig_profile_problem(gpu, name)
    return [] if problem is None else [Problem(f"{where}.sharing.mig.profile", problem, profile)]


def _aks_mig_problems(
    where: str, profile: str, gpu: GpuModel, aks_instances: int | None
) -> list[Problem]:
    # AKS takes a compute size only (gpu_instance_profile MIG1g..MIG7g) and makes the
    # profile of that size that fills the GPU most often: 7, 3, 2, 1, 1 instances (AKS docs,
    # "Multi-instance GPU node pool", GPU instance profile table, read 2026-12-02).
    if gpu.mig_instances(mig_slice(profile) or "") == aks_instances:
        return []
    size = profile.removeprefix("all-").split("g.", 1)[0]
    aks = next(
        (
            name
            for name, count in gpu.mig_profiles
            if name.startswith(f"{size}g.") and count == aks_instances
        ),
        None,
    )
    makes = f"all-{aks}" if aks else f"{aks_instances} instances per GPU"
    hint = f"; use all-{aks}" if aks else ""
    return [
        Problem(
            f"{where}.sharing.mig.profile",
            f"AKS's MIG{size}g makes {makes} on {gpu.name}, not this profile{hint}",
            profile,
        )
    ]
