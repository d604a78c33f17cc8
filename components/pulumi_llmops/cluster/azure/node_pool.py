"""`AksGpuNodePool`: an AKS user agent pool of GPU VMs from the neutral pool spec.

Upstream: https://learn.microsoft.com/azure/aks/gpu-cluster
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from ...config.catalog import CatalogSpec
from ...config.cloud import pool_shape
from ...config.node_pool import GpuPoolSpec
from ..handle import ClusterHandle
from ._sdk import containerservice
from .mapping import agent_pool_args, aks_pool_contract


@dataclass
class AksGpuNodePoolArgs:
    """Wiring: the cluster handle, the AKS cluster's resource group and name, the pool."""

    cluster: ClusterHandle
    pool: str
    spec: GpuPoolSpec
    resource_group_name: pulumi.Input[str]
    cluster_resource_name: pulumi.Input[str]
    catalog: CatalogSpec | None = None
    tags: dict[str, str] = field(default_factory=dict)


class AksGpuNodePool(pulumi.ComponentResource):
    """A GPU pool as one AKS user agent pool.

    Creates: `containerservice.AgentPool` (`<name>-nodes`, agent pool name = the pool key's
    letters and digits, 12 max) with the VM size, autoscaling min/max (count = min; scale to
    zero when min is 0), Spot priority with max price and eviction policy, OS disk, the
    contract's labels and taints (`key=value:Effect`), MIG through `gpu_instance_profile`
    (MIG1g..MIG7g), and `gpu_profile.driver` (Install, or None when the GPU operator
    installs the driver). `count` is ignored after creation so the autoscaler owns it.
    Does not create: the GPU operator, NVIDIA device plugin DaemonSet, or a subnet.
    """

    def __init__(
        self, name: str, args: AksGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:azure:AksGpuNodePool", name, None, opts)
        spec = args.spec
        shape = pool_shape("aks", spec, args.catalog)
        self.contract = aks_pool_contract(args.pool, spec, shape)
        plain = agent_pool_args(spec, args.pool, self.contract)
        self.agent_pool = containerservice.AgentPool(
            f"{name}-nodes",
            resource_group_name=args.resource_group_name,
            resource_name_=args.cluster_resource_name,
            agent_pool_name=plain["agent_pool_name"],
            mode=plain["mode"],
            os_type=plain["os_type"],
            os_sku=plain["os_sku"],
            vm_size=plain["vm_size"],
            os_disk_size_gb=plain["os_disk_size_gb"],
            enable_auto_scaling=plain["enable_auto_scaling"],
            count=plain["count"],
            min_count=plain["min_count"],
            max_count=plain["max_count"],
            node_labels=plain["node_labels"],
            node_taints=plain["node_taints"],
            scale_set_priority=plain["scale_set_priority"],
            spot_max_price=plain.get("spot_max_price"),
            scale_set_eviction_policy=plain.get("scale_set_eviction_policy"),
            gpu_instance_profile=plain["gpu_instance_profile"],
            gpu_profile=containerservice.GPUProfileArgs(**plain["gpu_profile"]),
            availability_zones=plain["availability_zones"],
            vnet_subnet_id=plain["vnet_subnet_id"],
            tags={**args.tags, "llmops-pool": args.pool},
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["count"]),
        )
        args.cluster.add_gpu_pool(self.contract)
        self.register_outputs(
            {
                "pool": args.pool,
                "agent_pool_name": plain["agent_pool_name"],
                "labels": self.contract.labels,
            }
        )
