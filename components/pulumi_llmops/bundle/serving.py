"""How the bundle wires GPU scheduling and model serving: GPU operator, cert-manager, KServe,
models. Everything here can be done by hand with the L2 components.

`plan_serving` is pure and runs inside `prepare`, before anything registers (bad models or
conflicting GPU pools are problems of the one `ConfigError`); `build_serving` creates the
components in order: cert-manager -> KServe CRDs -> controller -> runtimes; GPU operator ->
GPU models; KEDA -> models scaling on vLLM metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from ..addons.cert_manager import CertManager, CertManagerArgs
from ..addons.dra_driver import DraDriver, DraDriverArgs, DraPool, dra_pool
from ..addons.gpu_operator import (
    GpuOperator,
    GpuOperatorArgs,
    GpuSetupError,
    PoolGpuSetup,
    gpu_operator_values,
    mig_strategy,
    operator_needed,
    pool_gpu_setup,
)
from ..addons.keda import Keda, KedaArgs
from ..addons.kserve import KServe, KServeArgs
from ..addons.namespaces import PlatformNamespaces
from ..addons.observability import prometheus_url
from ..catalog.shape import PoolShape
from ..cluster.contracts import GpuPoolContract
from ..cluster.handle import ClusterHandle
from ..config.errors import ConfigError, Problem
from ..config.finetune import resolved_adapters
from ..config.models import FINETUNE_ADAPTER, ModelSpec, kserve_enabled
from ..config.platform import PlatformConfig
from ..config.routing import routed_models
from ..kube import MODELS_NAMESPACE
from ..serving.autoscaling import scale_metrics, uses_keda
from ..serving.benchmark import BenchmarkJob
from ..serving.cache import cached_pools, with_cache_label
from ..serving.gateway import InferenceGateway
from ..serving.models import ModelDeployments, ModelDeploymentsArgs
from ..serving.multinode import model_problems as multi_node_problems
from ..serving.network import model_client_namespaces
from ..serving.sizing import ModelSizing, SizingPlan, cache_size_gib, plan_sizing
from ..versions import chart_pin
from .routing import build_benchmark, build_gateway
from .serving_rules import adopted_pool_problems, hook_problems, kserve_problems


@dataclass(frozen=True)
class ServingPlan:
    """What `plan_serving` decided from the config alone.

    `contracts` are the pools' contracts as serving needs them (cached pools carry the model
    cache agent's node label); `scale_metrics` each model's autoscaling metric (None: fixed
    replicas); `keda` whether the bundle installs KEDA.
    """

    sizing: Mapping[str, ModelSizing]
    gpu_operator: bool
    cert_manager: bool
    kserve: bool
    mig_strategy: str
    setups: tuple[PoolGpuSetup, ...] = ()
    contracts: Mapping[str, GpuPoolContract] = field(default_factory=dict)
    scale_metrics: Mapping[str, str | None] = field(default_factory=dict)
    keda: bool = False
    placement: SizingPlan | None = None
    dra_pools: tuple[DraPool, ...] = ()
    dra_driver: bool = False


@dataclass
class Serving:
    """The serving components the bundle created (None when skipped)."""

    plan: ServingPlan
    gpu_operator: GpuOperator | None = None
    cert_manager: CertManager | None = None
    kserve: KServe | None = None
    keda: Keda | None = None
    models: ModelDeployments | None = None
    dra_driver: DraDriver | None = None
    gateway: InferenceGateway | None = None
    benchmark: BenchmarkJob | None = None


def plan_serving(
    config: PlatformConfig,
    contracts: Mapping[str, GpuPoolContract],
    shapes: Mapping[str, PoolShape],
) -> tuple[ServingPlan, list[Problem]]:
    """Size models and check GPU operator settings: the plan and every problem found."""
    problems: list[Problem] = []
    placement: SizingPlan | None = None
    try:
        placement = plan_sizing(
            config.models,
            contracts,
            shapes,
            throughput=config.catalog.to_overrides().throughput,
        )
        sizing = dict(placement.models)
    except ConfigError as exc:
        problems += exc.problems
        sizing = {}
    spec = config.addons.gpu_operator
    setups = tuple(
        pool_gpu_setup(
            contract, config.node_pools[pool], driver_preinstalled=spec.driver_preinstalled
        )
        for pool, contract in sorted(contracts.items())
    )
    operator = bool(setups or spec.enabled) and operator_needed(spec.enabled, setups)
    if operator:
        try:
            gpu_operator_values(
                config.target,
                setups,
                observability=False,
                mig_parted_config=spec.mig_parted_config,
            )
        except GpuSetupError as exc:
            problems.append(Problem(exc.path, str(exc)))
        problems += hook_problems(
            "addons.gpu_operator.values_overrides", "gpu-operator", spec.values_overrides
        )
    if spec.driver_preinstalled and config.target != "onprem":
        problems.append(
            Problem(
                "addons.gpu_operator.driver_preinstalled",
                "on-prem only; on clouds the "
                "node image or the pool's cloud block decides the driver",
                True,
            )
        )
    for name, sized in sorted(sizing.items()):
        if sized.multi_node:
            problems += multi_node_problems(
                name, config.models[name], config.addons.kserve.deployment_mode
            )
    problems += _cache_problems(config, sizing)
    cached = cached_pools(config.models, sizing)
    problems += adopted_pool_problems(config, cached)
    kserve = config.addons.kserve
    kserve_on = kserve_enabled(kserve.enabled, config.models)
    cert = config.addons.cert_manager.enabled
    cert_on = kserve_on if cert is None else cert
    if cert_on:
        problems += hook_problems(
            "addons.cert_manager.values_overrides",
            "cert-manager",
            config.addons.cert_manager.values_overrides,
        )
    keda_reachable = config.addons.observability.enabled and kserve.deployment_mode == "Standard"
    metrics = scale_metrics(config.models, kserve.deployment_mode, keda_reachable)
    problems += kserve_problems(config, metrics)
    keda_on = kserve.keda.enabled
    if keda_on is None:
        keda_on = kserve_on and any(uses_keda(m) for m in metrics.values())
    dra = tuple(
        dra_pool(contracts[s.pool], s.driver)
        for s in setups
        if config.node_pools[s.pool].allocation == "dra"
    )
    dra_on = bool(dra) and config.addons.dra_driver.enabled is not False
    plan = ServingPlan(
        sizing=sizing,
        gpu_operator=operator,
        cert_manager=cert_on,
        kserve=kserve_on,
        mig_strategy=mig_strategy(setups),
        setups=setups,
        contracts={
            pool: with_cache_label(c) if pool in cached and _patched(config, pool) else c
            for pool, c in sorted(contracts.items())
        },
        scale_metrics=metrics,
        keda=keda_on,
        placement=placement,
        dra_pools=dra,
        dra_driver=dra_on,
    )
    return plan, problems


def _with_run_adapters(config: PlatformConfig) -> dict[str, ModelSpec]:
    """Models whose `lora_adapters` name `finetune://<run>` get that run's output_uri."""
    models = dict(config.models)
    for name, model in models.items():
        if any(uri.startswith(FINETUNE_ADAPTER) for uri in model.lora_adapters.values()):
            adapters = resolved_adapters(dict(model.lora_adapters), dict(config.finetune))
            models[name] = model.model_copy(update={"lora_adapters": adapters})
    return models


def _patched(config: PlatformConfig, pool: str) -> bool:
    """The library applies the pool's contract labels to its nodes (every pool but on-prem
    pools adopted by selector, whose labels are what the nodes already carry)."""
    onprem = config.node_pools[pool].onprem
    return onprem is None or not onprem.node_selector


def _cache_problems(config: PlatformConfig, sizing: Mapping[str, ModelSizing]) -> list[Problem]:
    cache = config.addons.kserve.model_cache
    per_pool: dict[str, int] = {}
    for name, model in config.models.items():
        if model.cache and name in sizing and sizing[name].pool is not None:
            pool = sizing[name].pool
            per_pool[pool] = per_pool.get(pool, 0) + cache_size_gib(sizing[name].estimate)
    return [
        Problem(
            "addons.kserve.model_cache.storage_gib",
            f"cached models on pool {pool} need {need} GiB; the cache holds "
            f"{cache.storage_gib} GiB per node",
            cache.storage_gib,
        )
        for pool, need in sorted(per_pool.items())
        if need > cache.storage_gib
    ]


def build_serving(
    name: str,
    config: PlatformConfig,
    cluster: ClusterHandle,
    plan: ServingPlan,
    contracts: Mapping[str, GpuPoolContract],
    opts: pulumi.ResourceOptions,
    namespaces: PlatformNamespaces | None = None,
    observability: pulumi.Resource | None = None,
    chart_overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> Serving:
    """Create the GPU operator, cert-manager, KServe, KEDA and the models as `plan` says.

    `observability`: the Prometheus stack's chart when installed; the GPU operator then
    enables the DCGM exporter and its ServiceMonitor, and waits for that chart (the
    ServiceMonitor CRD); models scaling on vLLM metrics query its Prometheus.
    `chart_overrides`: where each chart comes from (the plan's; default: the stack's
    `versions.charts` as written).
    """
    overrides = config.versions.as_overrides() if chart_overrides is None else chart_overrides
    addons = config.addons
    serving = Serving(plan)
    if plan.gpu_operator:
        serving.gpu_operator = GpuOperator(
            f"{name}-gpu-operator",
            GpuOperatorArgs(
                cluster=cluster,
                spec=addons.gpu_operator,
                setups=plan.setups,
                observability=observability is not None,
                chart_overrides=overrides,
                depends_on=[observability] if observability is not None else [],
            ),
            opts=opts,
        )
    if plan.dra_driver:
        serving.dra_driver = DraDriver(
            f"{name}-dra-driver",
            DraDriverArgs(
                cluster=cluster,
                spec=addons.dra_driver,
                pools=plan.dra_pools,
                chart_overrides=overrides,
                depends_on=[serving.gpu_operator.chart] if serving.gpu_operator else [],
            ),
            opts=opts,
        )
    if plan.cert_manager:
        serving.cert_manager = CertManager(
            f"{name}-cert-manager",
            CertManagerArgs(cluster=cluster, spec=addons.cert_manager, chart_overrides=overrides),
            opts=opts,
        )
    if not plan.kserve:
        return serving
    cached = cached_pools(config.models, plan.sizing)
    tolerations = {tuple(sorted(t.items())) for p in cached for t in contracts[p].tolerations}
    serving.kserve = KServe(
        f"{name}-kserve",
        KServeArgs(
            cluster=cluster,
            spec=addons.kserve,
            chart_overrides=overrides,
            depends_on=[serving.cert_manager.chart] if serving.cert_manager else [],
            cache_tolerations=[dict(t) for t in sorted(tolerations)],
            runtime_dev_shm=any(s.tensor_parallel > 1 for s in plan.sizing.values()),
        ),
        opts=opts,
    )
    if plan.keda:
        serving.keda = Keda(
            f"{name}-keda",
            KedaArgs(cluster=cluster, spec=addons.kserve.keda, chart_overrides=overrides),
            opts=opts,
        )
    if not config.models:
        return serving
    before: list[pulumi.Resource] = list(serving.kserve.ready)
    if namespaces is not None and MODELS_NAMESPACE in namespaces.namespaces:
        before.insert(0, namespaces.namespaces[MODELS_NAMESPACE])
    obs = addons.observability
    serving.models = ModelDeployments(
        f"{name}-models",
        ModelDeploymentsArgs(
            cluster=cluster,
            pools=contracts,
            models=_with_run_adapters(config),
            sizing=plan.sizing,
            deployment_mode=addons.kserve.deployment_mode,
            mig_strategy=plan.mig_strategy,
            model_cache=addons.kserve.model_cache,
            depends_on=before,
            gpu_depends_on=[serving.gpu_operator.chart] if serving.gpu_operator else [],
            cache_depends_on=serving.kserve.cache_ready,
            keda_depends_on=[serving.keda.chart] if serving.keda else [],
            dra_depends_on=[serving.dra_driver.chart] if serving.dra_driver else [],
            runtime_base=chart_pin("kserve-runtime-configs", overrides).version,
            storage_version=chart_pin("kserve-resources", overrides).version,
            prometheus_url=prometheus_url(obs.namespace)
            if obs.enabled and observability is not None
            else None,
            client_namespaces=model_client_namespaces(
                addons.kserve, obs.namespace if obs.enabled else None
            )
            if addons.kserve.network_policy
            else None,
            labels=config.tags,
            routed=frozenset(routed_models(config.routing, config.models)),
        ),
        opts=opts,
    )
    models_before = [*before, *serving.models.inference_services.values()]
    serving.gateway = build_gateway(
        name, config, cluster, plan, serving, models_before, opts, overrides, observability
    )
    serving.benchmark = build_benchmark(name, config, cluster, serving, models_before, opts)
    return serving
