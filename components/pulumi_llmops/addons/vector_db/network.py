"""The vector DB's NetworkPolicy: only the platform's clients reach the database. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...config.data import VectorDatabaseSpec
from ...kube import MODELS_NAMESPACE


def client_namespaces(spec: VectorDatabaseSpec, extra: Sequence[str] = ()) -> list[str]:
    """Namespaces admitted by the NetworkPolicy: serving, configured apps, and `extra`
    (monitoring, the CNPG operator), sorted and de-duplicated."""
    return sorted({MODELS_NAMESPACE, *spec.allowed_namespaces, *extra})


def network_policy(
    namespace: str, allowed_namespaces: list[str], labels: dict[str, str]
) -> dict[str, Any]:
    """Ingress to every pod of the vector DB namespace only from the namespace itself (peers,
    snapshot job) and the allowed namespaces. Egress is not restricted (S3 endpoints vary)."""
    allowed = sorted(set(allowed_namespaces) - {namespace})
    sources: list[dict[str, Any]] = [{"podSelector": {}}]
    if allowed:
        sources.append(
            {
                "namespaceSelector": {
                    "matchExpressions": [
                        {
                            "key": "kubernetes.io/metadata.name",
                            "operator": "In",
                            "values": allowed,
                        }
                    ]
                }
            }
        )
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "vector-db-allow-clients", "namespace": namespace, "labels": labels},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": sources}]},
    }
