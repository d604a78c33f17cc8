"""KEDA ScaledObjects for models behind the inference gateway. Pure, no Pulumi.

A routed model that autoscales on an inference signal gets its own ScaledObject on its
predictor Deployment, and its InferenceService says `autoscalerClass: none`, so KServe makes
no HPA or ScaledObject that would fight it. Triggers: the model's vLLM metric (requests
waiting or KV-cache use, summed over its replicas, per replica target), and, for a model that
may sit at zero replicas, the endpoint picker's flow-control queue: at zero there is no vLLM
to ask, but requests held by the gateway wait in the EPP's queue
(`inference_extension_flow_control_queue_size`), and one waiting request activates the
first replica.
KEDA Prometheus scaler: https://keda.sh/docs/latest/scalers/prometheus/
EPP metrics: https://gateway-api-inference-extension.sigs.k8s.io/guides/metrics-and-observability/
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config.models import ModelSpec
from .autoscaling import (
    DEFAULT_KV_CACHE_TARGET,
    DEFAULT_QUEUE_TARGET,
    VLLM_QUERIES,
    _quoted,
)
from .routing import pool_name, predictor_deployment

SCALED_OBJECT_API = "keda.sh/v1alpha1"
EPP_QUEUE_QUERY = (
    "sum(inference_extension_flow_control_queue_size{{namespace={ns},inference_pool={pool}}})"
)
POLLING_SECONDS = 15
COOLDOWN_SECONDS = 300
"""Seconds without demand before scaling to zero: GPU replicas start slowly (image pull,
weights download), so they are not dropped at the first idle poll."""


def _threshold(metric: str, target: int | None) -> str:
    if metric == "queue":
        return str(target or DEFAULT_QUEUE_TARGET)
    return f"{(target or DEFAULT_KV_CACHE_TARGET) / 100:g}"


def scaled_object(
    model: str,
    namespace: str,
    spec: ModelSpec,
    metric: str,
    prometheus_url: str,
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The ScaledObject of a routed model scaling on `metric` (queue or kv_cache)."""
    triggers: list[dict[str, Any]] = [
        {
            "type": "prometheus",
            "name": f"vllm-{metric.replace('_', '-')}",
            "metadata": {
                "serverAddress": prometheus_url,
                "query": VLLM_QUERIES[metric].format(ns=_quoted(namespace), model=_quoted(model)),
                "threshold": _threshold(metric, spec.scale_target),
            },
        }
    ]
    if spec.min_replicas == 0:
        triggers.append(
            {
                "type": "prometheus",
                "name": "epp-queue",
                "metadata": {
                    "serverAddress": prometheus_url,
                    "query": EPP_QUEUE_QUERY.format(
                        ns=_quoted(namespace), pool=_quoted(pool_name(model))
                    ),
                    "threshold": "1",
                    "activationThreshold": "0",
                },
            }
        )
    return {
        "apiVersion": SCALED_OBJECT_API,
        "kind": "ScaledObject",
        "metadata": {"name": f"{model}-scaler", "namespace": namespace, "labels": dict(labels)},
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": predictor_deployment(model),
            },
            "minReplicaCount": spec.min_replicas,
            "maxReplicaCount": spec.max_replicas,
            "pollingInterval": POLLING_SECONDS,
            "cooldownPeriod": COOLDOWN_SECONDS,
            "triggers": triggers,
        },
    }
