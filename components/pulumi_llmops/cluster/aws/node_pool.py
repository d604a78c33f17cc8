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
from ..contracts import GpuPoolContract, label_value, pool_facts
from . import ec2
from ._sdk import aws
from .mapping import autoscaler_tags, launch_template_args, node_group_args

if TYPE_CHECKING:
    from .cluster import EksCluster


@dataclass(frozen=True, kw_only=True)
class EksGpuNodePoolArgs:
    """Wiring: the cluster the pool joins, the pool's key and spec.

    `subnet_ids` wins over the spec's `eks.subnet_ids`, which wins over the cluster's node
    subnets (`cluster.eks.node_subnet_ids`, else its subnets); `existing_node_role_arn`
    replaces the cluster's shared node role. `shape`
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

    Creates: a launch template (`<name>-launch-template`, `launch_template`, the thin
    `pulumi_llmops.cluster.aws.ec2.LaunchTemplate`: IMDSv2 only, PUT response hop
    limit `cluster.eks.imds_hop_limit`, the encrypted gp3 disk of `disk_size_gib`) and
    `aws.eks.NodeGroup` (`<name>-nodes`) with the pool's NVIDIA AMI type, capacity type
    (SPOT or ON_DEMAND), one instance type, the contract's labels (pool, GPU model, the
    Cluster Autoscaler's `k8s.amazonaws.com/accelerator`, GPU-operator sharing selectors
    `nvidia.com/device-plugin.config` / `nvidia.com/mig.config`) and taints, scaling
    min/max with desired = min (scale to zero when min is 0), node auto-repair. It waits
    for the cluster's node prerequisites (the node role's policies, networking add-ons).
    `desiredSize` is ignored after creation so the autoscaler's changes are not reverted.
    With the cluster's Cluster Autoscaler: one `aws.autoscaling.Tag` per node-template hint
    on the group's Auto Scaling group (`<name>-ca-<key>`: labels, taints, GPU count), so the
    autoscaler can scale a group that has no node up from zero.
    Does not create: the autoscaler itself (`ClusterAutoscaler`), the GPU operator (the AMI
    ships the driver and toolkit).
    """

    def __init__(
        self, name: str, args: EksGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        cluster = args.cluster
        super().__init__(
            "llmops:aws:EksGpuNodePool",
            name,
            None,
            pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(providers={"aws": cluster.aws_provider})
            ),
        )
        spec = args.spec
        self.shape, self.contract = pool_facts("eks", args, cluster.handle.region)
        # Sorted: the subnets are a set to EKS; the list order must not change the inputs.
        own_subnets = sorted(set(spec.eks.subnet_ids)) if spec.eks else []
        child = pulumi.ResourceOptions(parent=self)
        self.launch_template = ec2.LaunchTemplate(
            f"{name}-launch-template",
            description=f"GPU pool {args.pool} of {cluster.cluster_name}",
            update_default_version=True,
            tags={**args.tags, "llmops-pool": args.pool},
            **launch_template_args(spec, cluster.spec.imds_hop_limit),
            opts=child,
        )
        self.node_group = aws.eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=cluster.cluster.name,
            node_role_arn=args.existing_node_role_arn or cluster.node_role_arn,
            subnet_ids=args.subnet_ids or own_subnets or cluster.node_subnet_ids,
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=self.launch_template.id,
                version=self.launch_template.latest_version.apply(str),
            ),
            tags={**args.tags, "llmops-pool": args.pool},
            **node_group_args(spec, self.contract),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=cluster.node_prerequisites,
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )
        self.autoscaler_tags: dict[str, aws.autoscaling.Tag] = {}
        if cluster.autoscaler is not None:
            asg = self.node_group.resources.apply(
                lambda resources: resources[0].autoscaling_groups[0].name
            )
            for key, value in autoscaler_tags(self.contract).items():
                suffix = label_value(key.removeprefix("k8s.io/cluster-autoscaler/node-template/"))
                self.autoscaler_tags[key] = aws.autoscaling.Tag(
                    f"{name}-ca-{suffix}",
                    autoscaling_group_name=asg,
                    tag=aws.autoscaling.TagTagArgs(key=key, value=value, propagate_at_launch=False),
                    opts=child,
                )
        self.register_outputs(
            {
                "pool": args.pool,
                "node_group_name": self.node_group.node_group_name,
                "labels": self.contract.labels,
            }
        )
