"""How the bundle wires the data and operations add-ons: vector database, observability,
GitOps. Everything here can be done by hand with the L2 components.

`data_addon_problems` is pure and runs inside `prepare`; `build_data_addons` creates the
components, ordered so every monitor finds its CRDs and Secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi

from ..addons.gitops import GitOps, GitOpsArgs
from ..addons.observability import MetricsTarget, Observability, ObservabilityArgs
from ..addons.vector_db import (
    CHART_MONITORS,
    ENGINES,
    SnapshotCredentials,
    VectorDatabase,
    VectorDatabaseArgs,
)
from ..addons.vector_db.storage import provisioner
from ..cluster.contracts import GpuPoolContract, gke_operator_managed
from ..cluster.handle import ClusterHandle
from ..config.errors import Problem
from ..config.platform import PlatformConfig
from ..targets import target_info
from ..versions import CHARTS
from .serving_rules import hook_problems


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
    cloud = target_info(config.target).is_cloud
    retain = vdb.retain_storage_class
    if vdb.enabled and retain is not None and provisioner(retain, config.target) is None:
        problems.append(
            Problem(
                "addons.vector_db.retain_storage_class.provisioner",
                "required on-prem: the CSI driver of the cluster's block storage "
                "(e.g. rbd.csi.ceph.com)",
            )
        )
    problems += _hook_problems(config)
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


def _hook_problems(config: PlatformConfig) -> list[Problem]:
    """`values_overrides` of the data add-ons that turn a Helm hook back on."""
    addons = config.addons
    problems: list[Problem] = []
    if addons.observability.enabled:
        problems += hook_problems(
            "addons.observability.values_overrides",
            "kube-prometheus-stack",
            addons.observability.values_overrides,
        )
    if addons.vector_db.enabled:
        chart = CHARTS[ENGINES[addons.vector_db.engine].chart_key].chart_name
        problems += hook_problems(
            "addons.vector_db.values_overrides", chart, addons.vector_db.values_overrides
        )
    gitops = addons.gitops
    if gitops.active:
        chart = "argo-cd" if gitops.engine == "argocd" else "flux2"
        problems += hook_problems("addons.gitops.values_overrides", chart, gitops.values_overrides)
    return problems


def snapshot_credentials_needed(config: PlatformConfig) -> bool:
    """The library creates the snapshot credentials Secret from secret stack config."""
    vdb = config.addons.vector_db
    snap = vdb.snapshots
    return vdb.enabled and snap is not None and not snap.credentials.existing_secret


def dcgm_monitor_wanted(config: PlatformConfig, gpu_operator_installed: bool) -> bool:
    """`observability.dcgm_service_monitor`, or by default: only without the library's GPU
    operator (its chart creates a DCGM ServiceMonitor when observability is on)."""
    explicit = config.addons.observability.dcgm_service_monitor
    return (not gpu_operator_installed) if explicit is None else explicit


def gke_dcgm_exporter_pools(
    config: PlatformConfig,
    contracts: Mapping[str, GpuPoolContract],
    gpu_operator_installed: bool,
) -> dict[str, GpuPoolContract]:
    """The GKE pools that get the library's DCGM exporter: those whose drivers GKE installs
    (`gke.gpu_driver_version` DEFAULT or LATEST), when observability and
    `observability.gke_dcgm_exporter` are on and no GPU operator runs (its chart runs the
    exporter on every GPU node it manages; two exporters would double every series)."""
    obs = config.addons.observability
    if config.target != "gke" or not obs.enabled or not obs.gke_dcgm_exporter.enabled:
        return {}
    if gpu_operator_installed:
        return {}
    return {
        pool: contract
        for pool, contract in sorted(contracts.items())
        if not gke_operator_managed(config.node_pools[pool])
    }


def build_data_addons(
    name: str,
    config: PlatformConfig,
    cluster: ClusterHandle,
    opts: pulumi.ResourceOptions,
    *,
    gpu_prices: Mapping[str, float],
    snapshot_credentials: SnapshotCredentials | None = None,
    gpu_operator_installed: bool = False,
    contracts: Mapping[str, GpuPoolContract] | None = None,
    depends_on: list[pulumi.Resource] | None = None,
    chart_overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> DataAddons:
    """Vector DB and observability (ordered so every monitor finds its CRDs and Secret), then
    GitOps. `contracts`: the GPU pools' (on GKE, pools with GKE-managed drivers get the
    library's DCGM exporter). `chart_overrides`: where each chart comes from (the plan's;
    default: the stack's `versions.charts` as written)."""
    addons = config.addons
    overrides = config.versions.as_overrides() if chart_overrides is None else chart_overrides
    after = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=depends_on or []))
    result = DataAddons()
    obs = addons.observability
    vdb = addons.vector_db

    def observability(target: MetricsTarget | None, target_depends_on: list[pulumi.Resource]):
        return Observability(
            f"{name}-observability",
            ObservabilityArgs(
                cluster=cluster,
                spec=obs,
                gpu_prices=gpu_prices,
                dcgm_service_monitor=dcgm_monitor_wanted(config, gpu_operator_installed),
                dcgm_exporter_pools=gke_dcgm_exporter_pools(
                    config, contracts or {}, gpu_operator_installed
                ),
                vector_db=target,
                vector_db_depends_on=target_depends_on,
                chart_overrides=overrides,
                labels=config.tags,
            ),
            opts=after,
        )

    # Weaviate/pgvector charts render their own monitor, so they need the CRDs first; the
    # library's Qdrant/Milvus ServiceMonitor instead waits for the vector DB chart.
    chart_monitor = vdb.enabled and obs.enabled and vdb.engine in CHART_MONITORS
    if chart_monitor:
        result.observability = observability(None, [])
    if vdb.enabled:
        result.vector_db = VectorDatabase(
            f"{name}-vectordb",
            VectorDatabaseArgs(
                cluster=cluster,
                spec=vdb,
                region=config.region,
                extra_client_namespaces=[obs.namespace] if obs.enabled else [],
                chart_overrides=overrides,
                snapshot_credentials=snapshot_credentials,
                labels=config.tags,
                metrics=obs.enabled,
                depends_on=[result.observability.chart] if result.observability else [],
            ),
            opts=after,
        )
    if obs.enabled and not chart_monitor:
        target = None
        vector = result.vector_db
        if vector is not None:
            target = vector.metrics_target()
        result.observability = observability(
            target, [vector.chart] if target is not None and vector else []
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
