"""GKE's rule for critical-priority pods outside kube-system: they need a ResourceQuota.

GKE Standard ships a kube-system ResourceQuota scoped to the system-*-critical priority
classes, so (Kubernetes' limited priority class consumption) pods of those classes are admitted
in another namespace only under a quota of its own with the same scope.
Upstream: https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/google-gke.html
and https://kubernetes.io/docs/concepts/policy/resource-quotas/#limit-priority-class-consumption-by-default
"""

from __future__ import annotations

from typing import Any

GKE_CRITICAL_PRIORITY_CLASSES = ("system-node-critical", "system-cluster-critical")


def critical_pods_quota_spec(pods: int) -> dict[str, Any]:
    """The `spec` of a ResourceQuota admitting up to `pods` pods of the critical classes."""
    return {
        "hard": {"pods": str(pods)},
        "scopeSelector": {
            "matchExpressions": [
                {
                    "operator": "In",
                    "scopeName": "PriorityClass",
                    "values": list(GKE_CRITICAL_PRIORITY_CLASSES),
                }
            ]
        },
    }
