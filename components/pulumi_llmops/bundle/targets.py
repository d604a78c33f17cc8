"""The bundle's per-target table: how to build the cluster and its GPU pools on each target.

Every builder has the same shape, `(name, plan, opts) -> TargetParts`. Cloud targets share
one builder driven by `CLOUD_TARGETS` and import their cluster package (`targets.py`)
lazily, so a stack loads only the SDK of the target it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi

from ..cluster.existing import ExistingCluster, ExistingClusterArgs
from ..config.aks import AksClusterSpec
from ..targets import target_info
from .prepare import PlatformPlan


@dataclass(frozen=True)
class TargetParts:
    """The cluster component (its `.handle` reaches the cluster), the pool components, and
    the cluster-side add-ons the target needs (the EKS Cluster Autoscaler), by key."""

    cluster: pulumi.ComponentResource
    pools: Mapping[str, pulumi.ComponentResource]
    addons: Mapping[str, pulumi.ComponentResource] = field(default_factory=dict)


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


@dataclass(frozen=True)
class CloudTarget:
    """How the bundle builds one cloud target: its cluster package's component and Args
    names, the `cluster.<block>` spec, and the keyword its Args use for tags."""

    block: str
    cluster: str
    pool: str
    tags_field: str = "tags"
    default_spec: Callable[[], Any] | None = None
    """The spec when `cluster.<block>` is absent (None: PlatformConfig requires the block)."""


CLOUD_TARGETS: Mapping[str, CloudTarget] = {
    "eks": CloudTarget("eks", "EksCluster", "EksGpuNodePool"),
    "gke": CloudTarget("gke", "GkeCluster", "GkeGpuNodePool", tags_field="labels"),
    "aks": CloudTarget("aks", "AksCluster", "AksGpuNodePool", default_spec=AksClusterSpec),
}


def gke_gateway_needed(config: Any) -> bool:
    """Routed models behind one of GKE's managed gateway classes need its Gateway API."""
    from ..config.routing import routed_models
    from ..serving.routing import gateway_class

    routing = config.routing
    return bool(routed_models(routing, config.models)) and gateway_class(
        "gke", routing.gateway
    ).startswith("gke-")


def _cloud(name: str, plan: PlatformPlan, opts: pulumi.ResourceOptions) -> TargetParts:
    """A cloud cluster created (or adopted) from `cluster.<target>`, and its GPU pools."""
    config = plan.config
    info = target_info(config.target)
    cloud = CLOUD_TARGETS[config.target]
    assert info.cluster_package is not None
    package = importlib.import_module(info.cluster_package)
    spec = getattr(config.cluster, cloud.block)
    if spec is None:
        assert cloud.default_spec is not None  # PlatformConfig requires the block otherwise
        spec = cloud.default_spec()
    tags = {cloud.tags_field: config.resource_tags}
    gateway_api = (
        {"gateway_api": True} if config.target == "gke" and gke_gateway_needed(config) else {}
    )
    cluster = getattr(package, cloud.cluster)(
        f"{name}-cluster",
        getattr(package, f"{cloud.cluster}Args")(
            cluster_name=config.cluster.name,
            region=config.region,
            spec=spec,
            deletion_protection=config.deletion_protection,
            **tags,
            **gateway_api,
        ),
        opts=opts,
    )
    component = getattr(package, cloud.pool)
    args_type = getattr(package, f"{cloud.pool}Args")
    parts = _pools(name, plan, opts, cluster, component, args_type, **tags)
    if config.target == "eks":
        parts = replace(parts, addons=_eks_addons(name, plan, opts, cluster))
    return parts


def _eks_addons(
    name: str, plan: PlatformPlan, opts: pulumi.ResourceOptions, cluster: Any
) -> dict[str, pulumi.ComponentResource]:
    """The Cluster Autoscaler chart when the cluster made its identity (`autoscaler`)."""
    from ..addons.cluster_autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
    from ..catalog.kubernetes import cluster_autoscaler_image_tag
    from ..cluster.contracts import POOL_LABEL

    identity = cluster.autoscaler
    if identity is None:
        return {}
    spec = cluster.spec
    tag = spec.autoscaler_image_tag or cluster_autoscaler_image_tag(spec.kubernetes_version)
    assert tag is not None  # config rules require a tag for the pinned minor
    return {
        "cluster-autoscaler": ClusterAutoscaler(
            f"{name}-cluster-autoscaler",
            ClusterAutoscalerArgs(
                cluster=cluster.handle,
                cluster_name=plan.config.cluster.name,
                service_account=identity.service_account,
                image_tag=tag,
                node_selector={POOL_LABEL: "system"},
                depends_on=identity.ready,
                chart_overrides=plan.config.versions.as_overrides(),
            ),
            opts=opts,
        )
    }


TARGET_BUILDERS: Mapping[
    str, Callable[[str, PlatformPlan, pulumi.ResourceOptions], TargetParts]
] = {"onprem": _onprem, "eks": _cloud, "gke": _cloud, "aks": _cloud}
"""Target name -> builder of its cluster and GPU pools."""


def build_target(name: str, plan: PlatformPlan, opts: pulumi.ResourceOptions) -> TargetParts:
    """The cluster and pools of `plan.config.target`."""
    return TARGET_BUILDERS[plan.config.target](name, plan, opts)
