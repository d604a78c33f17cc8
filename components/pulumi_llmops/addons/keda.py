"""`Keda`: KEDA, the event-driven autoscaler KServe hands models to when they scale on vLLM
metrics (`serving.kserve.io/autoscalerClass: keda`).

The keda chart has no Helm hooks (helm-hooks.tsv README: scanned, hook-free). Its admission
webhook gets its CA from the KEDA operator itself, so the chart's webhook configuration is
awaited until the CA bundle is injected, like KServe's.
Upstream: https://keda.sh/docs/latest/deploy/#helm
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from ..cluster.handle import ClusterHandle
from ..config.serving import KedaSpec
from ..kube import await_webhook_ca, deep_merge, namespaced_chart
from ..versions import chart_pin

NAMESPACE = "keda"


def keda_values() -> dict[str, Any]:
    """CRDs (ScaledObject, TriggerAuthentication) installed with the chart."""
    return {"crds": {"install": True}}


@dataclass(frozen=True, kw_only=True)
class KedaArgs:
    """Wiring: the cluster, the spec, chart pin overrides and what must exist first."""

    cluster: ClusterHandle
    spec: KedaSpec = field(default_factory=KedaSpec)
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()


class Keda(pulumi.ComponentResource):
    """KEDA (operator, metrics API server, admission webhooks).

    Creates: Namespace `keda` (Pod Security restricted) as `<name>-namespace` and the `keda`
    chart (`<name>-chart`, `values_overrides` merged last, its webhook configuration awaited
    until its CA bundle is injected).
    Does not create: ScaledObjects (KServe creates one per model that scales through KEDA).
    """

    def __init__(
        self, name: str, args: KedaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:Keda", name, None, opts)
        handle = args.cluster
        self.values = deep_merge(keda_values(), args.spec.values_overrides)
        self.namespace, self.chart = namespaced_chart(
            name,
            chart_pin("keda", args.chart_overrides),
            provider=handle.provider,
            namespace=NAMESPACE,
            level="restricted",
            values=self.values,
            parent=self,
            depends_on=args.depends_on,
            transforms=[await_webhook_ca],
        )
        self.register_outputs({"namespace": NAMESPACE})
