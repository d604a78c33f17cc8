"""`stateful_chart`: `addons.helm.helm_chart` plus protect/retain_on_delete, for charts that
own data (vector DB, Prometheus). `retain_on_delete` is not inherited from a parent, so it
must be set on the Chart itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ...cluster.handle import ClusterHandle
from ...versions import ChartPin
from ..helm import sorted_values


def stateful_chart(
    name: str,
    pin: ChartPin,
    *,
    cluster: ClusterHandle,
    namespace: str,
    values: Mapping[str, Any],
    parent: pulumi.Resource,
    protect: bool,
    retain_on_delete: bool,
    depends_on: Sequence[pulumi.Resource] = (),
) -> k8s.helm.v4.Chart:
    """Same conventions as `helm_chart` (pinned chart, handle's provider, sorted values)."""
    return k8s.helm.v4.Chart(
        name,
        chart=pin.chart,
        version=pin.version,
        repository_opts=(
            None if pin.is_oci else k8s.helm.v4.RepositoryOptsArgs(repo=pin.repository)
        ),
        namespace=namespace,
        values=sorted_values(values),
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=cluster.provider,
            depends_on=list(depends_on),
            protect=protect,
            retain_on_delete=retain_on_delete,
        ),
    )
