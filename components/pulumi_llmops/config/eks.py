"""`eks:` blocks of the cluster and GPU pool specs: options that only exist on Amazon EKS.

Upstream: https://docs.aws.amazon.com/eks/latest/userguide/clusters.html
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from ..catalog.kubernetes import cluster_autoscaler_image_tag
from .base import Spec, check_ipv4_cidr
from .errors import Problem, raise_if_any
from .kubernetes_support import version_problems

SubnetId = Annotated[str, StringConstraints(pattern=r"^subnet-[0-9a-f]{8,17}$")]
Cidr = Annotated[
    str,
    StringConstraints(pattern=r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$"),
    AfterValidator(check_ipv4_cidr),
]
IamArn = Annotated[str, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::\d{12}:(role|user)/.+$")]
KubernetesVersion = Annotated[str, StringConstraints(pattern=r"^1\.\d{2}$")]

EksLogType = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]
EksAmiType = Literal[
    "AL2023_x86_64_NVIDIA",
    "AL2023_ARM_64_NVIDIA",
    "BOTTLEROCKET_x86_64_NVIDIA",
    "BOTTLEROCKET_ARM_64_NVIDIA",
]
EksAddon = Literal[
    "vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns", "aws-ebs-csi-driver"
]
EKS_ADDONS: tuple[str, ...] = get_args(EksAddon)

_CREATE_ONLY = (
    "kubernetes_version",
    "subnet_ids",
    "create_network",
    "network_cidr",
    "availability_zones",
    "public_access_cidrs",
    "admin_principal_arns",
    "bootstrap_creator_admin",
    "existing_kms_key_arn",
    "deletion_protection",
    "enabled_log_types",
    "system_instance_type",
    "system_nodes",
    "addon_versions",
    "network_policy",
    "support_type",
)


class EksClusterSpec(Spec):
    """EKS cluster options (`cluster.eks`). Create a cluster (default) or adopt one by name."""

    existing: bool = Field(
        False,
        description=(
            "Adopt the existing EKS cluster named `cluster.name` instead of creating one. "
            "Only the node role and the GPU node groups are created."
        ),
    )
    kubernetes_version: KubernetesVersion | None = Field(
        None, description="Kubernetes minor version, e.g. 1.33. Default: EKS's default version."
    )
    subnet_ids: list[SubnetId] = Field(
        default_factory=list,
        description=(
            "Existing private subnets (at least two, in different AZs) for the control plane "
            "ENIs and the nodes. Set these or `create_network: true`."
        ),
    )
    create_network: bool = Field(
        False,
        description=(
            "Create a minimal network: a VPC, one private and one public subnet per AZ, an "
            "internet gateway and one NAT gateway (nodes stay private)."
        ),
    )
    network_cidr: Cidr = Field("10.40.0.0/16", description="VPC CIDR with `create_network`.")
    availability_zones: list[str] = Field(
        default_factory=list,
        description="AZs for `create_network` (two or three). Default: <region>a and <region>b.",
    )
    public_access_cidrs: list[Cidr] = Field(
        default_factory=list,
        description=(
            "Open the public API endpoint to these CIDRs only. Empty: the API "
            "endpoint is private (reachable from the VPC only)."
        ),
    )
    admin_principal_arns: list[IamArn] = Field(
        default_factory=list,
        description=(
            "IAM roles/users given cluster-admin through access entries "
            "(AmazonEKSClusterAdminPolicy, cluster scope)."
        ),
    )
    bootstrap_creator_admin: bool = Field(
        True,
        description=(
            "Give the identity that creates the cluster admin access (Pulumi needs it to "
            "install the platform)."
        ),
    )
    existing_kms_key_arn: str | None = Field(
        None,
        pattern=r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/.+$",
        description=(
            "KMS key for envelope encryption of Kubernetes secrets. Default: a new key with "
            "yearly rotation on."
        ),
    )
    deletion_protection: bool | None = Field(
        None, description="EKS deletion protection. Default: on when environment is prod."
    )
    enabled_log_types: list[EksLogType] = Field(
        default_factory=lambda: ["api", "audit", "authenticator"],
        description="Control-plane logs sent to CloudWatch.",
    )
    system_instance_type: str = Field(
        "m7i.large",
        min_length=1,
        description="Instance type of the CPU system node group (CoreDNS, controllers).",
    )
    system_nodes: int = Field(2, ge=1, le=20, description="Nodes in the system node group.")
    addon_versions: dict[EksAddon, str] = Field(
        default_factory=dict,
        description=(
            "Pin managed add-on versions (vpc-cni, kube-proxy, eks-pod-identity-agent, "
            "coredns, aws-ebs-csi-driver), e.g. v1.20.0-eksbuild.1. Default: EKS's default "
            "for the cluster version."
        ),
    )
    support_type: Literal["STANDARD", "EXTENDED"] | None = Field(
        None,
        description=(
            "What EKS does when kubernetes_version leaves standard support: STANDARD "
            "upgrades the cluster, EXTENDED keeps it (billed per hour). Default: EKS's "
            "(extended). With EXTENDED a pinned version may be in extended support."
        ),
    )
    network_policy: bool = Field(
        True,
        description=(
            "Enforce Kubernetes NetworkPolicies: the VPC CNI add-on runs with "
            "enableNetworkPolicy (its eBPF network policy agent). Off: NetworkPolicies are "
            "accepted but nothing enforces them."
        ),
    )
    ebs_csi_driver: bool | None = Field(
        None,
        description=(
            "Install the aws-ebs-csi-driver managed add-on (its controller gets an IAM role "
            "with AmazonEBSCSIDriverPolicy through EKS Pod Identity) and the StorageClasses "
            "gp3 (the default class) and gp3-retain (reclaimPolicy Retain), both encrypted, "
            "WaitForFirstConsumer. Default: on when creating the cluster, off when adopting."
        ),
    )
    autoscaler: Literal["cluster-autoscaler", "none"] | None = Field(
        None,
        description=(
            "What scales the GPU node groups from and to min_nodes/max_nodes: the Kubernetes "
            "Cluster Autoscaler (Helm chart, Pod Identity role, node-group auto-discovery and "
            "node-template tags so a group at zero still advertises its GPUs, labels and "
            "taints), or none. Unset: the Cluster Autoscaler when creating the cluster, "
            "nothing when adopting one (its own autoscaler discovers the new node groups by "
            "the tags EKS puts on them)."
        ),
    )
    autoscaler_image_tag: str | None = Field(
        None,
        pattern=r"^v\d+\.\d+\.\d+$",
        description=(
            "Cluster Autoscaler image tag; its minor must match the cluster's. Default: the "
            "catalogue's tag for kubernetes_version (the newest catalogued one when the "
            "version is EKS's default)."
        ),
    )
    node_subnet_ids: list[SubnetId] = Field(
        default_factory=list,
        description=(
            "Private subnets for the GPU node groups (a pool's eks.subnet_ids wins). Default: "
            "the cluster's subnets (the private ones of create_network). Required when "
            "adopting a cluster unless every pool sets eks.subnet_ids: an adopted cluster's "
            "control-plane subnets may be public."
        ),
    )
    imds_hop_limit: int = Field(
        1,
        ge=1,
        le=2,
        description=(
            "IMDSv2 PUT response hop limit on the GPU nodes (launch template). 1 keeps pods "
            "in their own network namespace from reaching the instance metadata service and "
            "the node role's credentials (they use Pod Identity / IRSA); 2 lets them."
        ),
    )

    @property
    def resolved_autoscaler(self) -> str:
        """`autoscaler`, or its default: cluster-autoscaler on a new cluster, none adopted."""
        if self.autoscaler is not None:
            return self.autoscaler
        return "none" if self.existing else "cluster-autoscaler"

    @property
    def installs_ebs_csi(self) -> bool:
        """`ebs_csi_driver`, or its default: on when creating the cluster."""
        return self.ebs_csi_driver if self.ebs_csi_driver is not None else not self.existing

    @model_validator(mode="after")
    def _create_or_adopt(self) -> EksClusterSpec:
        problems = []
        if self.existing:
            problems += [
                Problem(field, "only when creating the cluster (existing: true)")
                for field in _CREATE_ONLY
                if field in self.model_fields_set
            ]
        else:
            if bool(self.subnet_ids) == self.create_network:
                problems.append(
                    Problem("subnet_ids", "set subnet_ids (two or more) or create_network: true")
                )
            elif self.subnet_ids and len(self.subnet_ids) < 2:
                problems.append(
                    Problem("subnet_ids", "EKS needs subnets in at least two AZs", self.subnet_ids)
                )
            for field in ("network_cidr", "availability_zones"):
                if field in self.model_fields_set and not self.create_network:
                    problems.append(Problem(field, "only with create_network: true"))
            if self.availability_zones and not 2 <= len(self.availability_zones) <= 3:
                problems.append(
                    Problem("availability_zones", "give two or three", self.availability_zones)
                )
            problems += version_problems(
                "aws",
                "kubernetes_version",
                self.kubernetes_version,
                extended=self.support_type == "EXTENDED",
            )
            if self.create_network and not (self.public_access_cidrs or self.subnet_ids):
                problems.append(
                    Problem(
                        "public_access_cidrs",
                        "required with create_network: true: the VPC is created in this "
                        "deployment, so nothing running Pulumi can be inside it to reach a "
                        "private API endpoint. List the runner's egress CIDRs (close the "
                        "endpoint later by removing them, then deploy from inside the VPC), "
                        "or bring subnet_ids of a VPC your runner is in",
                    )
                )
        if (
            self.resolved_autoscaler == "cluster-autoscaler"
            and self.autoscaler_image_tag is None
            and cluster_autoscaler_image_tag(self.kubernetes_version) is None
        ):
            problems.append(
                Problem(
                    "autoscaler_image_tag",
                    "required: the catalogue has no Cluster Autoscaler tag for Kubernetes "
                    f"{self.kubernetes_version} (its minor must match the cluster's); set it, "
                    f"e.g. v{self.kubernetes_version}.0",
                )
            )
        raise_if_any(problems)
        return self


class EksPoolSpec(Spec):
    """EKS-only GPU pool options (`node_pools.<name>.eks`)."""

    ami_type: EksAmiType = Field(
        "AL2023_x86_64_NVIDIA",
        description=(
            "EKS-optimized NVIDIA AMI. AL2023 ships the driver and container toolkit (the GPU "
            "operator then only runs the device plugin); Bottlerocket also ships its own "
            "device plugin."
        ),
    )
    subnet_ids: list[SubnetId] = Field(
        default_factory=list,
        description="Subnets of this pool (e.g. one AZ with GPU capacity). Default: the cluster's.",
    )
    release_version: str | None = Field(
        None, min_length=1, description="AMI release version. Default: latest for the cluster."
    )
    node_repair: bool = Field(
        True, description="EKS node auto-repair (replaces unhealthy GPU nodes)."
    )
    max_unavailable: int = Field(
        1, ge=1, le=100, description="Nodes replaced at once during updates."
    )
