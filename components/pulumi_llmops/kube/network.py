"""NetworkPolicies that admit ingress to a namespace only from named namespaces. Pure.

Enforced only where the cluster's network plugin implements NetworkPolicy (Calico, Cilium,
AKS Azure CNI powered by Cilium; EKS and GKE need it switched on, see docs/security.md).
Upstream: https://kubernetes.io/docs/concepts/services-networking/network-policies/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
"""Set by Kubernetes on every namespace (immutable), so a selector on it names namespaces."""


def namespace_ingress_policy(
    name: str, namespace: str, allowed_namespaces: Sequence[str], labels: Mapping[str, str]
) -> dict[str, Any]:
    """Ingress to every pod of `namespace` only from the namespace itself and
    `allowed_namespaces` (sorted, de-duplicated). Egress is not restricted."""
    allowed = sorted(set(allowed_namespaces) - {namespace})
    sources: list[dict[str, Any]] = [{"podSelector": {}}]
    if allowed:
        sources.append(
            {
                "namespaceSelector": {
                    "matchExpressions": [
                        {"key": NAMESPACE_NAME_LABEL, "operator": "In", "values": allowed}
                    ]
                }
            }
        )
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": sources}]},
    }
