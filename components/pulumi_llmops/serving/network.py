"""Who may call the models: the models namespace's NetworkPolicy. Pure.

vLLM serves an unauthenticated OpenAI-compatible API, so by default models are reachable only
from inside the cluster (no Ingress), and only from the namespaces named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config.serving import KServeSpec
from ..kube import MODELS_NAMESPACE, namespace_ingress_policy

POLICY_NAME = "llmops-models-allow-clients"
KNATIVE_NAMESPACE = "knative-serving"
"""Knative's activator and queue-proxy probes reach the model pods from here."""
ISTIO_GATEWAY_NAMESPACE = "istio-system"


def gateway_namespace(spec: KServeSpec) -> str | None:
    """The ingress gateway's namespace: configured, else Istio's for class `istio`."""
    gateway = spec.gateway
    if gateway.namespace is not None:
        return gateway.namespace
    return ISTIO_GATEWAY_NAMESPACE if gateway.class_name == "istio" else None


def model_client_namespaces(spec: KServeSpec, observability_namespace: str | None) -> list[str]:
    """Namespaces admitted to the models: `allowed_namespaces`, the observability namespace
    (Prometheus scrapes vLLM), the gateway when models get routes, Knative in Knative mode."""
    namespaces = set(spec.allowed_namespaces)
    if observability_namespace is not None:
        namespaces.add(observability_namespace)
    gateway = gateway_namespace(spec)
    if not spec.gateway.disable_ingress_creation and gateway is not None:
        namespaces.add(gateway)
    if spec.deployment_mode == "Knative":
        namespaces.add(KNATIVE_NAMESPACE)
    return sorted(namespaces)


def models_network_policy(
    allowed_namespaces: list[str], labels: Mapping[str, str], namespace: str = MODELS_NAMESPACE
) -> dict[str, Any]:
    """Ingress to every model pod only from its own namespace and `allowed_namespaces`."""
    return namespace_ingress_policy(POLICY_NAME, namespace, allowed_namespaces, labels)
