"""`AksGpuNodePool`: an AKS user agent pool of GPU VMs from the neutral pool spec.

Upstream: https://learn.microsoft.com/azure/aks/gpu-cluster
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pulumi

from ...catalog.overrides import NO_OVERRIDES, CatalogOverrides
from ...catalog.shape import PoolShape
from ...config.node_pool import GpuPoolSpec
from ..contracts import GpuPoolContract, pool_facts
from ._sdk import containerservice
from .mapping import agent_pool_args

if TYPE_CHECKING:
    from .cluster import AksCluster


@dataclass(frozen=True, kw_only=True)
class AksGpuNodePoolArgs:
    """Wiring: the cluster the pool joins, the pool's key and spec, tags.

    `shape` defaults to the catalogue entry of the VM size (with `catalog` overrides, priced
    in the cluster's region); `contract` to `pool_contract("aks", ...)`. The bundle passes
    both.
    """

    cluster: AksCluster
    pool: str
    spec: GpuPoolSpec
    shape: PoolShape | None = None
    contract: GpuPoolContract | None = None
    catalog: CatalogOverrides = NO_OVERRIDES
    tags: Mapping[str, str] = field(default_factory=dict)


class AksGpuNodePool(pulumi.ComponentResource):
    """A GPU pool as one AKS user agent pool.

    Creates: `containerservice.AgentPool` (`<name>-nodes`, agent pool name = the pool key's
    letters and digits, 12 max) with the VM size, autoscaling min/max (count = min; scale to
    zero when min is 0), Spot priority with max price and eviction policy, OS disk, the
    contract's labels and taints (`key=value:Effect`), MIG through `gpu_instance_profile`
    (MIG1g..MIG7g), and `gpu_profile.driver` (Install, or None when the GPU operator
    installs the driver), the pool's subnet (default: the cluster's). `count` is ignored
    after creation so the autoscaler owns it.
    Does not create: the GPU operator, NVIDIA device plugin DaemonSet, or a subnet.
    """

    def __init__(
        self, name: str, args: AksGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:azure:AksGpuNodePool", name, None, opts)
        spec, cluster = args.spec, args.cluster
        self.shape, self.contract = pool_facts("aks", args, cluster.handle.region)
        pool_args = agent_pool_args(spec, args.pool, self.contract, cluster.spec.vnet_subnet_id)
        self.agent_pool = containerservice.AgentPool(
            f"{name}-nodes",
            resource_group_name=cluster.resource_group_name,
            resource_name_=cluster.managed_cluster_name,
            tags={**args.tags, "llmops-pool": args.pool},
            **pool_args,
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["count"]),
        )
        self.register_outputs(
            {
                "pool": args.pool,
                "agent_pool_name": pool_args["agent_pool_name"],
                "labels": self.contract.labels,
            }
        )
