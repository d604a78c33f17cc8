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
