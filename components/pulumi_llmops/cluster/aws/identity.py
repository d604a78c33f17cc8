"""IAM roles for the cluster's own workloads: one role per ServiceAccount, never the node's.

EKS Pod Identity roles (trust `pods.eks.amazonaws.com`) for the EBS CSI controller and the
Cluster Autoscaler; an IRSA role (trust the cluster's OIDC provider) for the VPC CNI, whose
`aws-node` pods start before anything else on a node.
Upstream: https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from ._sdk import aws
from .mapping import (
    AUTOSCALER_NAMESPACE,
    AUTOSCALER_SERVICE_ACCOUNT,
    CNI_POLICY,
    CNI_SERVICE_ACCOUNT,
    cluster_autoscaler_policy,
    irsa_trust_policy,
    pods_trust_policy,
)


@dataclass(frozen=True)
class WorkloadRole:
    """A role and what must exist before a pod can use it (its policies)."""

    role: aws.iam.Role
    policies: tuple[pulumi.Resource, ...]


def _attach(
    name: str, role: aws.iam.Role, policy_arns: Sequence[str], opts: pulumi.ResourceOptions
) -> list[pulumi.Resource]:
    return [
        aws.iam.RolePolicyAttachment(
            f"{name}-{arn.rsplit('/', 1)[-1]}", role=role.name, policy_arn=arn, opts=opts
        )
        for arn in policy_arns
    ]


def pod_identity_role(
    name: str,
    policy_arns: Sequence[str],
    *,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    inline_policy: pulumi.Input[str] | None = None,
) -> WorkloadRole:
    """`<name>` role assumable through EKS Pod Identity, with managed policies attached
    (`<name>-<policy>`) and an optional inline policy (`<name>-policy`)."""
    role = aws.iam.Role(name, assume_role_policy=pods_trust_policy(), tags=dict(tags), opts=opts)
    policies = _attach(name, role, policy_arns, opts)
    if inline_policy is not None:
        policies.append(
            aws.iam.RolePolicy(f"{name}-policy", role=role.id, policy=inline_policy, opts=opts)
        )
    return WorkloadRole(role, tuple(policies))


def vpc_cni_role(
    name: str,
    oidc: aws.iam.OpenIdConnectProvider,
    *,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> WorkloadRole:
    """`<name>` IRSA role of `kube-system/aws-node` with AmazonEKS_CNI_Policy.

    IRSA rather than Pod Identity: the CNI must work before the Pod Identity agent (itself
    a pod) can run on a new node; IRSA needs only the projected token and STS.
    """
    trust = pulumi.Output.all(oidc.arn, oidc.url).apply(
        lambda v: irsa_trust_policy(v[0], v[1], "kube-system", CNI_SERVICE_ACCOUNT)
    )
    role = aws.iam.Role(name, assume_role_policy=trust, tags=dict(tags), opts=opts)
    return WorkloadRole(role, tuple(_attach(name, role, (CNI_POLICY,), opts)))


@dataclass(frozen=True)
class AutoscalerIdentity:
    """What the Cluster Autoscaler's chart needs from AWS: its ServiceAccount (namespace,
    name), the role, and the Pod Identity association (the chart must wait for it)."""

    namespace: str
    service_account: str
    role: WorkloadRole
    association: aws.eks.PodIdentityAssociation

    @property
    def ready(self) -> tuple[pulumi.Resource, ...]:
        return (*self.role.policies, self.association)


def cluster_autoscaler_identity(
    name: str,
    cluster_name: pulumi.Input[str],
    aws_cluster_name: str,
    *,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
    depends_on: Sequence[pulumi.Resource] = (),
) -> AutoscalerIdentity:
    """`<name>` Pod Identity role with the Cluster Autoscaler policy (scaling only ASGs
    tagged for `aws_cluster_name`) and its association `<name>-pod-identity` with
    `kube-system/cluster-autoscaler`, after `depends_on` (the Pod Identity agent)."""
    role = pod_identity_role(
        name, (), tags=tags, opts=opts, inline_policy=cluster_autoscaler_policy(aws_cluster_name)
    )
    association = aws.eks.PodIdentityAssociation(
        f"{name}-pod-identity",
        cluster_name=cluster_name,
        namespace=AUTOSCALER_NAMESPACE,
        service_account=AUTOSCALER_SERVICE_ACCOUNT,
        role_arn=role.role.arn,
        tags=dict(tags),
        opts=pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(depends_on=[*depends_on, *role.policies])
        ),
    )
    return AutoscalerIdentity(AUTOSCALER_NAMESPACE, AUTOSCALER_SERVICE_ACCOUNT, role, association)
