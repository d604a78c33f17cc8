"""How a model's replicas scale: the metric chosen per model and the KServe fields for it.
Pure functions, no Pulumi.

LLM servers are GPU-bound, so CPU is a poor signal; in Standard mode GPU models scale on
vLLM's own metrics through KEDA (KServe `serving.kserve.io/autoscalerClass: keda` and
`spec.predictor.autoScaling.metrics[].external`, fields of the pinned InferenceService CRD):
requests waiting (`vllm:num_requests_waiting`) or KV-cache use (`vllm:kv_cache_usage_perc`,
a fraction), summed over the model's pods and divided by a per-replica target
(`AverageValue`); `autoscalerClass: keda` is KServe's `AutoscalerClassKeda`.
vLLM metrics: https://docs.vllm.ai/en/latest/design/metrics.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config.models import KEDA_METRICS, ModelSpec

AUTOSCALER_CLASS = "serving.kserve.io/autoscalerClass"
DEFAULT_QUEUE_TARGET = 5
"""Waiting requests per replica before KEDA adds one."""
DEFAULT_KV_CACHE_TARGET = 80
"""KV-cache use (percent) per replica before KEDA adds one."""
VLLM_QUERIES = {
    "queue": "sum(vllm:num_requests_waiting{{namespace={ns},model_name={model}}})",
    "kv_cache": "sum(vllm:kv_cache_usage_perc{{namespace={ns},model_name={model}}})",
}


def scale_metric(model: ModelSpec, deployment_mode: str, keda: bool) -> str | None:
    """The metric `model` scales on, or None when it does not autoscale (max <= min).

    The configured one, else: concurrency in Knative mode; queue for GPU models when `keda`
    (Prometheus and KEDA reachable), else cpu.
    """
    if model.max_replicas <= model.min_replicas:
        return None
    if model.scale_metric is not None:
        return model.scale_metric
    if deployment_mode == "Knative":
        return "concurrency"
    return "queue" if keda and not model.cpu_only else "cpu"


def uses_keda(metric: str | None) -> bool:
    return metric in KEDA_METRICS


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def keda_metric(
    name: str, namespace: str, metric: str, target: int | None, prometheus_url: str
) -> dict[str, Any]:
    """One `autoScaling.metrics` entry: the model's vLLM metric from Prometheus, per replica."""
    query = VLLM_QUERIES[metric].format(ns=_quoted(namespace), model=_quoted(name))
    if metric == "queue":
        average = str(target or DEFAULT_QUEUE_TARGET)
    else:
        average = f"{(target or DEFAULT_KV_CACHE_TARGET) / 100:g}"
    return {
        "type": "External",
        "external": {
            "metric": {"backend": "prometheus", "serverAddress": prometheus_url, "query": query},
            "target": {"type": "AverageValue", "averageValue": average},
        },
    }


def autoscaling_fields(
    name: str,
    namespace: str,
    model: ModelSpec,
    metric: str | None,
    deployment_mode: str,
    prometheus_url: str | None,
) -> tuple[dict[str, str], dict[str, Any]]:
    """(ISVC annotations, predictor fields) for `metric` (from `scale_metric`)."""
    annotations: dict[str, str] = {}
    fields: dict[str, Any] = {}
    if deployment_mode == "Standard":
        annotations[AUTOSCALER_CLASS] = (
            "none" if metric is None else "keda" if uses_keda(metric) else "hpa"
        )
    if metric is None:
        return annotations, fields
    if uses_keda(metric):
        if prometheus_url is None:
            raise ValueError(f"model {name!r} scales on {metric} but no Prometheus is known")
        fields["autoScaling"] = {
            "metrics": [keda_metric(name, namespace, metric, model.scale_target, prometheus_url)]
        }
        return annotations, fields
    fields["scaleMetric"] = metric
    if model.scale_target is not None:
        fields["scaleTarget"] = model.scale_target
    return annotations, fields


def scale_metrics(
    models: Mapping[str, ModelSpec], deployment_mode: str, keda: bool
) -> dict[str, str | None]:
    """`scale_metric` of every model, by name."""
    return {name: scale_metric(m, deployment_mode, keda) for name, m in sorted(models.items())}
