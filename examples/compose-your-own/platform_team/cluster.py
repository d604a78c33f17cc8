"""L1: the EKS cluster. Its `handle` (provider, kubeconfig) feeds the rest."""

from __future__ import annotations

from pulumi_llmops.addons.cluster_autoscaler import ClusterAutoscaler, ClusterAutoscalerArgs
from pulumi_llmops.catalog.kubernetes import cluster_autoscaler_image_tag
from pulumi_llmops.cluster.aws import EksCluster, EksClusterArgs
from pulumi_llmops.cluster.contracts import POOL_LABEL

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


def create_autoscaler(settings: TeamSettings, cluster: EksCluster) -> ClusterAutoscaler | None:
    """The Cluster Autoscaler chart, on the identity the cluster made for it (`eks.autoscaler`):
    it scales the GPU node groups from zero when a model is pending."""
    if cluster.autoscaler is None:
        return None
    eks = settings.eks
    return ClusterAutoscaler(
        f"{settings.cluster_name}-cluster-autoscaler",
        ClusterAutoscalerArgs(
            cluster=cluster.handle,
            cluster_name=settings.cluster_name,
            service_account=cluster.autoscaler.service_account,
            image_tag=eks.autoscaler_image_tag
            or cluster_autoscaler_image_tag(eks.kubernetes_version)
            or "",
            node_selector={POOL_LABEL: "system"},
            depends_on=cluster.autoscaler.ready,
        ),
    )
