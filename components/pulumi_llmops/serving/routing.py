"""Pure builders of the inference gateway's objects: the inferencepool chart values, the
Gateway, one HTTPRoute and the InferenceObjectives per routed model, the gateway
NetworkPolicy. Plain dicts, no Pulumi.

A routed model keeps its KServe InferenceService (Standard mode: a plain Deployment); the
InferencePool selects its replicas by KServe's pod label and its endpoint picker (EPP)
chooses, per request, the replica with the shortest queue, free KV cache and the longest
cached prefix. Requests reach a model at `http://<gateway>/<model>/v1/...` (the route strips
the `/<model>` prefix).
Upstream: https://gateway-api-inference-extension.sigs.k8s.io/guides/
Chart values: config/charts/inferencepool/values.yaml at v1.5.0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from ..config.routing import GatewayRoutingSpec

GATEWAY_API = "gateway.networking.k8s.io/v1"
POOL_GROUP = "inference.networking.k8s.io"
OBJECTIVE_API = "inference.networking.x-k8s.io/v1alpha2"
"""The InferenceObjective the pinned EPP (v1.5.0) reads (its own CRD at that tag)."""
ISVC_POD_LABEL = "serving.kserve.io/inferenceservice"
"""KServe puts it on every predictor pod, valued with the InferenceService name."""
MODEL_PORT = 8080
"""KServe's Hugging Face runtime (vLLM backend) listens here."""
GATEWAY_NAME = "llmops-inference-gateway"
GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"
"""Istio labels the gateway pods it deploys for a Gateway with the Gateway's name."""
ISTIO_SERVICE_TYPE = "networking.istio.io/service-type"
GATEWAY_POLICY_NAME = "llmops-models-allow-gateway"
FLOW_CONTROL_CONFIG = "llmops-flow-control.yaml"
REQUEST_TIMEOUT = "300s"
"""Long generations: the chart's own HTTPRoute default."""
GKE_CLASSES = {"internal": "gke-l7-rilb", "external": "gke-l7-regional-external-managed"}
"""GKE's managed Gateway classes that support InferencePool backends (regional internal and
regional external Application Load Balancers)."""
IN_CLUSTER_CLASS = "istio"
EPP_RESOURCES = {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "8Gi"}}
"""Below the chart's high-QPS sizing (4 CPU, 8Gi): one endpoint picker per model of a
platform that starts small; raise it with routing.epp_values_overrides."""


def pool_name(model: str) -> str:
    """The InferencePool (and the inferencepool release) of a routed model."""
    return f"{model}-pool"


def predictor_deployment(model: str) -> str:
    """The Deployment KServe's Standard mode creates for an InferenceService."""
    return f"{model}-predictor"


def gateway_class(target: str, gateway: GatewayRoutingSpec) -> str:
    """The GatewayClass: configured, else GKE's managed class or Istio's."""
    if gateway.class_name is not None:
        return gateway.class_name
    return GKE_CLASSES[gateway.exposure] if target == "gke" else IN_CLUSTER_CLASS


def chart_provider(class_name: str) -> str:
    """The inferencepool chart's `provider.name` for a GatewayClass: gke (HealthCheckPolicy
    and GCPBackendPolicy for the pool), istio (a DestinationRule for the EPP), else none."""
    if class_name.startswith("gke-"):
        return "gke"
    return "istio" if class_name == IN_CLUSTER_CLASS else "none"


def flow_control_config() -> str:
    """An EndpointPickerConfig: the default v1.5.0 scorers plus the flowControl gate."""
    config = {
        "apiVersion": "inference.networking.x-k8s.io/v1alpha1",
        "kind": "EndpointPickerConfig",
        "featureGates": ["flowControl"],
        "plugins": [
            {"type": "queue-scorer"},
            {"type": "kv-cache-utilization-scorer"},
            {"type": "prefix-cache-scorer"},
        ],
        "schedulingProfiles": [
            {
                "name": "default",
                "plugins": [
                    {"pluginRef": "queue-scorer", "weight": 2},
                    {"pluginRef": "kv-cache-utilization-scorer", "weight": 2},
                    {"pluginRef": "prefix-cache-scorer", "weight": 3},
                ],
            }
        ],
    }
    return yaml.safe_dump(config, sort_keys=True)


def inference_pool_values(
    model: str, provider: str, *, flow_control: bool, epp_metrics: bool
) -> dict[str, Any]:
    """Values of the inferencepool chart for one model: the pool selects the model's
    KServe pods on vLLM's port; the EPP scrapes their vLLM metrics. `epp_metrics` adds the
    EPP's ServiceMonitor (its queue is the scale-from-zero signal)."""
    extension: dict[str, Any] = {"resources": EPP_RESOURCES}
    if flow_control:
        extension["pluginsConfigFile"] = FLOW_CONTROL_CONFIG
        extension["pluginsCustomConfig"] = {FLOW_CONTROL_CONFIG: flow_control_config()}
    if epp_metrics:
        extension["monitoring"] = {"prometheus": {"enabled": True}}
    return {
        "inferenceExtension": extension,
        "inferencePool": {
            "modelServerType": "vllm",
            "modelServers": {"matchLabels": {ISVC_POD_LABEL: model}},
            "targetPorts": [{"number": MODEL_PORT}],
        },
        "provider": {"name": provider},
    }


def gateway(
    namespace: str,
    class_name: str,
    spec: GatewayRoutingSpec,
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The Gateway: one HTTP listener admitting routes of its own namespace. With Istio an
    internal gateway gets a ClusterIP Service (no load balancer at all)."""
    body: dict[str, Any] = {
        "gatewayClassName": class_name,
        "listeners": [
            {
                "name": "http",
                "protocol": "HTTP",
                "port": spec.port,
                "allowedRoutes": {"namespaces": {"from": "Same"}},
            }
        ],
    }
    if class_name == IN_CLUSTER_CLASS:
        service_type = "ClusterIP" if spec.exposure == "internal" else "LoadBalancer"
        body["infrastructure"] = {"annotations": {ISTIO_SERVICE_TYPE: service_type}}
    return {
        "apiVersion": GATEWAY_API,
        "kind": "Gateway",
        "metadata": {"name": GATEWAY_NAME, "namespace": namespace, "labels": dict(labels)},
        "spec": body,
    }


def http_route(model: str, namespace: str, labels: Mapping[str, str]) -> dict[str, Any]:
    """`/<model>/...` on the Gateway -> the model's InferencePool, prefix stripped."""
    return {
        "apiVersion": GATEWAY_API,
        "kind": "HTTPRoute",
        "metadata": {"name": f"{model}-route", "namespace": namespace, "labels": dict(labels)},
        "spec": {
            "parentRefs": [{"name": GATEWAY_NAME}],
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": f"/{model}"}}],
                    "filters": [
                        {
                            "type": "URLRewrite",
                            "urlRewrite": {
                                "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}
                            },
                        }
                    ],
                    "backendRefs": [
                        {"group": POOL_GROUP, "kind": "InferencePool", "name": pool_name(model)}
                    ],
                    "timeouts": {"request": REQUEST_TIMEOUT},
                }
            ],
        },
    }


def objective_name(model: str, objective: str) -> str:
    return f"{model}-{objective}"


def inference_objective(
    model: str, objective: str, priority: int, namespace: str, labels: Mapping[str, str]
) -> dict[str, Any]:
    """An InferenceObjective of the model's pool: requests naming it (header
    `x-gateway-inference-objective`) get `priority` in the EPP's queue."""
    return {
        "apiVersion": OBJECTIVE_API,
        "kind": "InferenceObjective",
        "metadata": {
            "name": objective_name(model, objective),
            "namespace": namespace,
            "labels": dict(labels),
        },
        "spec": {
            "priority": priority,
            "poolRef": {"group": POOL_GROUP, "kind": "InferencePool", "name": pool_name(model)},
        },
    }


def gateway_network_policy(
    namespace: str,
    target: str,
    class_name: str,
    spec: GatewayRoutingSpec,
    labels: Mapping[str, str],
) -> dict[str, Any] | None:
    """The extra ingress the gateway needs beyond the models NetworkPolicy (policies add
    up), or None: on GKE the managed load balancer's proxy-only subnet to the model and EPP
    pods; with Istio and external exposure, any source to the gateway pods only."""
    sources: Sequence[str]
    if target == "gke" and class_name.startswith("gke-"):
        sources, selector = spec.proxy_source_ranges, {}
    elif class_name == IN_CLUSTER_CLASS and spec.exposure == "external":
        sources, selector = ["0.0.0.0/0"], {"matchLabels": {GATEWAY_NAME_LABEL: GATEWAY_NAME}}
    else:
        return None
    if not sources:
        return None
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": GATEWAY_POLICY_NAME, "namespace": namespace, "labels": dict(labels)},
        "spec": {
            "podSelector": selector,
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"ipBlock": {"cidr": c}} for c in sorted(sources)]}],
        },
    }
