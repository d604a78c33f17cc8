"""L1 GPU node pools and the L2 NVIDIA GPU operator, plus the pools' catalogue cost."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from pulumi_llmops.addons.gpu_operator import (
    GpuOperator,
    GpuOperatorArgs,
    PoolGpuSetup,
    operator_needed,
    pool_gpu_setup,
)
from pulumi_llmops.catalog import monthly_cost
from pulumi_llmops.catalog.shape import PoolShape, resolve_pool
from pulumi_llmops.cluster import ClusterHandle, GpuPoolContract, pool_contract
from pulumi_llmops.cluster.aws import EksCluster, EksGpuNodePool, EksGpuNodePoolArgs

from .settings import TeamSettings


@dataclass(frozen=True)
class GpuPools:
    """Each pool's shape (GPUs, price) and scheduling contract, decided before anything
    registers: sizing, the pools, the GPU operator and serving all read the same ones."""

    shapes: dict[str, PoolShape]
    contracts: dict[str, GpuPoolContract]


def plan_gpu_pools(settings: TeamSettings) -> GpuPools:
    """Pure: the catalogue shape and the EKS contract of every pool."""
    shapes = {
        pool: resolve_pool("aws", spec.machine_type, spec.gpu, settings.region)
        for pool, spec in sorted(settings.gpu_pools.items())
    }
    contracts = {
        pool: pool_contract("eks", pool, spec, shapes[pool])
        for pool, spec in sorted(settings.gpu_pools.items())
    }
    return GpuPools(shapes, contracts)


def create_gpu_pools(
    settings: TeamSettings, cluster: EksCluster, plan: GpuPools
) -> dict[str, EksGpuNodePool]:
    """One managed node group per pool, on the cluster's subnets and node role; each waits
    for the VPC CNI and kube-proxy add-ons itself."""
    return {
        pool: EksGpuNodePool(
            f"{settings.cluster_name}-{pool}",
            EksGpuNodePoolArgs(
                cluster=cluster,
                pool=pool,
                spec=spec,
                shape=plan.shapes[pool],
                contract=plan.contracts[pool],
                tags=settings.resource_tags,
            ),
        )
        for pool, spec in sorted(settings.gpu_pools.items())
    }


def gpu_setups(settings: TeamSettings, plan: GpuPools) -> list[PoolGpuSetup]:
    """Who runs driver, toolkit and device plugin on each pool (EKS AMIs ship the driver)."""
    return [
        pool_gpu_setup(plan.contracts[pool], spec)
        for pool, spec in sorted(settings.gpu_pools.items())
    ]


def create_gpu_operator(
    settings: TeamSettings,
    handle: ClusterHandle,
    plan: GpuPools,
    *,
    observability: pulumi.Resource | None,
) -> GpuOperator | None:
    """The GPU operator when a pool needs it; after the Prometheus chart (DCGM ServiceMonitor)."""
    setups = gpu_setups(settings, plan)
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


def gpu_monthly_cost_usd(settings: TeamSettings, plan: GpuPools) -> dict[str, object]:
    """On-demand cost of all GPU pools at min and max nodes, 730 h/month, catalogue prices.

    Spot pools cost less (the discount is not modelled). Pools without a catalogue price in
    the region are listed under `unpriced_pools`, never counted as free.
    """
    low = high = 0.0
    unpriced = []
    for pool, spec in sorted(settings.gpu_pools.items()):
        usd = plan.shapes[pool].usd_per_hour
        if usd is None:
            unpriced.append(pool)
            continue
        low += monthly_cost(usd, spec.min_nodes)
        high += monthly_cost(usd, spec.max_nodes)
    return {"min": round(low, 2), "max": round(high, 2), "unpriced_pools": unpriced}


def node_selectors(plan: GpuPools) -> dict[str, dict[str, str]]:
    """What application pods put in nodeSelector to land on each pool."""
    return {pool: dict(c.node_selector) for pool, c in sorted(plan.contracts.items())}
