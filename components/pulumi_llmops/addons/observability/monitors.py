"""ServiceMonitors and PodMonitors the library adds (pure object builders).

Prometheus operator API: https://prometheus-operator.dev/docs/api-reference/api/
"""

from __future__ import annotations

from typing import Any

from ...kube import MODELS_NAMESPACE

API_VERSION = "monitoring.coreos.com/v1"
PROMETHEUS_SERVICE = "llmops-prometheus"
PROMETHEUS_PORT = 9090
PROMETHEUS_POD_LABELS = {
    "app.kubernetes.io/name": "prometheus",
    "app.kubernetes.io/managed-by": "prometheus-operator",
}
"""Labels the Prometheus operator puts on every Prometheus pod it runs."""


def prometheus_url(namespace: str) -> str:
    """The in-cluster address of the stack's Prometheus, through the library's own Service
    (the chart's Service name derives from the release name and is truncated)."""
    return f"http://{PROMETHEUS_SERVICE}.{namespace}.svc.cluster.local:{PROMETHEUS_PORT}"


def prometheus_service(namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """A ClusterIP Service selecting the operator-run Prometheus pods of `namespace` (KEDA's
    queries for vLLM-driven autoscaling go here)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": PROMETHEUS_SERVICE, "namespace": namespace, "labels": labels},
        "spec": {
            "type": "ClusterIP",
            "selector": dict(PROMETHEUS_POD_LABELS),
            "ports": [
                {
                    "name": "http-web",
                    "port": PROMETHEUS_PORT,
                    "targetPort": PROMETHEUS_PORT,
                    "protocol": "TCP",
                }
            ],
        },
    }


def dcgm_service_monitor(namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """DCGM exporter Service (label `app: nvidia-dcgm-exporter`, port `gpu-metrics`), in
    whatever namespace the GPU operator runs. `honorLabels` keeps the pod/namespace labels
    the exporter attaches to each GPU's series."""
    return {
        "apiVersion": API_VERSION,
        "kind": "ServiceMonitor",
        "metadata": {"name": "llmops-dcgm-exporter", "namespace": namespace, "labels": labels},
        "spec": {
            "namespaceSelector": {"any": True},
            "selector": {"matchLabels": {"app": "nvidia-dcgm-exporter"}},
            "endpoints": [
                {"port": "gpu-metrics", "path": "/metrics", "interval": "15s", "honorLabels": True}
            ],
        },
    }


def serving_pod_monitor(namespace: str, port: int, labels: dict[str, str]) -> dict[str, Any]:
    """vLLM /metrics on every KServe predictor pod in `llmops-models` (KServe labels each
    predictor pod with `component: predictor`)."""
    return {
        "apiVersion": API_VERSION,
        "kind": "PodMonitor",
        "metadata": {"name": "llmops-kserve-vllm", "namespace": namespace, "labels": labels},
        "spec": {
            "namespaceSelector": {"matchNames": [MODELS_NAMESPACE]},
            "selector": {
                "matchLabels": {"component": "predictor"},
                "matchExpressions": [
                    {"key": "serving.kserve.io/inferenceservice", "operator": "Exists"}
                ],
            },
            "podMetricsEndpoints": [{"portNumber": port, "path": "/metrics", "interval": "15s"}],
        },
    }


def vector_db_service_monitor(
    namespace: str,
    selector: dict[str, str],
    port: str,
    path: str,
    api_key_secret: str,
    api_key_key: str,
    labels: dict[str, str],
) -> dict[str, Any]:
    """The vector DB's metrics Service, authenticated with its API key (Bearer) read from the
    Secret in the same namespace."""
    return {
        "apiVersion": API_VERSION,
        "kind": "ServiceMonitor",
        "metadata": {"name": "llmops-vector-db", "namespace": namespace, "labels": labels},
        "spec": {
            "selector": {"matchLabels": selector},
            "endpoints": [
                {
                    "port": port,
                    "path": path,
                    "interval": "30s",
                    "authorization": {
                        "type": "Bearer",
                        "credentials": {"name": api_key_secret, "key": api_key_key},
                    },
                }
            ],
        },
    }
