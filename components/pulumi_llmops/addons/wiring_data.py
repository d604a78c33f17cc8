"""How the bundle wires the data and operations add-ons: vector database, observability,
GitOps. Called by `LlmOpsPlatform`; everything here can be done by hand with the components.

`prepare_data_addons` is pure and runs before anything registers; `build_data_addons` reads
the snapshot credentials from secret stack config and creates the components.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from ..cluster.handle import ClusterHandle
from ..config.errors import ConfigError, Problem
from ..config.platform import CLOUD_TARGETS, PlatformConfig
from .gitops import GitOps, GitOpsArgs
from .observability import MetricsTarget, Observability, ObservabilityArgs, gpu_hourly_prices
from .vector_db import SnapshotCredentials, VectorDatabase, VectorDatabaseArgs
from .vector_db.values import API_KEY_KEY, API_KEY_SECRET, CHART_MONITORS

CONFIG_NAMESPACE = "llmops"


@dataclass
class DataAddons:
    """The components created (None when disabled)."""

    vector_db: VectorDatabase | None = None
    observability: Observability | None = None
    gitops: GitOps | None = None


def data_addon_problems(config: PlatformConfig) -> list[Problem]:
    """Rules that need the whole platform config (so not in the add-on specs)."""
    problems: list[Problem] = []
    vdb = config.addons.vector_db
    snap = vdb.snapshots
    cloud = config.target in CLOUD_TARGETS
    if vdb.enabled and snap is not None and snap.region and cloud and snap.region != config.region:
        problems.append(
            Problem(
                "addons.vector_db.snapshots.region",
                f"snapshots must stay in the platform's region {config.region!r}; "
                "leave region unset to use it",
                snap.region,
            )
        )
    return problems


def prepare_data_addons(config: PlatformConfig) -> None:
    """Fail with one `ConfigError` before anything registers."""
    problems = data_addon_problems(config)
    if problems:
        raise ConfigError(problems, "llmops:platform")


def dcgm_monitor_wanted(config: PlatformConfig, gpu_operator_installed: bool) -> bool:
    """`observability.dcgm_service_monitor`, or by default: only without the library's GPU
    operator (its chart creates a DCGM ServiceMonitor when observability is on)."""
    explicit = config.addons.observability.dcgm_service_monitor
    return (not gpu_operator_installed) if explicit is None else explicit


def _snapshot_credentials(config: PlatformConfig) -> SnapshotCredentials | None:
    snap = config.addons.vector_db.snapshots
    if snap is None or snap.credentials.existing_secret:
        return None
    stack_config = pulumi.Config(CONFIG_NAMESPACE)
    return SnapshotCredentials(
        access_key_id=stack_config.require_secret(snap.credentials.access_key_id_config_key),
        secret_access_key=stack_config.require_secret(
            snap.credentials.secret_access_key_config_key
        ),
    )


def _observability(
    name: str,
    config: PlatformConfig,
    cluster: ClusterHandle,
    opts: pulumi.ResourceOptions,
    target: MetricsTarget | None,
    target_depends_on: list[pulumi.Resource],
    gpu_operator_installed: bool,
) -> Observability:
    obs = config.addons.observability
    return Observability(
        f"{name}-observability",
        ObservabilityArgs(
            cluster=cluster,
            spec=obs,
            gpu_prices=gpu_hourly_prices(
                cluster.gpu_pools.values(),
                config.target,
                config.region,
                obs.cost.gpu_usd_per_hour,
                getattr(config, "catalog", None),
            ),
            dcgm_service_monitor=dcgm_monitor_wanted(config, gpu_operator_installed),
            vector_db=target,
            vector_db_depends_on=target_depends_on,
            chart_overrides=config.versions.as_overrides(),
            labels=config.tags,
        ),
        opts=opts,
    )


def build_data_addons(
    name: str,
    config: PlatformConfig,
    cluster: ClusterHandle,
    opts: pulumi.ResourceOptions,
    *,
    gpu_operator_installed: bool = False,
    depends_on: list[pulumi.Resource] | None = None,
) -> DataAddons:
    """Vector DB and observability (ordered so every monitor finds its CRDs and Secret), then
    GitOps."""
    addons = config.addons
    overrides = config.versions.as_overrides()
    after = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=depends_on or []))
    result = DataAddons()
    obs = addons.observability
    vdb = addons.vector_db
    # Weaviate/pgvector charts render their own monitor, so they need the CRDs first; the
    # library's Qdrant/Milvus ServiceMonitor instead waits for the vector DB chart.
    chart_monitor = vdb.enabled and obs.enabled and vdb.engine in CHART_MONITORS
    if chart_monitor:
        result.observability = _observability(
            name, config, cluster, after, None, [], gpu_operator_installed
        )
    if vdb.enabled:
        result.vector_db = VectorDatabase(
            f"{name}-vectordb",
            VectorDatabaseArgs(
                cluster=cluster,
                spec=vdb,
                region=config.region,
                extra_client_namespaces=[obs.namespace] if obs.enabled else [],
                chart_overrides=overrides,
                snapshot_credentials=_snapshot_credentials(config),
                labels=config.tags,
                metrics=obs.enabled,
                depends_on=[result.observability.chart] if result.observability else [],
            ),
            opts=after,
        )
    if obs.enabled and not chart_monitor:
        target = None
        vector = result.vector_db
        if vector is not None and vector.endpoint.metrics_port is not None:
            target = MetricsTarget(
                namespace=vdb.namespace,
                selector=vector.endpoint.metrics_selector,
                port=vector.endpoint.metrics_port,
                path=vector.endpoint.metrics_path,
                secret_name=API_KEY_SECRET,
                secret_key=API_KEY_KEY,
            )
        result.observability = _observability(
            name,
            config,
            cluster,
            after,
            target,
            [vector.chart] if target is not None and vector else [],
            gpu_operator_installed,
        )
    if addons.gitops.active:
        result.gitops = GitOps(
            f"{name}-gitops",
            GitOpsArgs(
                cluster=cluster, spec=addons.gitops, chart_overrides=overrides, labels=config.tags
            ),
            opts=after,
        )
    return result
