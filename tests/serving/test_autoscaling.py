"""Autoscaling on vLLM's own signals through KEDA: the metric per model, the exact KServe
fields (validated against the pinned InferenceService CRD), KEDA as an add-on, ordering."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import (
    chart_defaults,
    manifest_of,
    onprem_platform,
    run_platform,
    unknown_values_keys,
    validate_custom_resource,
    validate_manifest,
)
from pulumi_llmops.addons.keda import keda_values
from pulumi_llmops.config import ConfigError
from pulumi_llmops.config.models import ModelSpec
from pulumi_llmops.serving.autoscaling import keda_metric, scale_metric
from pulumi_llmops.versions import CHARTS

MODEL = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}
PROMETHEUS = "http://llmops-prometheus.monitoring.svc.cluster.local:9090"


def platform(models: dict[str, Any], **addons: Any) -> dict[str, Any]:
    return onprem_platform(models=models, addons={"vector_db": {"enabled": False}, **addons})


@pytest.mark.parametrize(
    ("fields", "mode", "keda", "expected"),
    [
        ({}, "Standard", True, None),  # max_replicas 1: no autoscaling
        ({"max_replicas": 3}, "Standard", True, "queue"),
        ({"max_replicas": 3}, "Standard", False, "cpu"),  # no Prometheus: an HPA on cpu
        ({"max_replicas": 3, "cpu_only": True}, "Standard", True, "cpu"),  # no vLLM
        ({"max_replicas": 3}, "Knative", True, "concurrency"),
        ({"max_replicas": 3, "scale_metric": "kv_cache"}, "Standard", True, "kv_cache"),
        ({"max_replicas": 3, "scale_metric": "memory"}, "Standard", True, "memory"),
    ],
)
def test_the_metric_each_model_scales_on(fields, mode, keda, expected) -> None:
    spec = ModelSpec.model_validate({**MODEL, "params_billion": 0.5, **fields})
    assert scale_metric(spec, mode, keda) == expected


def test_keda_metric_entries() -> None:
    assert keda_metric("m", "llmops-models", "queue", None, PROMETHEUS) == {
        "type": "External",
        "external": {
            "metric": {
                "backend": "prometheus",
                "serverAddress": PROMETHEUS,
                "query": 'sum(vllm:num_requests_waiting{namespace="llmops-models",model_name="m"})',
            },
            "target": {"type": "AverageValue", "averageValue": "5"},
        },
    }
    kv = keda_metric("m", "llmops-models", "kv_cache", 70, PROMETHEUS)["external"]
    assert kv["metric"]["query"] == (
        'sum(vllm:kv_cache_usage_perc{namespace="llmops-models",model_name="m"})'
    )
    assert kv["target"] == {"type": "AverageValue", "averageValue": "0.7"}


def test_gpu_models_scale_on_the_vllm_queue_through_keda_by_default() -> None:
    recording, _ = run_platform(platform({"m": {**MODEL, "max_replicas": 3}}))
    resource = recording.named("lab-models-m")
    manifest = manifest_of(resource)
    validate_custom_resource(manifest)
    assert manifest["metadata"]["annotations"] == {
        "serving.kserve.io/autoscalerClass": "keda",
        "serving.kserve.io/deploymentMode": "Standard",
    }
    predictor = manifest["spec"]["predictor"]
    assert predictor["autoScaling"] == {
        "metrics": [keda_metric("m", "llmops-models", "queue", None, PROMETHEUS)]
    }
    assert "scaleMetric" not in predictor and "scaleTarget" not in predictor
    keda = recording.named("lab-keda-chart")
    assert (keda.inputs["chart"], keda.inputs["version"]) == ("keda", "2.20.2")
    assert keda.inputs["repositoryOpts"] == {"repo": "https://kedacore.github.io/charts"}
    assert keda.inputs["namespace"] == "keda"
    assert keda.inputs["values"] == {"crds": {"install": True}}
    assert keda.urn in resource.dependencies
    namespace = manifest_of(recording.named("lab-keda-namespace"))
    validate_manifest(namespace)
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_no_keda_without_autoscaled_gpu_models_and_byo_keda() -> None:
    recording, _ = run_platform(platform({"m": MODEL}))
    assert recording.of_type("llmops:addons:Keda") == []
    byo = {"kserve": {"keda": {"enabled": False}}}
    recording, _ = run_platform(platform({"m": {**MODEL, "max_replicas": 2}}, **byo))
    assert recording.of_type("llmops:addons:Keda") == []
    annotations = manifest_of(recording.named("lab-models-m"))["metadata"]["annotations"]
    assert annotations["serving.kserve.io/autoscalerClass"] == "keda"


def test_without_observability_models_fall_back_to_an_hpa_or_fail_when_asked() -> None:
    quiet = {"observability": {"enabled": False}}
    recording, _ = run_platform(platform({"m": {**MODEL, "max_replicas": 2}}, **quiet))
    predictor = manifest_of(recording.named("lab-models-m"))["spec"]["predictor"]
    assert predictor["scaleMetric"] == "cpu" and "autoScaling" not in predictor
    with pytest.raises(ConfigError) as err:
        run_platform(
            platform({"m": {**MODEL, "max_replicas": 2, "scale_metric": "queue"}}, **quiet)
        )
    assert [p.render() for p in err.value.problems] == [
        "models.m.scale_metric: queue and kv_cache are read from Prometheus: needs "
        "addons.observability.enabled (got 'queue')"
    ]


def test_keda_values_keys_exist_in_the_pinned_chart() -> None:
    pin = CHARTS["keda"]
    assert unknown_values_keys(keda_values(), chart_defaults(pin.chart_name, pin.version)) == []
