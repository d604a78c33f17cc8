"""Namespaces with Pod Security Admission labels, and the platform's own namespace names.

Upstream: https://kubernetes.io/docs/concepts/security/pod-security-admission/
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pulumi

from .. import k8s
from .labels import MANAGED_BY

PodSecurityLevel = Literal["privileged", "baseline", "restricted"]

SYSTEM_NAMESPACE = "llmops-system"
"""The library's own namespace (Pod Security `restricted`)."""
MODELS_NAMESPACE = "llmops-models"
"""Where model servers run (Pod Security `baseline`: vLLM images do not all meet restricted)."""


def namespace_labels(
    level: PodSecurityLevel, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Pod Security labels: enforce `level`, and warn/audit at `restricted` so gaps show up."""
    labels = {
        **MANAGED_BY,
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
    }
    labels.update(extra or {})
    return dict(sorted(labels.items()))


def namespace_manifest(
    namespace: str, level: PodSecurityLevel, labels: Mapping[str, str] | None = None
) -> dict[str, object]:
    """The Namespace's metadata (name and Pod Security labels), as a plain dict."""
    return {"name": namespace, "labels": namespace_labels(level, labels)}


def labelled_namespace(
    resource_name: str,
    namespace: str,
    level: PodSecurityLevel,
    *,
    opts: pulumi.ResourceOptions,
    labels: Mapping[str, str] | None = None,
) -> k8s.core.v1.Namespace:
    """A Namespace enforcing Pod Security `level` (see `namespace_labels`).

    `opts` must carry the parent and the cluster's provider (and protect/retain for data).
    """
    return k8s.core.v1.Namespace(
        resource_name, metadata=namespace_manifest(namespace, level, labels), opts=opts
    )
