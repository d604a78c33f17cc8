"""`CertManager`: cert-manager with its CRDs, which KServe's webhooks need for certificates.

Upstream: https://cert-manager.io/docs/installation/helm/
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from ..cluster.handle import ClusterHandle
from ..config.serving import CertManagerSpec
from ..kube import (
    WAIT_FOR_CA_BUNDLE,
    deep_merge,
    hook_switch_values,
    namespaced_chart,
)
from ..versions import chart_pin

NAMESPACE = "cert-manager"


def cert_manager_values() -> dict[str, Any]:
    """Chart values: install the CRDs with the release and keep them when it is deleted
    (deleting the CRDs would delete every Certificate in the cluster).

    The chart's post-install `startupapicheck` Job is a Helm hook, which Pulumi never runs:
    it is switched off, and the webhook configurations carry `pulumi.com/waitFor` on their
    injected CA bundle instead, so the chart is ready (and KServe's Issuer and Certificate
    are applied) only once cainjector has made the webhook usable.
    """
    return deep_merge(
        {
            "crds": {"enabled": True, "keep": True},
            "webhook": {
                "validatingWebhookConfigurationAnnotations": dict(WAIT_FOR_CA_BUNDLE),
                "mutatingWebhookConfigurationAnnotations": dict(WAIT_FOR_CA_BUNDLE),
            },
        },
        hook_switch_values("cert-manager"),
    )


@dataclass(frozen=True, kw_only=True)
class CertManagerArgs:
    """Wiring: the cluster, the add-on spec and the stack's chart pin overrides."""

    cluster: ClusterHandle
    spec: CertManagerSpec = field(default_factory=CertManagerSpec)
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


class CertManager(pulumi.ComponentResource):
    """cert-manager.

    Creates: Namespace `cert-manager` (Pod Security restricted; the chart's pods run
    non-root with a RuntimeDefault seccomp profile) as `<name>-namespace`, and the
    `cert-manager` chart (`<name>-chart`) with CRDs enabled and kept, the startup-check hook
    off and the webhook configurations awaited until their CA bundle is injected,
    `values_overrides` merged last.
    Does not create: Issuers or Certificates (KServe's chart creates its own).
    """

    def __init__(
        self, name: str, args: CertManagerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:CertManager", name, None, opts)
        handle = args.cluster
        self.values = deep_merge(cert_manager_values(), args.spec.values_overrides)
        self.namespace, self.chart = namespaced_chart(
            name,
            chart_pin("cert-manager", args.chart_overrides),
            provider=handle.provider,
            namespace=NAMESPACE,
            level="restricted",
            values=self.values,
            parent=self,
        )
        self.register_outputs({"namespace": NAMESPACE})
