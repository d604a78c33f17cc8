"""`prepare`: everything the bundle decides from the stack config, before anything registers.

One pure function (no Pulumi calls): each pool's shape and scheduling contract (computed
once, then handed to the pool components, serving, the GPU operator and observability),
model sizing, the GPU operator and KServe decisions, GPU prices for the cost dashboard, and
every cross-cutting rule. Bad input fails here with one `ConfigError` listing every problem,
so `LlmOpsPlatform` never half-registers a platform.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pulumi

from ..addons.observability.cost import gpu_hourly_prices
from ..addons.vector_db import SnapshotCredentials
from ..catalog.gpus import CatalogError
from ..catalog.shape import PoolShape, resolve_pool
from ..cluster.contracts import GpuPoolContract, pool_contract
from ..config.errors import ConfigError, Problem
from ..config.platform import PlatformConfig
from ..targets import catalog_cloud
from .charts import chart_overrides, charts_installed
from .data import data_addon_problems, snapshot_credentials_needed
from .serving import ServingPlan, plan_serving


@dataclass(frozen=True, kw_only=True)
class PlatformWiring:
    """What the stack config cannot hold: secret values the program reads from Pulumi config.

    `kubeconfig`: the kubeconfig contents when `cluster.kubeconfig.secret_config_key` is used
    (pass the secret Output). `snapshot_credentials`: the object-store keys when
    `addons.vector_db.snapshots.credentials` names config keys. `project_root`: where
    relative local chart paths start (`pulumi.get_root_directory()`; default: the working
    directory).
    """

    kubeconfig: pulumi.Input[str] | None = None
    snapshot_credentials: SnapshotCredentials | None = None
    project_root: str | None = None


@dataclass(frozen=True)
class PlatformPlan:
    """What the bundle will build, decided before registration.

    `shapes` and `contracts` are keyed by pool; `kubeconfig` is the on-prem kubeconfig
    source (contents or a path; None for clouds and for a context-only kubeconfig);
    `chart_overrides` the resolved source of every chart (`versions.chart_pin` applies it);
    `charts` the pin keys of the charts this platform installs.
    """

    config: PlatformConfig
    shapes: Mapping[str, PoolShape]
    contracts: Mapping[str, GpuPoolContract]
    serving: ServingPlan
    gpu_prices: Mapping[str, float]
    kubeconfig: pulumi.Input[str] | None = None
    snapshot_credentials: SnapshotCredentials | None = None
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    charts: tuple[str, ...] = ()


def prepare(config: PlatformConfig, wiring: PlatformWiring | None = None) -> PlatformPlan:
    """The plan of one platform; raise one `ConfigError` naming every problem by YAML path."""
    wiring = wiring or PlatformWiring()
    problems: list[Problem] = []
    overrides = config.catalog.to_overrides()
    cloud = catalog_cloud(config.target)
    shapes: dict[str, PoolShape] = {}
    for pool, spec in sorted(config.node_pools.items()):
        try:
            shapes[pool] = resolve_pool(
                cloud, spec.machine_type, spec.declared_gpu, config.region, overrides
            )
        except CatalogError as exc:
            problems.append(Problem(f"node_pools.{pool}.machine_type", str(exc), spec.machine_type))
    contracts = {
        pool: pool_contract(config.target, pool, config.node_pools[pool], shape)
        for pool, shape in shapes.items()
    }
    serving, serving_problems = plan_serving(config, contracts, shapes)
    problems += serving_problems
    problems += data_addon_problems(config)
    problems += _wiring_problems(config, wiring)
    charts = charts_installed(config, serving)
    root = Path(wiring.project_root or os.getcwd())
    overrides_by_chart, chart_problems = chart_overrides(config, charts, root)
    problems += chart_problems
    if problems:
        raise ConfigError(problems, "llmops:platform")
    return PlatformPlan(
        config=config,
        shapes=shapes,
        # Serving's view of each contract: cached pools also carry the cache agent's label.
        contracts=serving.contracts,
        serving=serving,
        gpu_prices=gpu_hourly_prices(
            shapes.values(), config.addons.observability.cost.gpu_usd_per_hour, overrides
        ),
        kubeconfig=_kubeconfig_source(config, wiring),
        snapshot_credentials=wiring.snapshot_credentials,
        chart_overrides=overrides_by_chart,
        charts=tuple(charts),
    )


def _wiring_problems(config: PlatformConfig, wiring: PlatformWiring) -> list[Problem]:
    """Secret config the spec names but the program did not pass."""
    problems = []
    kubeconfig = config.cluster.kubeconfig
    if kubeconfig is not None and kubeconfig.secret_config_key and wiring.kubeconfig is None:
        problems.append(
            Problem(
                "cluster.kubeconfig.secret_config_key",
                "set, but LlmOpsPlatformArgs.kubeconfig was not given; "
                f"pass pulumi.Config('llmops').require_secret({kubeconfig.secret_config_key!r})",
                kubeconfig.secret_config_key,
            )
        )
    if snapshot_credentials_needed(config) and wiring.snapshot_credentials is None:
        problems.append(
            Problem(
                "addons.vector_db.snapshots.credentials",
                "names secret config keys, but LlmOpsPlatformArgs.snapshot_credentials was "
                "not given; pass SnapshotCredentials(...) read with pulumi.Config('llmops')"
                ".require_secret(...), or set credentials.existing_secret",
            )
        )
    return problems


def _kubeconfig_source(config: PlatformConfig, wiring: PlatformWiring) -> pulumi.Input[str] | None:
    spec = config.cluster.kubeconfig
    if spec is None:
        return None
    return wiring.kubeconfig if spec.secret_config_key else spec.path
