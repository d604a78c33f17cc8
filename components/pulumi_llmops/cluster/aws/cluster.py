"""`EksCluster`: an EKS cluster with secure defaults, or an existing one adopted by name.

Upstream: https://docs.aws.amazon.com/eks/latest/best-practices/security.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi

from ...config.eks import EksClusterSpec
from ..handle import connect
from ..storage import create_storage_classes, storage_classes
from ._sdk import aws
from .identity import (
    AutoscalerIdentity,
    WorkloadRole,
    cluster_autoscaler_identity,
    pod_identity_role,
    vpc_cni_role,
)
from .mapping import (
    CLUSTER_ROLE_POLICIES,
    CNI_POLICY,
    EBS_CSI_POLICY,
    EBS_CSI_SERVICE_ACCOUNT,
    NODE_ROLE_POLICIES,
    SYSTEM_AMI_TYPE,
    SYSTEM_POOL_LABELS,
    assume_role_policy,
    kubeconfig,
    vpc_cni_configuration,
)
from .network import EksNetwork, EksNetworkArgs
from .security import admin_access, secrets_key

# Networking add-ons must run before any node can become Ready; CoreDNS needs a node first.
NODE_PREREQUISITE_ADDONS = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")


@dataclass(frozen=True, kw_only=True)
class EksClusterArgs:
    """Wiring: the cluster name in AWS, region, the `cluster.eks` spec, tags.

    `deletion_protection` applies unless the spec sets its own. The `Input`s win over the
    spec's plain strings (pass a `StackReference` output): `subnet_ids` for the control
    plane and default node subnets, `existing_kms_key_arn` for secrets encryption;
    `existing_node_role_arn` / `existing_cluster_role_arn` bring the IAM roles instead of
    creating them. `aws_provider` replaces the explicit provider the cluster creates for
    `region` (every AWS resource of the cluster and its pools uses it, never the ambient
    `aws:region`).
    """

    cluster_name: str
    region: str
    spec: EksClusterSpec
    deletion_protection: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    existing_kms_key_arn: pulumi.Input[str] | None = None
    existing_node_role_arn: pulumi.Input[str] | None = None
    existing_cluster_role_arn: pulumi.Input[str] | None = None
    aws_provider: aws.Provider | None = None


class EksCluster(pulumi.ComponentResource):
    """An EKS cluster (created or adopted) and the node IAM role its GPU pools use.

    Creates (new cluster): the cluster IAM role; a KMS key with rotation on for secrets
    envelope encryption (unless `existing_kms_key_arn`); the cluster with API authentication
    mode (access entries only, no aws-auth ConfigMap), a private API endpoint unless
    `public_access_cidrs` are given, control-plane logs, and no self-managed add-ons; an
    access entry + cluster-admin policy association per `admin_principal_arns`; an IAM OIDC
    provider (IRSA); the managed add-ons vpc-cni (its own IRSA role with
    AmazonEKS_CNI_Policy; the network policy agent on unless `network_policy: false`),
    kube-proxy, eks-pod-identity-agent and coredns; a CPU system node group
    (`<name>-system`); the minimal network when `create_network` is set.
    Creates (adopted, `existing: true`): only the node role; the cluster is read by name.
    Creates unless switched off: the aws-ebs-csi-driver add-on with a Pod Identity role
    (AmazonEBSCSIDriverPolicy) and the StorageClasses gp3 (default) and gp3-retain
    (`ebs_csi_driver`, default on a new cluster); the Cluster Autoscaler's Pod Identity
    role and association (`autoscaler`, default on a new cluster; the chart itself is the
    `ClusterAutoscaler` add-on, wired by the bundle).
    Always: an explicit AWS provider for `region` (`<name>-aws`, unless `aws_provider`), the
    node IAM role (`<name>-node-role`, unless `existing_node_role_arn`) and an explicit
    Kubernetes provider (`<name>-k8s`) whose kubeconfig (a secret) authenticates with
    `aws eks get-token`; it waits for the add-ons, access entries and their policy
    associations.
    Does not create: GPU node groups (`EksGpuNodePool`), Karpenter.
    """

    def __init__(
        self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:aws:EksCluster", name, None, opts)
        spec = args.spec
        self.cluster_name = args.cluster_name
        self.spec = spec
        self.aws_provider: aws.Provider = args.aws_provider or aws.Provider(
            f"{name}-aws", region=args.region, opts=pulumi.ResourceOptions(parent=self)
        )
        self.network: EksNetwork | None = None
        self.addons: dict[str, aws.eks.Addon] = {}
        self.access_entries: dict[str, aws.eks.AccessEntry] = {}
        self.access_policies: dict[str, aws.eks.AccessPolicyAssociation] = {}
        self.oidc_provider: aws.iam.OpenIdConnectProvider | None = None
        self.system_node_group: aws.eks.NodeGroup | None = None
        self.kms_key: aws.kms.Key | None = None
        self.role_attachments: dict[str, list[aws.iam.RolePolicyAttachment]] = {}
        self.workload_roles: dict[str, WorkloadRole] = {}
        self.autoscaler: AutoscalerIdentity | None = None
        self.node_role: aws.iam.Role | None = None
        self.node_role_arn: pulumi.Output[str]
        if args.existing_node_role_arn is not None:
            self.node_role_arn = pulumi.Output.from_input(args.existing_node_role_arn)
        else:
            # An adopted cluster's VPC CNI is not ours: its aws-node may use node-role
            # credentials, so nodes of an adopted cluster keep the CNI policy.
            policies = (*NODE_ROLE_POLICIES, CNI_POLICY) if spec.existing else NODE_ROLE_POLICIES
            self.node_role = self._role(name, "node-role", "ec2.amazonaws.com", policies, args)
            self.node_role_arn = self.node_role.arn
        # The adopted cluster's name is known; a created one's comes from the resource (so
        # everything that names it waits for it).
        self.eks_cluster_name: pulumi.Input[str] = args.cluster_name
        if spec.existing:
            self.cluster = aws.eks.Cluster.get(f"{name}-eks", args.cluster_name, opts=self._child())
        else:
            self.cluster = self._create(name, args)
            self.eks_cluster_name = self.cluster.name
        self.subnet_ids: pulumi.Output[list[str]] = self.cluster.vpc_config.apply(
            lambda vpc: list(vpc.subnet_ids or [])
        )
        self.node_subnet_ids: pulumi.Output[list[str]] = (
            pulumi.Output.from_input(sorted(set(spec.node_subnet_ids)))
            if spec.node_subnet_ids
            else self.subnet_ids
        )
        storage_addon = self._ebs_csi_driver(name, args) if spec.installs_ebs_csi else None
        if spec.resolved_autoscaler == "cluster-autoscaler":
            self.autoscaler = cluster_autoscaler_identity(
                f"{name}-cluster-autoscaler",
                self.eks_cluster_name,
                args.cluster_name,
                tags=args.tags,
                opts=self._child(),
                depends_on=[a for k, a in self.addons.items() if k == "eks-pod-identity-agent"],
            )
        self.kubeconfig = pulumi.Output.secret(
            pulumi.Output.all(
                self.cluster.endpoint,
                # Output-only: unset under test mocks that echo inputs (pulumi_llmops.testing).
                self.cluster.certificate_authority.apply(lambda ca: ca.data if ca else ""),
            ).apply(lambda v: kubeconfig(args.cluster_name, args.region, v[0], v[1]))
        )
        self.handle = connect(
            f"{name}-k8s",
            cluster_name=args.cluster_name,
            target="eks",
            region=args.region,
            kubeconfig=self.kubeconfig,
            # Kubernetes calls succeed only once the add-ons run and the admins' access
            # entries *and* their policy associations exist.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[
                    *self.addons.values(),
                    *self.access_entries.values(),
                    *self.access_policies.values(),
                ],
            ),
        )
        self.provider = self.handle.provider
        self.storage_classes: dict[str, pulumi.Resource] = {}
        if storage_addon is not None:
            names, specs = storage_classes("eks")
            self.storage_classes = create_storage_classes(
                name, specs, provider=self.provider, parent=self, depends_on=[storage_addon]
            )
            self.handle = replace(
                self.handle,
                storage=names,
                storage_ready=(storage_addon, *self.storage_classes.values()),
            )
        self.register_outputs(
            {
                "cluster_name": args.cluster_name,
                "endpoint": self.cluster.endpoint,
                "node_role_arn": self.node_role_arn,
                "subnet_ids": self.subnet_ids,
                "kubeconfig": self.kubeconfig,
            }
        )

    def _child(self, **options: object) -> pulumi.ResourceOptions:
        """Options of an AWS child: parented here, on the cluster's explicit provider."""
        return pulumi.ResourceOptions(
            parent=self,
            provider=self.aws_provider,
            **options,  # type: ignore[arg-type]
        )

    @property
    def node_prerequisites(self) -> list[pulumi.Resource]:
        """Resources node groups must wait for: the node role's policies, networking add-ons."""
        addons = [self.addons[a] for a in NODE_PREREQUISITE_ADDONS if a in self.addons]
        return [*self.role_attachments.get("node-role", []), *addons]

    def _create(self, name: str, args: EksClusterArgs) -> aws.eks.Cluster:
        spec = args.spec
        child = self._child()
        subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]] = (
            # Sorted: subnets are a set to EKS; reordering the list must not change inputs.
            args.subnet_ids if args.subnet_ids is not None else sorted(set(spec.subnet_ids))
        )
        if spec.create_network:
            self.network = EksNetwork(
                f"{name}-network",
                EksNetworkArgs(
                    cluster_name=args.cluster_name,
                    region=args.region,
                    cidr=spec.network_cidr,
                    zones=tuple(spec.availability_zones),
                    tags=args.tags,
                ),
                opts=child,
            )
            subnet_ids = self.network.private_subnet_ids
        role_arn: pulumi.Input[str]
        role_depends: list[pulumi.Resource] = []
        if args.existing_cluster_role_arn is not None:
            role_arn = args.existing_cluster_role_arn
        else:
            role = self._role(
                name, "cluster-role", "eks.amazonaws.com", CLUSTER_ROLE_POLICIES, args
            )
            role_arn = role.arn
            role_depends = [role, *self.role_attachments["cluster-role"]]
        key_arn: pulumi.Input[str] | None = (
            args.existing_kms_key_arn
            if args.existing_kms_key_arn is not None
            else spec.existing_kms_key_arn
        )
        if key_arn is None:
            self.kms_key = secrets_key(name, args.cluster_name, tags=args.tags, opts=child)
            key_arn = self.kms_key.arn
        public = bool(spec.public_access_cidrs)
        deletion_protection = (
            spec.deletion_protection
            if spec.deletion_protection is not None
            else args.deletion_protection
        )
        cluster = aws.eks.Cluster(
            f"{name}-eks",
            name=args.cluster_name,
            role_arn=role_arn,
            version=spec.kubernetes_version,
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=spec.bootstrap_creator_admin,
            ),
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=subnet_ids,
                endpoint_private_access=True,
                endpoint_public_access=public,
                public_access_cidrs=list(spec.public_access_cidrs) if public else None,
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=key_arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(spec.enabled_log_types),
            upgrade_policy=(
                aws.eks.ClusterUpgradePolicyArgs(support_type=spec.support_type)
                if spec.support_type
                else None
            ),
            bootstrap_self_managed_addons=False,
            deletion_protection=deletion_protection,
            tags=args.tags,
            opts=self._child(depends_on=role_depends),
        )
        self.access_entries, self.access_policies = admin_access(
            name, cluster.name, spec.admin_principal_arns, tags=args.tags, opts=child
        )
        self.oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc",
            url=cluster.identities.apply(_oidc_issuer),
            client_id_lists=["sts.amazonaws.com"],
            tags=args.tags,
            opts=child,
        )
        cni = vpc_cni_role(f"{name}-vpc-cni-role", self.oidc_provider, tags=args.tags, opts=child)
        self.workload_roles["vpc-cni"] = cni
        for addon in NODE_PREREQUISITE_ADDONS:
            extra: dict = {}
            if addon == "vpc-cni":
                extra = {
                    "configuration_values": vpc_cni_configuration(spec.network_policy),
                    "service_account_role_arn": cni.role.arn,
                }
            self.addons[addon] = self._addon(
                name, addon, cluster.name, args, list(cni.policies) if extra else [], **extra
            )
        self.system_node_group = aws.eks.NodeGroup(
            f"{name}-system",
            cluster_name=cluster.name,
            node_role_arn=self.node_role_arn,
            subnet_ids=subnet_ids,
            ami_type=SYSTEM_AMI_TYPE,
            capacity_type="ON_DEMAND",
            instance_types=[spec.system_instance_type],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=spec.system_nodes,
                desired_size=spec.system_nodes,
                max_size=spec.system_nodes,
            ),
            labels=SYSTEM_POOL_LABELS,
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            tags=args.tags,
            opts=self._child(depends_on=self.node_prerequisites),
        )
        self.addons["coredns"] = self._addon(
            name, "coredns", cluster.name, args, [self.system_node_group]
        )
        return cluster

    def _ebs_csi_driver(self, name: str, args: EksClusterArgs) -> aws.eks.Addon:
        """The aws-ebs-csi-driver add-on; its controller's role comes by Pod Identity, so
        it waits for the agent, a node to run on, and the role's policy."""
        role = pod_identity_role(
            f"{name}-ebs-csi", (EBS_CSI_POLICY,), tags=args.tags, opts=self._child()
        )
        self.workload_roles["aws-ebs-csi-driver"] = role
        after = [
            *(self.addons[a] for a in ("eks-pod-identity-agent",) if a in self.addons),
            *([self.system_node_group] if self.system_node_group else []),
            *role.policies,
        ]
        addon = self._addon(
            name,
            "aws-ebs-csi-driver",
            self.eks_cluster_name,
            args,
            after,
            pod_identity_associations=[
                aws.eks.AddonPodIdentityAssociationArgs(
                    role_arn=role.role.arn, service_account=EBS_CSI_SERVICE_ACCOUNT
                )
            ],
        )
        self.addons["aws-ebs-csi-driver"] = addon
        return addon

    def _addon(
        self,
        name: str,
        addon: str,
        cluster_name: pulumi.Input[str],
        args: EksClusterArgs,
        depends_on: list[pulumi.Resource],
        **extra: object,
    ) -> aws.eks.Addon:
        return aws.eks.Addon(
            f"{name}-{addon}",
            cluster_name=cluster_name,
            addon_name=addon,
            addon_version=args.spec.addon_versions.get(addon),  # type: ignore[call-overload]
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="PRESERVE",
            tags=args.tags,
            opts=self._child(depends_on=depends_on),
            **extra,  # type: ignore[arg-type]
        )

    def _role(
        self, name: str, key: str, service: str, policies: tuple[str, ...], args: EksClusterArgs
    ) -> aws.iam.Role:
        role = aws.iam.Role(
            f"{name}-{key}",
            assume_role_policy=assume_role_policy(
                service, tag_session=service == "eks.amazonaws.com"
            ),
            tags=args.tags,
            opts=self._child(),
        )
        self.role_attachments[key] = [
            aws.iam.RolePolicyAttachment(
                f"{name}-{key}-{arn.rsplit('/', 1)[-1]}",
                role=role.name,
                policy_arn=arn,
                opts=self._child(),
            )
            for arn in policies
        ]
        return role


def _oidc_issuer(identities: Any) -> str:
    """The cluster's OIDC issuer URL; "" when the engine returned no identities (test mocks
    that echo inputs: the real engine always sets it)."""
    if not identities or not identities[0].oidcs:
        return ""
    return identities[0].oidcs[0].issuer or ""
