"""Register a custom resource whose manifest a pure function built (InferenceService,
ServiceMonitor, Application...)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from .. import k8s


def custom_resource(
    resource_name: str,
    manifest: Mapping[str, Any],
    opts: pulumi.ResourceOptions,
    depends_on: Sequence[pulumi.Resource] = (),
) -> k8s.apiextensions.CustomResource:
    """`manifest` (apiVersion, kind, metadata, spec) as a CustomResource with `opts`
    (parent and the handle's provider) plus `depends_on`."""
    if depends_on:
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(depends_on=list(depends_on))
        )
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=manifest["apiVersion"],
        kind=manifest["kind"],
        metadata=manifest["metadata"],
        spec=manifest["spec"],
        opts=opts,
    )


class _TopLevelCustomResource(pulumi.CustomResource):
    """A custom resource whose fields sit beside `metadata` instead of under `spec`
    (Kueue's WorkloadPriorityClass: `value`, `description`). It registers exactly like
    `k8s.apiextensions.CustomResource` (type `kubernetes:<apiVersion>:<kind>`, same provider
    plugin version), which accepts no such fields in Python."""

    def __init__(
        self, resource_name: str, props: Mapping[str, Any], opts: pulumi.ResourceOptions
    ) -> None:
        from pulumi_kubernetes import _utilities

        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(version=_utilities.get_version())
        )
        super().__init__(
            f"kubernetes:{props['apiVersion']}:{props['kind']}", resource_name, dict(props), opts
        )


def custom_object(
    resource_name: str,
    manifest: Mapping[str, Any],
    opts: pulumi.ResourceOptions,
    depends_on: Sequence[pulumi.Resource] = (),
) -> pulumi.CustomResource:
    """`manifest` (apiVersion, kind, metadata and top-level fields, no `spec`) as a custom
    resource with `opts` (parent and the handle's provider) plus `depends_on`."""
    if depends_on:
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(depends_on=list(depends_on))
        )
    return _TopLevelCustomResource(resource_name, manifest, opts)
