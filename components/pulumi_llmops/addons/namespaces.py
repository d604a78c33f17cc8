"""`PlatformNamespaces`: the platform's namespaces, labelled for Pod Security.

Upstream: https://kubernetes.io/docs/concepts/security/pod-security-admission/
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from .._deprecated import moved_names
from ..cluster.handle import ClusterHandle
from ..kube import namespaces as kube_ns
from ..kube.namespaces import PodSecurityLevel, labelled_namespace


def base_namespaces() -> dict[str, PodSecurityLevel]:
    """Namespaces every platform has: the library's own (restricted) and models (baseline).

    Model servers run vendor images (vLLM) that do not all meet `restricted`, so the models
    namespace enforces `baseline` and warns at `restricted`.
    """
    return {kube_ns.SYSTEM_NAMESPACE: "restricted", kube_ns.MODELS_NAMESPACE: "baseline"}


@dataclass(frozen=True, kw_only=True)
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


__getattr__ = moved_names(
    __name__,
    {
        "MODELS_NAMESPACE": "pulumi_llmops.kube",
        "SYSTEM_NAMESPACE": "pulumi_llmops.kube",
        "namespace_labels": "pulumi_llmops.kube",
    },
)
