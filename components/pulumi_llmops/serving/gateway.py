"""`InferenceGateway`: AI-aware routing for the models that choose it (Gateway API Inference
Extension), and their autoscaling on inference signals.

Upstream: https://gateway-api-inference-extension.sigs.k8s.io/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from ..cluster.handle import ClusterHandle
from ..config.models import ModelSpec
from ..config.routing import RoutingSpec
from ..kube import MANAGED_BY, MODELS_NAMESPACE, custom_resource, deep_merge, helm_chart
from ..versions import MANIFESTS, chart_pin
from .autoscaling import uses_keda
from .routed_scaling import scaled_object
from .routing import (
    chart_provider,
    gateway,
    gateway_class,
    gateway_network_policy,
    http_route,
    inference_objective,
    inference_pool_values,
    pool_name,
)


@dataclass(frozen=True, kw_only=True)
class InferenceGatewayArgs:
    """Wiring: the cluster and its target, the routed models (name -> spec) with their
    scale metrics (`serving.autoscaling.scale_metric`), the routing spec, and what must exist
    first: `depends_on` (the models' InferenceServices, the models namespace),
    `keda_depends_on` (the KEDA chart). `prometheus_url`: where the ScaledObjects read vLLM
    and EPP metrics (None: no inference-signal autoscaling). `network_policy`: add the
    gateway's own NetworkPolicy where the models NetworkPolicy would block it."""

    cluster: ClusterHandle
    target: str
    models: Mapping[str, ModelSpec]
    routing: RoutingSpec = field(default_factory=RoutingSpec)
    scale_metrics: Mapping[str, str | None] = field(default_factory=dict)
    namespace: str = MODELS_NAMESPACE
    prometheus_url: str | None = None
    network_policy: bool = True
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()
    keda_depends_on: Sequence[pulumi.Resource] = ()
    metrics_depends_on: Sequence[pulumi.Resource] = ()
    """Waited for by the pools whose chart renders the EPP's ServiceMonitor (the
    observability chart, which brings its CRD)."""
    labels: Mapping[str, str] = field(default_factory=dict)


class InferenceGateway(pulumi.ComponentResource):
    """The inference gateway of the routed models.

    Creates: the Gateway API Inference Extension CRDs (`<name>-inference-crds`, from the
    pinned release manifest) and, except on GKE, the Gateway API standard CRDs
    (`<name>-gateway-api-crds`), unless `routing.install_crds` is false; the Gateway
    `<name>-gateway` (class per target); per routed model the inferencepool chart
    `<name>-<model>-pool` (release `<model>-pool`: the InferencePool and its endpoint
    picker), the HTTPRoute `<name>-<model>-route`, an InferenceObjective
    `<name>-<model>-<objective>` per `routing.objectives` entry, and for models scaling on
    queue or kv_cache a KEDA ScaledObject `<name>-<model>-scaler`; the NetworkPolicy
    `<name>-network-policy` where the gateway's traffic does not come from a namespace.
    Does not create: the InferenceServices (`ModelDeployments`), the gateway implementation
    (GKE's managed controller, or Istio), KEDA, authentication.
    """

    def __init__(
        self, name: str, args: InferenceGatewayArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:serving:InferenceGateway", name, None, opts)
        provider = args.cluster.provider
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        routing = args.routing
        labels = {**MANAGED_BY, **args.labels}
        ns = args.namespace
        self.crds: list[pulumi.Resource] = []
        if routing.install_crds:
            if args.target != "gke":
                self.crds.append(
                    k8s.yaml.v2.ConfigFile(
                        f"{name}-gateway-api-crds", file=MANIFESTS["gateway-api-crds"], opts=child
                    )
                )
            self.crds.append(
                k8s.yaml.v2.ConfigFile(
                    f"{name}-inference-crds",
                    file=MANIFESTS["inference-extension-crds"],
                    opts=child,
                )
            )
        self.class_name = gateway_class(args.target, routing.gateway)
        self.gateway = custom_resource(
            f"{name}-gateway",
            gateway(ns, self.class_name, routing.gateway, labels),
            child,
            [*self.crds, *args.depends_on],
        )
        self.pools: dict[str, k8s.helm.v4.Chart] = {}
        self.routes: dict[str, k8s.apiextensions.CustomResource] = {}
        self.objectives: dict[str, k8s.apiextensions.CustomResource] = {}
        self.scalers: dict[str, k8s.apiextensions.CustomResource] = {}
        pin = chart_pin("inferencepool", args.chart_overrides)
        for model, spec in sorted(args.models.items()):
            metric = args.scale_metrics.get(model)
            keda = uses_keda(metric) and args.prometheus_url is not None
            epp_metrics = keda and spec.min_replicas == 0
            values = inference_pool_values(
                model,
                chart_provider(self.class_name),
                flow_control=routing.flow_control,
                epp_metrics=epp_metrics,
            )
            metrics_after = list(args.metrics_depends_on) if epp_metrics else []
            self.pools[model] = helm_chart(
                f"{name}-{model}-pool",
                pin,
                provider=provider,
                namespace=ns,
                values=deep_merge(values, routing.epp_values_overrides),
                parent=self,
                depends_on=[*self.crds, *args.depends_on, *metrics_after],
                release_name=pool_name(model),
            )
            after = [self.gateway, self.pools[model]]
            self.routes[model] = custom_resource(
                f"{name}-{model}-route", http_route(model, ns, labels), child, after
            )
            for objective, priority in sorted(routing.objectives.items()):
                self.objectives[f"{model}-{objective}"] = custom_resource(
                    f"{name}-{model}-{objective}",
                    inference_objective(model, objective, priority, ns, labels),
                    child,
                    [self.pools[model]],
                )
            if keda:
                assert metric is not None and args.prometheus_url is not None
                self.scalers[model] = custom_resource(
                    f"{name}-{model}-scaler",
                    scaled_object(model, ns, spec, metric, args.prometheus_url, labels),
                    child,
                    [*args.depends_on, *args.keda_depends_on, self.pools[model]],
                )
        self.network_policy: k8s.networking.v1.NetworkPolicy | None = None
        policy = gateway_network_policy(ns, args.target, self.class_name, routing.gateway, labels)
        if args.network_policy and policy is not None:
            self.network_policy = k8s.networking.v1.NetworkPolicy(
                f"{name}-network-policy",
                metadata=policy["metadata"],
                spec=policy["spec"],
                opts=pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(depends_on=list(args.depends_on))
                ),
            )
        self.register_outputs({"gateway_class": self.class_name, "models": sorted(self.pools)})
