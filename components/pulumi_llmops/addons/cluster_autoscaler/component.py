"""`ClusterAutoscaler`: the Cluster Autoscaler chart in kube-system, on the cluster's provider.

Upstream: https://github.com/kubernetes/autoscaler/tree/master/charts/cluster-autoscaler
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from ...cluster.handle import ClusterHandle
from ...kube import deep_merge, helm_chart
from ...versions import chart_pin
from .values import cluster_autoscaler_values

NAMESPACE = "kube-system"


@dataclass(frozen=True, kw_only=True)
class ClusterAutoscalerArgs:
    """Wiring: the cluster, its name in AWS, the ServiceAccount its Pod Identity association
    names, the image tag (the cluster's minor), where it runs, what it waits for.

    `depends_on`: the Pod Identity association and role policy (without them the pod starts
    with no AWS credentials). `values_overrides` are merged last; `chart_overrides` are the
    stack's `versions.charts` pins.
    """

    cluster: ClusterHandle
    cluster_name: str
    service_account: str
    image_tag: str
    node_selector: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()
    values_overrides: Mapping[str, object] = field(default_factory=dict)
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


class ClusterAutoscaler(pulumi.ComponentResource):
    """The Kubernetes Cluster Autoscaler for EKS managed node groups.

    Creates: the `cluster-autoscaler` chart (`<name>-chart`, namespace kube-system) with the
    AWS provider, node-group auto-discovery for the cluster, the ServiceAccount
    `cluster-autoscaler` (credentials by EKS Pod Identity), the GPU scaling flags
    (`SCALING_FLAGS`), on the system nodes. It scales each GPU node group between its
    min_nodes and max_nodes, from zero when a model's pod is pending.
    Does not create: the IAM role, the Pod Identity association or the ASG node-template
    tags (`EksCluster`, `EksGpuNodePool`).
    """

    def __init__(
        self, name: str, args: ClusterAutoscalerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:ClusterAutoscaler", name, None, opts)
        handle = args.cluster
        self.values = deep_merge(
            cluster_autoscaler_values(
                cluster_name=args.cluster_name,
                region=handle.region,
                service_account=args.service_account,
                image_tag=args.image_tag,
                node_selector=args.node_selector,
            ),
            args.values_overrides,
        )
        self.chart = helm_chart(
            f"{name}-chart",
            chart_pin("cluster-autoscaler", args.chart_overrides),
            provider=handle.provider,
            namespace=NAMESPACE,
            values=self.values,
            parent=self,
            depends_on=args.depends_on,
        )
        self.register_outputs({"namespace": NAMESPACE})
