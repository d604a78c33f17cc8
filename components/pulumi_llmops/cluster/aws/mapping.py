"""Pure mappings from the neutral specs to EKS arguments. No Pulumi calls.

Upstream: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from ...config.eks import EksPoolSpec
from ...config.node_pool import GpuPoolSpec
from ..contracts import POOL_LABEL, TAINT_EFFECTS, GpuPoolContract, label_value
from ..kubeconfig import exec_kubeconfig

CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
CLUSTER_ROLE_POLICIES = ("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",)
NODE_ROLE_POLICIES = (
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
)
SYSTEM_AMI_TYPE = "AL2023_x86_64_STANDARD"


def assume_role_policy(service: str, *, tag_session: bool = False) -> str:
    """Trust policy letting an AWS service assume a role (sorted JSON)."""
    actions: Any = ["sts:AssumeRole", "sts:TagSession"] if tag_session else "sts:AssumeRole"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": service}, "Action": actions}
            ],
        },
        sort_keys=True,
    )


def principal_key(arn: str) -> str:
    """Child-name key of an IAM principal ARN: its last path segment as a label value."""
    return label_value(arn.rsplit("/", 1)[-1]) or "principal"


SYSTEM_POOL_LABELS = {POOL_LABEL: "system"}


def node_group_args(spec: GpuPoolSpec, contract: GpuPoolContract) -> dict[str, Any]:
    """`aws.eks.NodeGroup` keyword arguments of a GPU pool, exactly as the provider takes
    them (nested inputs in dict form), wiring (cluster, role, subnets, tags) excluded."""
    eks = spec.eks or EksPoolSpec()
    return {
        "ami_type": eks.ami_type,
        "capacity_type": "SPOT" if spec.spot else "ON_DEMAND",
        "instance_types": [spec.machine_type],
        "disk_size": spec.disk_size_gib,
        "labels": dict(contract.labels),
        "taints": [
            {
                "key": t.key,
                **({"value": t.value} if t.value else {}),
                "effect": TAINT_EFFECTS[t.effect],
            }
            for t in contract.taints
        ],
        "scaling_config": {
            "min_size": spec.min_nodes,
            "desired_size": spec.min_nodes,
            "max_size": spec.max_nodes,
        },
        "update_config": {"max_unavailable": eks.max_unavailable},
        "node_repair_config": {"enabled": eks.node_repair},
        "release_version": eks.release_version,
    }


def kubeconfig(cluster_name: str, region: str, endpoint: str, ca_data: str) -> str:
    """Kubeconfig (sorted JSON) that authenticates with `aws eks get-token` (AWS CLI v2)."""
    return exec_kubeconfig(
        cluster_name,
        server=endpoint,
        ca_data=ca_data,
        user=f"{cluster_name}-aws",
        command="aws",
        args=(
            "eks",
            "get-token",
            "--cluster-name",
            cluster_name,
            "--region",
            region,
            "--output",
            "json",
        ),
    )


@dataclass(frozen=True)
class SubnetPlan:
    """One subnet of the minimal network: AZ, CIDR and whether it is public."""

    key: str
    zone: str
    cidr: str
    public: bool


def network_plan(region: str, cidr: str, zones: list[str]) -> list[SubnetPlan]:
    """Subnets of the minimal network: per AZ one private /19 (nodes) and one public /22 (NAT,
    load balancers), carved from `cidr` in a fixed order so they never move."""
    zones = zones or [f"{region}a", f"{region}b"]
    network = ipaddress.ip_network(cidr)
    private = list(network.subnets(new_prefix=max(network.prefixlen + 3, 19)))
    public = list(private[-1].subnets(new_prefix=max(private[-1].prefixlen + 3, 22)))
    plans = []
    for index, zone in enumerate(zones):
        suffix = zone[len(region) :] if zone.startswith(region) else str(index)
        # Keyed by zone, not list position: zone <region>a always gets slot 0, b slot 1...
        # (the default [a, b] keeps its CIDRs; reordering the list moves nothing).
        slot = _zone_slot(suffix, index)
        plans.append(SubnetPlan(f"private-{suffix}", zone, str(private[slot]), False))
        plans.append(SubnetPlan(f"public-{suffix}", zone, str(public[slot]), True))
    return plans


def _zone_slot(suffix: str, index: int) -> int:
    """CIDR slot of a zone: its letter (a=0 ... g=6; the 8th /19 holds the public subnets);
    the list position otherwise."""
    if len(suffix) == 1 and "a" <= suffix <= "g":
        return ord(suffix) - ord("a")
    return index
