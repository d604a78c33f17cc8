"""The bundle's per-target table: how to build the cluster and its GPU pools on each target.

Every builder has the same shape, `(name, plan, opts) -> TargetParts`, and imports its
cloud package lazily, so a stack loads only the SDK of the target it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from ..cluster.existing import ExistingCluster, ExistingClusterArgs
from .prepare import PlatformPlan


@dataclass(frozen=True)
class TargetParts:
    """The cluster component (its `.handle` reaches the cluster) and the pool components."""

    cluster: pulumi.ComponentResource
    pools: Mapping[str, pulumi.ComponentResource]


def _pools(
    name: str,
    plan: PlatformPlan,
    opts: pulumi.ResourceOptions,
    cluster: pulumi.ComponentResource,
    component: Callable[..., pulumi.ComponentResource],
    args_type: Callable[..., Any],
    **extra: Any,
) -> TargetParts:
    """The cluster with one `component` per pool, each given the plan's shape and contract."""
    pools = {
        pool: component(
            f"{name}-{pool}",
            args_type(
                cluster=cluster,
                pool=pool,
                spec=plan.config.node_pools[pool],
                shape=plan.shapes[pool],
                contract=plan.contracts[pool],
                **extra,
            ),
            opts=opts,
        )
        for pool in sorted(plan.config.node_pools)
    }
    return TargetParts(cluster, pools)


def _onprem(name: str, plan: PlatformPlan, opts: pulumi.ResourceOptions) -> TargetParts:
    from ..cluster.onprem.gpu_pool import OnPremGpuPool, OnPremGpuPoolArgs

    config = plan.config
    kubeconfig = config.cluster.kubeconfig
    cluster = ExistingCluster(
        f"{name}-cluster",
        ExistingClusterArgs(
            region=config.region,
            target="onprem",
            kubeconfig=plan.kubeconfig,
            context=kubeconfig.context if kubeconfig else None,
        ),
        opts=opts,
    )

    return _pools(name, plan, opts, cluster, OnPremGpuPool, OnPremGpuPoolArgs)


def _eks(name: str, plan: PlatformPlan, opts: pulumi.ResourceOptions) -> TargetParts:
    from ..cluster.aws import EksCluster, EksClusterArgs, EksGpuNodePool, EksGpuNodePoolArgs

    config = plan.config
    assert config.cluster.eks is not None  # PlatformConfig requires cluster.eks on eks
    tags = config.resource_tags
    cluster = EksCluster(
        f"{name}-cluster",
        EksClusterArgs(
            cluster_name=config.cluster.name,
            region=config.region,
            spec=config.cluster.eks,
            deletion_protection=config.deletion_protection,
            tags=tags,
        ),
        opts=opts,
    )

    return _pools(name, plan, opts, cluster, EksGpuNodePool, EksGpuNodePoolArgs, tags=tags)


def _gke(name: str, plan: PlatformPlan, opts: pulumi.ResourceOptions) -> TargetParts:
    from ..cluster.gcp import GkeCluster, GkeClusterArgs, GkeGpuNodePool, GkeGpuNodePoolArgs

    config = plan.config
    assert config.cluster.gke is not None  # PlatformConfig requires cluster.gke on gke
    labels = config.resource_tags
    cluster = GkeCluster(
        f"{name}-cluster",
        GkeClusterArgs(
            cluster_name=config.cluster.name,
            region=config.region,
            spec=config.cluster.gke,
            deletion_protection=config.deletion_protection,
            labels=labels,
        ),
        opts=opts,
    )

    return _pools(name, plan, opts, cluster, GkeGpuNodePool, GkeGpuNodePoolArgs, labels=labels)


def _aks(name: str, plan: PlatformPlan, opts: pulumi.ResourceOptions) -> TargetParts:
    from ..cluster.azure import AksCluster, AksClusterArgs, AksGpuNodePool, AksGpuNodePoolArgs
    from ..config.aks import AksClusterSpec

    config = plan.config
    tags = config.resource_tags
    cluster = AksCluster(
        f"{name}-cluster",
        AksClusterArgs(
            cluster_name=config.cluster.name,
            region=config.region,
            spec=config.cluster.aks or AksClusterSpec(),
            deletion_protection=config.deletion_protection,
            tags=tags,
        ),
        opts=opts,
    )

    return _pools(name, plan, opts, cluster, AksGpuNodePool, AksGpuNodePoolArgs, tags=tags)


TARGET_BUILDERS: Mapping[
    str, Callable[[str, PlatformPlan, pulumi.ResourceOptions], TargetParts]
] = {"onprem": _onprem, "eks": _eks, "gke": _gke, "aks": _aks}
"""Target name -> builder of its cluster and GPU pools."""


def build_target(name: str, plan: PlatformPlan, opts: pulumi.ResourceOptions) -> TargetParts:
    """The cluster and pools of `plan.config.target`."""
    return TARGET_BUILDERS[plan.config.target](name, plan, opts)
