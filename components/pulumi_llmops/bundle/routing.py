"""How the bundle wires the inference gateway (routed models) and the benchmark Job, after
the models. Everything here can be done by hand with `InferenceGateway` and `BenchmarkJob`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pulumi

from ..addons.observability import prometheus_url
from ..cluster.handle import ClusterHandle
from ..config.platform import PlatformConfig
from ..config.routing import routed_models
from ..kube import MODELS_NAMESPACE
from ..serving.benchmark import BenchmarkJob, BenchmarkJobArgs, benchmark_url
from ..serving.gateway import InferenceGateway, InferenceGatewayArgs
from ..serving.routing import gateway_class

if TYPE_CHECKING:
    from .serving import Serving, ServingPlan


def build_gateway(
    name: str,
    config: PlatformConfig,
    cluster: ClusterHandle,
    plan: ServingPlan,
    serving: Serving,
    before: Sequence[pulumi.Resource],
    opts: pulumi.ResourceOptions,
    chart_overrides: Mapping[str, Mapping[str, str]],
    observability: pulumi.Resource | None = None,
) -> InferenceGateway | None:
    """The `InferenceGateway` of the routed models, or None when no model is routed."""
    routed = routed_models(config.routing, config.models)
    if not routed:
        return None
    obs = config.addons.observability
    return InferenceGateway(
        f"{name}-inference-gateway",
        InferenceGatewayArgs(
            cluster=cluster,
            target=config.target,
            models={m: config.models[m] for m in routed},
            routing=config.routing,
            scale_metrics={m: plan.scale_metrics.get(m) for m in routed},
            prometheus_url=prometheus_url(obs.namespace)
            if obs.enabled and observability is not None
            else None,
            network_policy=config.addons.kserve.network_policy,
            chart_overrides=chart_overrides,
            depends_on=list(before),
            keda_depends_on=[serving.keda.chart] if serving.keda else [],
            metrics_depends_on=[observability] if observability is not None else [],
            labels=config.tags,
        ),
        opts=opts,
    )


def build_benchmark(
    name: str,
    config: PlatformConfig,
    cluster: ClusterHandle,
    serving: Serving,
    before: Sequence[pulumi.Resource],
    opts: pulumi.ResourceOptions,
) -> BenchmarkJob | None:
    """The `BenchmarkJob` of `config.benchmark`, after its model (and its route)."""
    spec = config.benchmark
    if spec is None:
        return None
    routed = spec.model in routed_models(config.routing, config.models)
    gateway = config.routing.gateway
    url = spec.base_url or benchmark_url(
        spec.model,
        MODELS_NAMESPACE,
        routed=routed,
        class_name=gateway_class(config.target, gateway) if routed else None,
        gateway_port=gateway.port,
    )
    after = list(before)
    if serving.gateway is not None and spec.model in serving.gateway.routes:
        after.append(serving.gateway.routes[spec.model])
    return BenchmarkJob(
        f"{name}-benchmark",
        BenchmarkJobArgs(
            cluster=cluster,
            spec=spec,
            model=config.models[spec.model],
            base_url=url,
            depends_on=after,
            labels=config.tags,
        ),
        opts=opts,
    )
