"""`EksGpuNodePool`: an EKS managed node group of GPU instances from the neutral pool spec.

Upstream: https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi

from ...config.catalog import CatalogSpec
from ...config.cloud import pool_shape
from ...config.eks import EksPoolSpec
from ...config.node_pool import GpuPoolSpec
from ..handle import ClusterHandle
from ._sdk import aws
from .mapping import eks_pool_contract, node_group_args


@dataclass
class EksGpuNodePoolArgs:
    """Wiring: the cluster handle, EKS cluster name, node role, default subnets, the pool.

    `subnet_ids` is used unless the spec's `eks.subnet_ids` names the pool's own subnets;
    `depends_on` are the resources nodes need first (the cluster's networking add-ons).
    """

    cluster: ClusterHandle
    pool: str
    spec: GpuPoolSpec
    cluster_name: pulumi.Input[str]
    node_role_arn: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    catalog: CatalogSpec | None = None
    tags: dict[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()


class EksGpuNodePool(pulumi.ComponentResource):
    """A GPU pool as one EKS managed node group.

    Creates: `aws.eks.NodeGroup` (`<name>-nodes`) with the pool's NVIDIA AMI type, capacity
    type (SPOT or ON_DEMAND), one instance type, disk, the contract's labels (pool, GPU
    model, GPU-operator sharing selectors `nvidia.com/device-plugin.config` /
    `nvidia.com/mig.config`) and taints, scaling min/max with desired = min (scale to zero
    when min is 0), node auto-repair. `desiredSize` is ignored after creation so an
    autoscaler's changes are not reverted. Registers the pool's contract on the handle.
    Does not create: the cluster autoscaler or Karpenter that scales the group, the GPU
    operator (the AMI ships the driver and toolkit), launch templates.
    """

    def __init__(
        self, name: str, args: EksGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:aws:EksGpuNodePool", name, None, opts)
        spec = args.spec
        eks = spec.eks or EksPoolSpec()
        shape = pool_shape("eks", spec, args.catalog)
        self.contract = eks_pool_contract(args.pool, spec, shape)
        plain = node_group_args(spec, self.contract)
        self.node_group = aws.eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=args.cluster_name,
            node_role_arn=args.node_role_arn,
            subnet_ids=list(eks.subnet_ids) or args.subnet_ids,
            ami_type=plain["ami_type"],
            capacity_type=plain["capacity_type"],
            instance_types=plain["instance_types"],
            disk_size=plain["disk_size"],
            labels=plain["labels"],
            taints=[aws.eks.NodeGroupTaintArgs(**t) for t in plain["taints"]],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(**plain["scaling_config"]),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(**plain["update_config"]),
            node_repair_config=aws.eks.NodeGroupNodeRepairConfigArgs(**plain["node_repair_config"]),
            release_version=plain["release_version"],
            tags={**args.tags, "llmops-pool": args.pool},
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=list(args.depends_on),
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )
        args.cluster.add_gpu_pool(self.contract)
        self.register_outputs(
            {
                "pool": args.pool,
                "node_group_name": self.node_group.node_group_name,
                "labels": self.contract.labels,
            }
        )
