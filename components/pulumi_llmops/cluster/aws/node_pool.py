"""`EksGpuNodePool`: an EKS managed node group of GPU instances from the neutral pool spec.

Upstream: https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pulumi

from ...catalog.overrides import NO_OVERRIDES, CatalogOverrides
from ...catalog.shape import PoolShape
from ...config.node_pool import GpuPoolSpec
from ..contracts import GpuPoolContract, pool_facts
from ._sdk import aws
from .mapping import node_group_args

if TYPE_CHECKING:
    from .cluster import EksCluster


@dataclass(frozen=True, kw_only=True)
class EksGpuNodePoolArgs:
    """Wiring: the cluster the pool joins, the pool's key and spec.

    `subnet_ids` wins over the spec's `eks.subnet_ids`, which wins over the cluster's
    subnets; `existing_node_role_arn` replaces the cluster's shared node role. `shape`
    defaults to the catalogue entry of the machine type (with `catalog` overrides, priced in
    the cluster's region); `contract` to `pool_contract("eks", ...)`. The bundle passes both.
    """

    cluster: EksCluster
    pool: str
    spec: GpuPoolSpec
    shape: PoolShape | None = None
    contract: GpuPoolContract | None = None
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    existing_node_role_arn: pulumi.Input[str] | None = None
    catalog: CatalogOverrides = NO_OVERRIDES
    tags: Mapping[str, str] = field(default_factory=dict)


class EksGpuNodePool(pulumi.ComponentResource):
    """A GPU pool as one EKS managed node group.

    Creates: `aws.eks.NodeGroup` (`<name>-nodes`) with the pool's NVIDIA AMI type, capacity
    type (SPOT or ON_DEMAND), one instance type, disk, the contract's labels (pool, GPU
    model, GPU-operator sharing selectors `nvidia.com/device-plugin.config` /
    `nvidia.com/mig.config`) and taints, scaling min/max with desired = min (scale to zero
    when min is 0), node auto-repair. It waits for the cluster's node prerequisites (the
    node role's policies, networking add-ons). `desiredSize` is ignored after creation so an
    autoscaler's changes are not reverted.
    Does not create: the cluster autoscaler or Karpenter that scales the group, the GPU
    operator (the AMI ships the driver and toolkit), launch templates.
    """

    def __init__(
        self, name: str, args: EksGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:aws:EksGpuNodePool", name, None, opts)
        spec, cluster = args.spec, args.cluster
        self.shape, self.contract = pool_facts("eks", args, cluster.handle.region)
        own_subnets = list(spec.eks.subnet_ids) if spec.eks else []
        self.node_group = aws.eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=cluster.cluster.name,
            node_role_arn=args.existing_node_role_arn or cluster.node_role_arn,
            subnet_ids=args.subnet_ids or own_subnets or cluster.subnet_ids,
            tags={**args.tags, "llmops-pool": args.pool},
            **node_group_args(spec, self.contract),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=cluster.node_prerequisites,
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )
        self.register_outputs(
            {
                "pool": args.pool,
                "node_group_name": self.node_group.node_group_name,
                "labels": self.contract.labels,
            }
        )
