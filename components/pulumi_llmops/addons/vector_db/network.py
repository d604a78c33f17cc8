"""The vector DB's NetworkPolicy: only the platform's clients reach the database. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...config.data import VectorDatabaseSpec
from ...kube import MODELS_NAMESPACE, namespace_ingress_policy


def client_namespaces(spec: VectorDatabaseSpec, extra: Sequence[str] = ()) -> list[str]:
    """Namespaces admitted by the NetworkPolicy: serving, configured apps, and `extra`
    (monitoring, the CNPG operator), sorted and de-duplicated."""
    return sorted({MODELS_NAMESPACE, *spec.allowed_namespaces, *extra})


def network_policy(
    namespace: str, allowed_namespaces: list[str], labels: dict[str, str]
) -> dict[str, Any]:
    """Ingress to every pod of the vector DB namespace only from the namespace itself (peers,
    snapshot job) and the allowed namespaces. Egress is not restricted (S3 endpoints vary)."""
    return namespace_ingress_policy(
        "vector-db-allow-clients", namespace, allowed_namespaces, labels
    )
