"""Pure mappings from the neutral specs to EKS arguments. No Pulumi calls (the `ec2`
nested-args helpers only build dicts).

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
from . import ec2

CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
CLUSTER_ROLE_POLICIES = ("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",)
CNI_POLICY = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
NODE_ROLE_POLICIES = (
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
)
"""The node role's policies. The VPC CNI's permissions (AmazonEKS_CNI_Policy) are on its
own IRSA role (`aws-node`), not on every node: least privilege for everything on a node."""
EBS_CSI_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa"
"""The controller's ServiceAccount in kube-system (aws-ebs-csi-driver chart 2.64.0
values.yaml controller.serviceAccount.name; the managed add-on uses the same)."""
CNI_SERVICE_ACCOUNT = "aws-node"
AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler"
AUTOSCALER_NAMESPACE = "kube-system"
SYSTEM_AMI_TYPE = "AL2023_x86_64_STANDARD"
CA_TAG_PREFIX = "k8s.io/cluster-autoscaler/node-template"


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


def pods_trust_policy() -> str:
    """Trust policy of an EKS Pod Identity role (sorted JSON)."""
    return assume_role_policy("pods.eks.amazonaws.com", tag_session=True)


def irsa_trust_policy(provider_arn: str, issuer_url: str, namespace: str, account: str) -> str:
    """Trust policy letting one ServiceAccount assume a role through the cluster's IAM OIDC
    provider (IRSA): `sub` pinned to the account, `aud` to STS (sorted JSON)."""
    issuer = issuer_url.removeprefix("https://")
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            f"{issuer}:aud": "sts.amazonaws.com",
                            f"{issuer}:sub": f"system:serviceaccount:{namespace}:{account}",
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )


def cluster_autoscaler_policy(cluster_name: str) -> str:
    """The Cluster Autoscaler's IAM policy (sorted JSON): read ASGs, launch templates,
    instance types and managed node groups anywhere; change the size only of ASGs tagged
    `k8s.io/cluster-autoscaler/<cluster>` (EKS tags its managed node groups' ASGs so).

    Actions: kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md
    ("IAM Policy", plus DescribeTags and DescribeLaunchTemplateVersions for auto-discovery).
    """
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Read",
                    "Effect": "Allow",
                    "Action": [
                        "autoscaling:DescribeAutoScalingGroups",
                        "autoscaling:DescribeAutoScalingInstances",
                        "autoscaling:DescribeLaunchConfigurations",
                        "autoscaling:DescribeScalingActivities",
                        "autoscaling:DescribeTags",
                        "ec2:DescribeImages",
                        "ec2:DescribeInstanceTypes",
                        "ec2:DescribeLaunchTemplateVersions",
                        "ec2:GetInstanceTypesFromInstanceRequirements",
                        "eks:DescribeNodegroup",
                    ],
                    "Resource": "*",
                },
                {
                    "Sid": "ScaleOwnGroups",
                    "Effect": "Allow",
                    "Action": [
                        "autoscaling:SetDesiredCapacity",
                        "autoscaling:TerminateInstanceInAutoScalingGroup",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}": "owned"
                        }
                    },
                },
            ],
        },
        sort_keys=True,
    )


def vpc_cni_configuration(network_policy: bool) -> str | None:
    """The VPC CNI add-on's `configuration_values` (sorted JSON): the network policy agent
    when NetworkPolicies are enforced (key from `aws eks describe-addon-configuration`)."""
    if not network_policy:
        return None
    return json.dumps({"enableNetworkPolicy": "true"}, sort_keys=True)


def principal_key(arn: str) -> str:
    """Child-name key of an IAM principal ARN: its last path segment as a label value."""
    return label_value(arn.rsplit("/", 1)[-1]) or "principal"


SYSTEM_POOL_LABELS = {POOL_LABEL: "system"}


def node_group_args(spec: GpuPoolSpec, contract: GpuPoolContract) -> dict[str, Any]:
    """`aws.eks.NodeGroup` keyword arguments of a GPU pool, exactly as the provider takes
    them (nested inputs in dict form), wiring (cluster, role, subnets, tags, launch template)
    excluded. The disk is in the launch template (EKS rejects `disk_size` with one)."""
    eks = spec.eks or EksPoolSpec()
    return {
        "ami_type": eks.ami_type,
        "capacity_type": capacity_type(spec),
        "instance_types": [spec.machine_type],
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


def capacity_type(spec: GpuPoolSpec) -> str:
    """EKS node group capacity type: SPOT, CAPACITY_BLOCK (a Capacity Block for ML), else
    ON_DEMAND (also for On-Demand Capacity Reservations, which the launch template targets)."""
    if spec.spot:
        return "SPOT"
    reservation = spec.reservation
    if reservation is not None and reservation.capacity_block:
        return "CAPACITY_BLOCK"
    return "ON_DEMAND"


def reservation_args(spec: GpuPoolSpec) -> dict[str, Any]:
    """Launch template arguments (nested args in wire form) that make the pool draw on its
    reservation ({} without one).

    specific: `capacity_reservation_specification.capacity_reservation_target` names the
    reservation (the preference is left out, as the provider requires with a target);
    Capacity Blocks also need `instance_market_options.market_type: capacity-block` (EKS user
    guide, "Create a managed node group with Capacity Blocks for ML"); any: preference `open`.
    """
    reservation = spec.reservation
    if reservation is None:
        return {}
    if reservation.affinity == "any":
        preference = ec2.LaunchTemplateCapacityReservationSpecificationArgs(
            capacity_reservation_preference="open"
        )
        return {"capacity_reservation_specification": preference}
    target = ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs(
        capacity_reservation_id=reservation.id
    )
    args: dict[str, Any] = {
        "capacity_reservation_specification": (
            ec2.LaunchTemplateCapacityReservationSpecificationArgs(
                capacity_reservation_target=target
            )
        )
    }
    if reservation.capacity_block:
        args["instance_market_options"] = ec2.LaunchTemplateInstanceMarketOptionsArgs(
            market_type="capacity-block"
        )
    return args


def root_device_name(ami_type: str) -> str:
    """Block device that holds the container images: the root volume on AL2023, the data
    volume on Bottlerocket (whose root volume is the small OS image)."""
    return "/dev/xvdb" if ami_type.startswith("BOTTLEROCKET") else "/dev/xvda"


def launch_template_args(spec: GpuPoolSpec, hop_limit: int) -> dict[str, Any]:
    """`ec2.LaunchTemplate` keyword arguments of a GPU pool (nested args in wire form):
    IMDSv2 only with the PUT response hop limit, and the encrypted gp3 disk of
    `disk_size_gib`. No image or instance type (the node group sets them)."""
    eks = spec.eks or EksPoolSpec()
    return {
        **reservation_args(spec),
        "metadata_options": ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled",
            http_tokens="required",
            http_put_response_hop_limit=hop_limit,
        ),
        "block_device_mappings": [
            ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name=root_device_name(eks.ami_type),
                ebs=ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=spec.disk_size_gib,
                    volume_type="gp3",
                    encrypted="true",
                    delete_on_termination="true",
                ),
            )
        ],
    }


def autoscaler_tags(contract: GpuPoolContract) -> dict[str, str]:
    """ASG tags (key -> value) that tell the Cluster Autoscaler what a node group's nodes
    will carry while it has none: labels, taints (`value:Effect`) and the GPU resource
    (`k8s.io/cluster-autoscaler/node-template/...`, cluster-autoscaler AWS README). EKS
    copies none of a node group's own labels, taints or tags to its ASG."""
    tags = {f"{CA_TAG_PREFIX}/label/{k}": v for k, v in contract.labels.items()}
    tags.update(
        {f"{CA_TAG_PREFIX}/taint/{t.key}": f"{t.value}:{t.effect}" for t in contract.taints}
    )
    if contract.gpu_resource and contract.schedulable_gpus_per_node:
        tags[f"{CA_TAG_PREFIX}/resources/{contract.gpu_resource}"] = str(
            contract.schedulable_gpus_per_node
        )
    return dict(sorted(tags.items()))


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
