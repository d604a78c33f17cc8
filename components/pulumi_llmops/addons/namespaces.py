"""Platform namespaces with Pod Security Admission labels.

Upstream: https://kubernetes.io/docs/concepts/security/pod-security-admission/
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_kubernetes as k8s

from ..cluster.handle import ClusterHandle

PodSecurityLevel = Literal["privileged", "baseline", "restricted"]

SYSTEM_NAMESPACE = "llmops-system"
MODELS_NAMESPACE = "llmops-models"


def namespace_labels(
    level: PodSecurityLevel, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Pod Security labels: enforce `level`, and warn/audit at `restricted` so gaps show up."""
    labels = {
        "app.kubernetes.io/managed-by": "pulumi-llmops",
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
    }
    labels.update(extra or {})
    return dict(sorted(labels.items()))


def labelled_namespace(
    resource_name: str,
    namespace: str,
    level: PodSecurityLevel,
    *,
    opts: pulumi.ResourceOptions,
    labels: Mapping[str, str] | None = None,
) -> k8s.core.v1.Namespace:
    """A Namespace enforcing Pod Security `level` (see `namespace_labels`).

    `opts` must carry the parent and the handle's provider (and protect/retain for data).
    """
    return k8s.core.v1.Namespace(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(name=namespace, labels=namespace_labels(level, labels)),
        opts=opts,
    )


def base_namespaces() -> dict[str, PodSecurityLevel]:
    """Namespaces every platform has: the library's own (restricted) and models (baseline).

    Model servers run vendor images (vLLM) that do not all meet `restricted`, so the models
    namespace enforces `baseline` and warns at `restricted`.
    """
    return {SYSTEM_NAMESPACE: "restricted", MODELS_NAMESPACE: "baseline"}


@dataclass
class PlatformNamespacesArgs:
    """Namespace name -> Pod Security level to enforce, plus labels for all of them."""

    cluster: ClusterHandle
    namespaces: Mapping[str, PodSecurityLevel]
    labels: Mapping[str, str] = field(default_factory=dict)


class PlatformNamespaces(pulumi.ComponentResource):
    """Creates: one Namespace per entry (`<name>-<namespace>`), labelled for Pod Security.

    Does not create: anything inside the namespaces.
    """

    def __init__(
        self, name: str, args: PlatformNamespacesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:PlatformNamespaces", name, None, opts)
        opts = pulumi.ResourceOptions(parent=self, provider=args.cluster.provider)
        self.namespaces: dict[str, k8s.core.v1.Namespace] = {
            ns: labelled_namespace(f"{name}-{ns}", ns, level, labels=args.labels, opts=opts)
            for ns, level in sorted(args.namespaces.items())
        }
        self.register_outputs({"namespaces": sorted(self.namespaces)})
