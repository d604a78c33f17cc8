"""L2: platform namespaces (the library's two plus the team's own), vector DB, observability,
GitOps for the team's applications."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from pulumi_llmops.addons import PlatformNamespaces, PlatformNamespacesArgs
from pulumi_llmops.addons.gitops import GitOps, GitOpsArgs
from pulumi_llmops.addons.observability import (
    MetricsTarget,
    Observability,
    ObservabilityArgs,
)
from pulumi_llmops.addons.vector_db import (
    API_KEY_KEY,
    API_KEY_SECRET,
    CHART_MONITORS,
    VectorDatabase,
    VectorDatabaseArgs,
)
from pulumi_llmops.cluster import ClusterHandle
from pulumi_llmops.kube import MODELS_NAMESPACE, SYSTEM_NAMESPACE

from .settings import TeamSettings


def create_namespaces(settings: TeamSettings, handle: ClusterHandle) -> PlatformNamespaces:
    """`llmops-system` (restricted), `llmops-models` (baseline: vLLM images) and team ones."""
    levels = {SYSTEM_NAMESPACE: "restricted", MODELS_NAMESPACE: "baseline"}
    levels.update({ns: "restricted" for ns in settings.team_namespaces})
    return PlatformNamespaces(
        f"{settings.cluster_name}-namespaces",
        PlatformNamespacesArgs(cluster=handle, namespaces=levels, labels=settings.tags),
    )


@dataclass
class DataServices:
    vector_db: VectorDatabase | None
    observability: Observability | None


def create_data_services(
    settings: TeamSettings,
    handle: ClusterHandle,
    namespaces: PlatformNamespaces,
    gpu_prices: dict[str, float],
) -> DataServices:
    """Vector DB, then observability scraping it (its ServiceMonitor needs the DB's Secret).

    Weaviate and pgvector charts render their own monitors, so for those engines the
    Prometheus operator (its CRDs) must come first instead.
    """
    vdb, obs = settings.vector_db, settings.observability
    after = pulumi.ResourceOptions(depends_on=[namespaces])
    if vdb.enabled and obs.enabled and vdb.engine in CHART_MONITORS:
        observability = _observability(settings, handle, gpu_prices, None, [], after)
        vector_db = _vector_db(settings, handle, [observability.chart], after)
        return DataServices(vector_db, observability)
    vector_db = _vector_db(settings, handle, [], after) if vdb.enabled else None
    observability = None
    if obs.enabled:
        target = None
        if vector_db is not None and vector_db.endpoint.metrics_port is not None:
            target = MetricsTarget(
                namespace=vdb.namespace,
                selector=vector_db.endpoint.metrics_selector,
                port=vector_db.endpoint.metrics_port,
                path=vector_db.endpoint.metrics_path,
                secret_name=API_KEY_SECRET,
                secret_key=API_KEY_KEY,
            )
        observability = _observability(
            settings,
            handle,
            gpu_prices,
            target,
            [vector_db.chart] if target and vector_db else [],
            after,
        )
    return DataServices(vector_db, observability)


def _vector_db(
    settings: TeamSettings,
    handle: ClusterHandle,
    depends_on: list[pulumi.Resource],
    opts: pulumi.ResourceOptions,
) -> VectorDatabase:
    obs = settings.observability
    return VectorDatabase(
        f"{settings.cluster_name}-vectordb",
        VectorDatabaseArgs(
            cluster=handle,
            spec=settings.vector_db,
            region=settings.region,
            extra_client_namespaces=[
                *settings.team_namespaces,
                *([obs.namespace] if obs.enabled else []),
            ],
            labels=settings.tags,
            metrics=obs.enabled,
            depends_on=depends_on,
        ),
        opts=opts,
    )


def _observability(
    settings: TeamSettings,
    handle: ClusterHandle,
    gpu_prices: dict[str, float],
    target: MetricsTarget | None,
    target_depends_on: list[pulumi.Resource],
    opts: pulumi.ResourceOptions,
) -> Observability:
    obs = settings.observability
    return Observability(
        f"{settings.cluster_name}-observability",
        ObservabilityArgs(
            cluster=handle,
            spec=obs,
            gpu_prices=gpu_prices,
            # The GPU operator's chart ships the DCGM ServiceMonitor when it is installed.
            dcgm_service_monitor=False,
            vector_db=target,
            vector_db_depends_on=target_depends_on,
            labels=settings.tags,
        ),
        opts=opts,
    )


def create_gitops(
    settings: TeamSettings, handle: ClusterHandle, namespaces: PlatformNamespaces
) -> GitOps | None:
    """Argo CD (or Flux) syncing the team's applications from Git; none without applications.

    Pulumi owns the platform, Git owns the workloads: the applications deploy into the team
    namespaces created above.
    """
    if not settings.gitops.active:
        return None
    return GitOps(
        f"{settings.cluster_name}-gitops",
        GitOpsArgs(cluster=handle, spec=settings.gitops, labels=settings.tags),
        opts=pulumi.ResourceOptions(depends_on=[namespaces]),
    )
