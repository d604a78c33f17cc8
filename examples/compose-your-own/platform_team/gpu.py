"""L1 GPU node pools and the L2 NVIDIA GPU operator, plus the pools' catalogue cost."""

from __future__ import annotations

import pulumi

from pulumi_llmops.addons.gpu_operator import (
    GpuOperator,
    GpuOperatorArgs,
    PoolGpuSetup,
    operator_needed,
    pool_gpu_setup,
)
from pulumi_llmops.catalog import hourly_price, lookup_instance, monthly_cost
from pulumi_llmops.cluster import ClusterHandle
from pulumi_llmops.cluster.aws import EksCluster, EksGpuNodePool, EksGpuNodePoolArgs

from .settings import TeamSettings


def create_gpu_pools(settings: TeamSettings, cluster: EksCluster) -> dict[str, EksGpuNodePool]:
    """One managed node group per pool; each registers its scheduling contract on the handle."""
    return {
        pool: EksGpuNodePool(
            f"{settings.cluster_name}-{pool}",
            EksGpuNodePoolArgs(
                cluster=cluster.handle,
                pool=pool,
                spec=spec,
                cluster_name=cluster.cluster.name,
                node_role_arn=cluster.node_role.arn,
                subnet_ids=cluster.subnet_ids,
                tags=settings.resource_tags,
                # The VPC CNI and kube-proxy add-ons must exist before nodes join.
                depends_on=cluster.node_prerequisites,
            ),
        )
        for pool, spec in sorted(settings.gpu_pools.items())
    }


def gpu_setups(settings: TeamSettings, handle: ClusterHandle) -> list[PoolGpuSetup]:
    """Who runs driver, toolkit and device plugin on each pool (EKS AMIs ship the driver)."""
    return [
        pool_gpu_setup(pool, spec, "eks", tolerations=handle.gpu_pools[pool].tolerations)
        for pool, spec in sorted(settings.gpu_pools.items())
    ]


def create_gpu_operator(
    settings: TeamSettings,
    handle: ClusterHandle,
    *,
    observability: pulumi.Resource | None,
) -> GpuOperator | None:
    """The GPU operator when a pool needs it; after the Prometheus chart (DCGM ServiceMonitor)."""
    setups = gpu_setups(settings, handle)
    if not operator_needed(settings.gpu_operator.enabled, setups):
        return None
    return GpuOperator(
        f"{settings.cluster_name}-gpu-operator",
        GpuOperatorArgs(
            cluster=handle,
            spec=settings.gpu_operator,
            setups=setups,
            observability=observability is not None,
            depends_on=[observability] if observability is not None else [],
        ),
    )


def gpu_monthly_cost_usd(settings: TeamSettings) -> dict[str, object]:
    """On-demand cost of all GPU pools at min and max nodes, 730 h/month, catalogue prices.

    Spot pools cost less (the discount is not modelled). Pools without a catalogue price in
    the region are listed under `unpriced_pools`, never counted as free.
    """
    low = high = 0.0
    unpriced = []
    for pool, spec in sorted(settings.gpu_pools.items()):
        instance = lookup_instance("aws", spec.machine_type or "")
        price = hourly_price(instance, settings.region)
        if price is None:
            unpriced.append(pool)
            continue
        low += monthly_cost(price.usd_per_hour, spec.min_nodes)
        high += monthly_cost(price.usd_per_hour, spec.max_nodes)
    return {"min": round(low, 2), "max": round(high, 2), "unpriced_pools": unpriced}


def node_selectors(handle: ClusterHandle) -> dict[str, dict[str, str]]:
    """What application pods put in nodeSelector to land on each pool."""
    return {pool: dict(c.node_selector) for pool, c in sorted(handle.gpu_pools.items())}
