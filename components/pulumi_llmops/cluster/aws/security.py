"""The EKS cluster's secrets key and its admins' access entries.

Upstream: https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi

from ._sdk import aws
from .mapping import CLUSTER_ADMIN_POLICY, principal_key


def secrets_key(
    name: str, cluster_name: str, *, tags: Mapping[str, str], opts: pulumi.ResourceOptions
) -> aws.kms.Key:
    """`<name>-secrets-key` (yearly rotation, 30-day deletion window) and its alias
    `alias/<cluster>-eks-secrets`, for envelope encryption of Kubernetes secrets."""
    key = aws.kms.Key(
        f"{name}-secrets-key",
        description=f"EKS secrets envelope encryption for {cluster_name}",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        tags=dict(tags),
        opts=opts,
    )
    aws.kms.Alias(
        f"{name}-secrets-key-alias",
        name=f"alias/{cluster_name}-eks-secrets",
        target_key_id=key.key_id,
        opts=opts,
    )
    return key


def admin_access(
    name: str,
    cluster_name: pulumi.Input[str],
    principal_arns: Sequence[str],
    *,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> tuple[dict[str, aws.eks.AccessEntry], dict[str, aws.eks.AccessPolicyAssociation]]:
    """Per principal: an access entry `<name>-admin-<key>` and its cluster-scope
    AmazonEKSClusterAdminPolicy association `<name>-admin-<key>-policy`."""
    entries, policies = {}, {}
    for arn in principal_arns:
        key = principal_key(arn)
        entries[key] = aws.eks.AccessEntry(
            f"{name}-admin-{key}",
            cluster_name=cluster_name,
            principal_arn=arn,
            type="STANDARD",
            tags=dict(tags),
            opts=opts,
        )
        policies[key] = aws.eks.AccessPolicyAssociation(
            f"{name}-admin-{key}-policy",
            cluster_name=cluster_name,
            principal_arn=entries[key].principal_arn,
            policy_arn=CLUSTER_ADMIN_POLICY,
            access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
            opts=opts,
        )
    return entries, policies
