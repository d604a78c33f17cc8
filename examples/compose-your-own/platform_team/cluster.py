"""L1: the EKS cluster. Its `handle` (provider, kubeconfig) feeds the rest."""

from __future__ import annotations

from pulumi_llmops.cluster.aws import EksCluster, EksClusterArgs

from .settings import TeamSettings


def create_cluster(settings: TeamSettings) -> EksCluster:
    """The cluster, its network (`eks.create_network`), node role and Kubernetes provider."""
    return EksCluster(
        settings.cluster_name,
        EksClusterArgs(
            cluster_name=settings.cluster_name,
            region=settings.region,
            spec=settings.eks,
            deletion_protection=settings.environment == "prod",
            tags=settings.resource_tags,
        ),
    )
