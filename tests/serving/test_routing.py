"""AI-aware routing (issue 16 item 1) and autoscaling of routed models on inference signals
(item 5): the inferencepool chart values against the pinned chart, every custom resource
against its pinned CRD, built-in objects against the official schema, the gateway class per
target, ordering, and the default (service) registering nothing new."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import yaml

from helpers import (
    chart_defaults,
    manifest_of,
    onprem_platform,
    require_upstream,
    run_platform,
    unknown_values_keys,
    validate_custom_resource,
    validate_manifest,
)
from helpers.cloud_configs import platform as cloud_platform
from helpers.hook_rows import read_rows
from pulumi_llmops.config.routing import GatewayRoutingSpec
from pulumi_llmops.serving.routing import (
    FLOW_CONTROL_CONFIG,
    chart_provider,
    flow_control_config,
    gateway_class,
    inference_pool_values,
)
from pulumi_llmops.versions import CHARTS, MANIFESTS

MODEL = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}
SMALL = {"storage_uri": "hf://Qwen/Qwen2.5-1.5B-Instruct", "params_billion": 1.5}
PROMETHEUS = "http://llmops-prometheus.monitoring.svc.cluster.local:9090"
NS = "llmops-models"
POOL_DEFAULTS = ("inferencepool", "v1.5.0")
CHART = "kubernetes:helm.sh/v4:Chart"
ROUTED = {
    "qwen": {**MODEL, "max_context_tokens": 4096, "min_replicas": 0, "max_replicas": 3},
    "small": {
        **SMALL,
        "routing": "inference-gateway",
        "max_replicas": 2,
        "scale_metric": "kv_cache",
    },
    "plain": {**SMALL, "routing": "service"},
}
ROUTING = {
    "default": "inference-gateway",
    "flow_control": True,
    "objectives": {"interactive": 10, "batch": -5},
}


@functools.cache
def onprem_run() -> Any:
    recording, _ = run_platform(
        onprem_platform(models=ROUTED, routing=ROUTING, addons={"vector_db": {"enabled": False}})
    )
    return recording


@functools.cache
def gke_run() -> Any:
    data = cloud_platform("gke")
    data["models"] = {"qwen": {**ROUTED["qwen"], "min_replicas": 1}}
    data["routing"] = {
        "default": "inference-gateway",
        "gateway": {"proxy_source_ranges": ["10.129.0.0/23"]},
    }
    data["addons"] = {"vector_db": {"enabled": False}}
    recording, _ = run_platform(data)
    return recording


def test_pool_values_exact_and_keys_exist_in_the_pinned_chart() -> None:
    values = inference_pool_values("qwen", "istio", flow_control=True, epp_metrics=True)
    assert values == {
        "inferenceExtension": {
            "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "8Gi"}},
            "pluginsConfigFile": FLOW_CONTROL_CONFIG,
            "pluginsCustomConfig": {FLOW_CONTROL_CONFIG: flow_control_config()},
            "monitoring": {"prometheus": {"enabled": True}},
        },
        "inferencePool": {
            "modelServerType": "vllm",
            "modelServers": {"matchLabels": {"serving.kserve.io/inferenceservice": "qwen"}},
            "targetPorts": [{"number": 8080}],
        },
        "provider": {"name": "istio"},
    }
    assert CHARTS["inferencepool"].version == POOL_DEFAULTS[1]
    defaults = chart_defaults(*POOL_DEFAULTS)
    # Two keys are documented in the pinned values.yaml only as commented blocks (the
    # required `# modelServers: # REQUIRED` with `matchLabels`, and `# pluginsCustomConfig:`);
    # every other key must exist as a default.
    text = (require_upstream() / "charts/inferencepool/v1.5.0/values.yaml").read_text()
    assert "  # modelServers: # REQUIRED\n  #   matchLabels:" in text
    assert "  # pluginsCustomConfig:" in text
    assert unknown_values_keys(values, defaults) == [
        "inferenceExtension.pluginsCustomConfig",
        "inferencePool.modelServers",
    ]


def test_flow_control_config_turns_the_feature_gate_on() -> None:
    config = yaml.safe_load(flow_control_config())
    assert config["kind"] == "EndpointPickerConfig"
    assert config["featureGates"] == ["flowControl"]
    refs = [p["pluginRef"] for p in config["schedulingProfiles"][0]["plugins"]]
    assert refs == [p["type"] for p in config["plugins"]]


def test_the_pinned_chart_has_no_helm_hooks() -> None:
    """helm.v4.Chart drops hooks; the inferencepool chart at the pin has none to lose."""
    hook_rows = read_rows(require_upstream() / "helm-hooks.tsv")
    assert len(hook_rows) > 50  # the table was read
    assert [r for r in hook_rows if r.chart in ("inferencepool", "epplib")] == []


@pytest.mark.parametrize(
    ("target", "gateway", "expected", "provider"),
    [
        ("gke", {}, "gke-l7-rilb", "gke"),
        (
            "gke",
            {"exposure": "external", "external_acknowledged": True},
            "gke-l7-regional-external-managed",
            "gke",
        ),
        ("eks", {}, "istio", "istio"),
        ("aks", {}, "istio", "istio"),
        ("onprem", {}, "istio", "istio"),
        ("onprem", {"class_name": "kgateway"}, "kgateway", "none"),
    ],
)
def test_gateway_class_per_target(target, gateway, expected, provider) -> None:
    cls = gateway_class(target, GatewayRoutingSpec.model_validate(gateway))
    assert (cls, chart_provider(cls)) == (expected, provider)


def test_onprem_routed_models_register_pool_route_objectives_and_scalers() -> None:
    recording = onprem_run()
    names = sorted(r.name for r in recording if r.name.startswith("lab-inference-gateway"))
    assert names == [
        "lab-inference-gateway",
        "lab-inference-gateway-gateway",
        "lab-inference-gateway-gateway-api-crds",
        "lab-inference-gateway-inference-crds",
        "lab-inference-gateway-qwen-batch",
        "lab-inference-gateway-qwen-interactive",
        "lab-inference-gateway-qwen-pool",
        "lab-inference-gateway-qwen-route",
        "lab-inference-gateway-qwen-scaler",
        "lab-inference-gateway-small-batch",
        "lab-inference-gateway-small-interactive",
        "lab-inference-gateway-small-pool",
        "lab-inference-gateway-small-route",
        "lab-inference-gateway-small-scaler",
    ]
    crds = recording.named("lab-inference-gateway-inference-crds")
    assert crds.inputs["file"] == MANIFESTS["inference-extension-crds"]
    assert "v1.5.0" in crds.inputs["file"]
    assert (
        recording.named("lab-inference-gateway-gateway-api-crds").inputs["file"]
        == (MANIFESTS["gateway-api-crds"])
    )
    pool = recording.named("lab-inference-gateway-qwen-pool").inputs
    assert pool["chart"] == CHARTS["inferencepool"].chart
    assert pool["version"] == "v1.5.0"
    assert pool["name"] == "qwen-pool"
    assert pool["namespace"] == NS
    assert pool["values"]["provider"] == {"name": "istio"}
    assert pool["values"]["inferenceExtension"]["monitoring"] == {"prometheus": {"enabled": True}}
    # min 1: no scale from zero, so the EPP needs no ServiceMonitor.
    small = recording.named("lab-inference-gateway-small-pool").inputs["values"]
    assert "monitoring" not in small["inferenceExtension"]


def test_every_gateway_object_validates_against_the_pinned_crds() -> None:
    recording = onprem_run()
    kinds = {}
    for resource in recording:
        if resource.name.startswith("lab-inference-gateway-") and resource.type.startswith(
            "kubernetes:apiextensions.k8s.io/v1:CustomResource"
        ):
            raise AssertionError(resource.type)
        if resource.name.startswith("lab-inference-gateway-") and resource.custom:
            manifest = manifest_of(resource)
            if resource.type.endswith(":NetworkPolicy"):
                validate_manifest(manifest)
            else:
                validate_custom_resource(manifest)
            kinds[manifest["kind"]] = kinds.get(manifest["kind"], 0) + 1
    assert kinds == {"Gateway": 1, "HTTPRoute": 2, "InferenceObjective": 4, "ScaledObject": 2}


def test_gateway_route_and_objective_exact() -> None:
    recording = onprem_run()
    gateway = manifest_of(recording.named("lab-inference-gateway-gateway"))
    assert gateway["spec"] == {
        "gatewayClassName": "istio",
        "listeners": [
            {
                "name": "http",
                "protocol": "HTTP",
                "port": 80,
                "allowedRoutes": {"namespaces": {"from": "Same"}},
            }
        ],
        "infrastructure": {"annotations": {"networking.istio.io/service-type": "ClusterIP"}},
    }
    assert gateway["metadata"]["namespace"] == NS
    route = manifest_of(recording.named("lab-inference-gateway-qwen-route"))
    assert route["spec"] == {
        "parentRefs": [{"name": "llmops-inference-gateway"}],
        "rules": [
            {
                "matches": [{"path": {"type": "PathPrefix", "value": "/qwen"}}],
                "filters": [
                    {
                        "type": "URLRewrite",
                        "urlRewrite": {
                            "path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}
                        },
                    }
                ],
                "backendRefs": [
                    {
                        "group": "inference.networking.k8s.io",
                        "kind": "InferencePool",
                        "name": "qwen-pool",
                    }
                ],
                "timeouts": {"request": "300s"},
            }
        ],
    }
    objective = manifest_of(recording.named("lab-inference-gateway-qwen-batch"))
    assert objective["metadata"]["name"] == "qwen-batch"
    assert objective["spec"] == {
        "priority": -5,
        "poolRef": {
            "group": "inference.networking.k8s.io",
            "kind": "InferencePool",
            "name": "qwen-pool",
        },
    }


def test_routed_models_scale_through_their_own_scaled_object() -> None:
    recording = onprem_run()
    isvc = manifest_of(recording.named("lab-models-qwen"))
    # KServe must not make its own HPA or ScaledObject for a model the gateway scales.
    assert isvc["metadata"]["annotations"]["serving.kserve.io/autoscalerClass"] == "none"
    assert isvc["spec"]["predictor"]["minReplicas"] == 0
    assert "autoScaling" not in isvc["spec"]["predictor"]
    validate_custom_resource(isvc)
    plain = manifest_of(recording.named("lab-models-plain"))
    assert plain["metadata"]["annotations"]["serving.kserve.io/autoscalerClass"] == "none"
    scaler = manifest_of(recording.named("lab-inference-gateway-qwen-scaler"))
    assert scaler["spec"] == {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "qwen-predictor"},
        "minReplicaCount": 0,
        "maxReplicaCount": 3,
        "pollingInterval": 15,
        "cooldownPeriod": 300,
        "triggers": [
            {
                "type": "prometheus",
                "name": "vllm-queue",
                "metadata": {
                    "serverAddress": PROMETHEUS,
                    "query": 'sum(vllm:num_requests_waiting{namespace="llmops-models",model_name="qwen"})',
                    "threshold": "5",
                },
            },
            {
                "type": "prometheus",
                "name": "epp-queue",
                "metadata": {
                    "serverAddress": PROMETHEUS,
                    "query": "sum(inference_extension_flow_control_queue_size"
                    '{namespace="llmops-models",inference_pool="qwen-pool"})',
                    "threshold": "1",
                    "activationThreshold": "0",
                },
            },
        ],
    }
    small = manifest_of(recording.named("lab-inference-gateway-small-scaler"))["spec"]
    assert [t["name"] for t in small["triggers"]] == ["vllm-kv-cache"]
    assert small["triggers"][0]["metadata"]["threshold"] == "0.8"
    assert small["minReplicaCount"] == 1


def test_ordering_crds_gateway_pool_route_and_keda() -> None:
    recording = onprem_run()
    urn = {r.name: r.urn for r in recording}
    deps = {r.name: set(r.dependencies) for r in recording}
    assert {urn["lab-inference-gateway-inference-crds"], urn["lab-models-qwen"]} <= deps[
        "lab-inference-gateway-gateway"
    ]
    assert {urn["lab-inference-gateway-gateway-api-crds"], urn["lab-models-qwen"]} <= deps[
        "lab-inference-gateway-qwen-pool"
    ]
    assert {urn["lab-inference-gateway-gateway"], urn["lab-inference-gateway-qwen-pool"]} <= deps[
        "lab-inference-gateway-qwen-route"
    ]
    assert {urn["lab-keda-chart"], urn["lab-inference-gateway-qwen-pool"]} <= deps[
        "lab-inference-gateway-qwen-scaler"
    ]
    # The qwen pool renders the EPP's ServiceMonitor: after the observability chart (its CRD).
    observability = urn["lab-observability-kube-prometheus-stack"]
    assert observability in deps["lab-inference-gateway-qwen-pool"]
    assert observability not in deps["lab-inference-gateway-small-pool"]


def test_internal_istio_gateway_needs_no_extra_network_policy() -> None:
    recording = onprem_run()
    assert "lab-inference-gateway-network-policy" not in recording.names()
    # The models policy (same namespace: the gateway and EPP pods) still guards the models.
    assert "lab-models-network-policy" in recording.names()


def test_gke_uses_the_managed_internal_class_and_admits_the_proxy_subnet() -> None:
    recording = gke_run()
    gateway = manifest_of(recording.named("ml-inference-gateway-gateway"))
    assert gateway["spec"]["gatewayClassName"] == "gke-l7-rilb"
    assert "infrastructure" not in gateway["spec"]
    # GKE manages the Gateway API CRDs; only the inference extension's are installed.
    assert "ml-inference-gateway-gateway-api-crds" not in recording.names()
    assert "ml-inference-gateway-inference-crds" in recording.names()
    pool = recording.named("ml-inference-gateway-qwen-pool").inputs["values"]
    assert pool["provider"] == {"name": "gke"}
    assert "pluginsConfigFile" not in pool["inferenceExtension"]  # flow control off
    policy = manifest_of(recording.named("ml-inference-gateway-network-policy"))
    validate_manifest(policy)
    assert policy["spec"] == {
        "podSelector": {},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"ipBlock": {"cidr": "10.129.0.0/23"}}]}],
    }
    cluster = recording.named("ml-cluster-gke").inputs
    assert cluster["gatewayApiConfig"] == {"channel": "CHANNEL_STANDARD"}


def test_default_routing_registers_no_gateway_and_leaves_gke_gateway_api_off() -> None:
    data = cloud_platform("gke")
    data["addons"] = {"vector_db": {"enabled": False}}
    data["models"] = {"qwen": {**MODEL, "max_context_tokens": 4096}}
    recording, _ = run_platform(data)
    assert recording.of_type("llmops:serving:InferenceGateway") == []
    assert "gatewayApiConfig" not in recording.named("ml-cluster-gke").inputs
    assert [r.type for r in recording if r.type == CHART and "pool" in r.name] == []


def test_epp_values_overrides_win_over_the_rendered_values() -> None:
    recording, _ = run_platform(
        onprem_platform(
            models={"qwen": {**MODEL, "max_context_tokens": 4096, "routing": "inference-gateway"}},
            routing={
                "epp_values_overrides": {
                    "inferenceExtension": {"resources": {"requests": {"cpu": "4"}}, "replicas": 2}
                }
            },
            addons={"vector_db": {"enabled": False}},
        )
    )
    values = recording.named("lab-inference-gateway-qwen-pool").inputs["values"]
    assert values["inferenceExtension"]["resources"] == {
        "requests": {"cpu": "4", "memory": "2Gi"},
        "limits": {"memory": "8Gi"},
    }
    assert values["inferenceExtension"]["replicas"] == 2.0
    assert values["provider"] == {"name": "istio"}
