"""Helm plumbing shared by add-ons: pinned chart releases and `values_overrides` merging.

Upstream: https://www.pulumi.com/registry/packages/kubernetes/api-docs/helm/v4/chart/
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..versions import ChartPin


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` merged over `base`: mappings merge key by key, lists and scalars replace.

    Neither input is modified. This is the `values_overrides` rule: the user's values win.
    """
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def sorted_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Values with keys sorted at every level, so rendered inputs diff cleanly."""
    return {k: sorted_values(v) if isinstance(v, Mapping) else v for k, v in sorted(values.items())}


def helm_chart(
    name: str,
    pin: ChartPin,
    *,
    provider: pulumi.ProviderResource,
    namespace: str,
    values: Mapping[str, Any],
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource] = (),
    skip_crds: bool = False,
    protect: bool = False,
    retain_on_delete: bool = False,
) -> k8s.helm.v4.Chart:
    """A `helm.v4.Chart` for a pinned chart, on `provider` (the cluster's), parented to `parent`.

    OCI charts are passed as `oci://` references, https repositories through
    `repository_opts`, local charts (an absolute path to a directory or `.tgz`) as they are.
    Charts that own data (vector DB, Prometheus) set `protect` and `retain_on_delete` on the
    Chart itself: `retain_on_delete` is not inherited from a parent.
    """
    return k8s.helm.v4.Chart(
        name,
        chart=pin.chart,
        version=pin.version,
        repository_opts=(
            None
            if pin.is_oci or pin.is_local
            else k8s.helm.v4.RepositoryOptsArgs(repo=pin.repository)
        ),
        namespace=namespace,
        values=sorted_values(values),
        skip_crds=skip_crds or None,
        opts=pulumi.ResourceOptions(
            parent=parent,
            provider=provider,
            depends_on=list(depends_on),
            protect=protect or None,
            retain_on_delete=retain_on_delete or None,
        ),
    )
