"""Helm plumbing shared by add-ons: pinned chart releases, `values_overrides` merging, and
awaiting admission webhooks until their CA bundle is injected.

Upstream: https://www.pulumi.com/registry/packages/kubernetes/api-docs/helm/v4/chart/
Await annotations: https://github.com/pulumi/pulumi-kubernetes/pull/3134
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..versions import ChartPin
from .namespaces import PodSecurityLevel, labelled_namespace


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


WAIT_FOR_ANNOTATION = "pulumi.com/waitFor"
WAIT_FOR_CA_BUNDLE: Mapping[str, str] = {
    WAIT_FOR_ANNOTATION: "jsonpath={.webhooks[*].clientConfig.caBundle}"
}
"""Makes Pulumi wait until every webhook of a (Validating|Mutating)WebhookConfiguration has a
CA bundle (injected by cert-manager's cainjector or the operator itself), so nothing the
webhook validates is applied before it can answer."""
WEBHOOK_CONFIGURATION_TYPES = frozenset(
    {
        "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration",
        "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration",
    }
)


def await_webhook_ca(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    """A `transforms` entry for charts whose values cannot annotate their webhook
    configurations (KServe's): adds `WAIT_FOR_CA_BUNDLE` unless the object already has a
    `pulumi.com/waitFor`. Every other resource passes unchanged (None)."""
    if args.type_ not in WEBHOOK_CONFIGURATION_TYPES:
        return None
    props = dict(args.props or {})
    metadata = dict(props.get("metadata") or {})
    annotations = dict(metadata.get("annotations") or {})
    if WAIT_FOR_ANNOTATION in annotations:
        return None
    annotations.update(WAIT_FOR_CA_BUNDLE)
    metadata["annotations"] = annotations
    props["metadata"] = metadata
    return pulumi.ResourceTransformResult(props=props, opts=args.opts)


CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"


def protect_crds(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    """A `transforms` entry every library chart carries: each CustomResourceDefinition the
    chart renders is `protect`ed, because deleting a CRD deletes every custom resource of its
    kind in the cluster (every InferenceService, ClusterPolicy, Certificate...), including
    those no stack manages. A CRD is never replaced by an upgrade (its name is its group and
    plural), so protection blocks only its deletion. Other resources pass unchanged (None)."""
    if args.type_ != CRD_TYPE or args.opts.protect:
        return None
    return pulumi.ResourceTransformResult(
        props=args.props,
        opts=pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(protect=True)),
    )


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
    transforms: Sequence[pulumi.ResourceTransform] = (),
    protect: bool = False,
    release_name: str | None = None,
) -> k8s.helm.v4.Chart:
    """A `helm.v4.Chart` for a pinned chart, on `provider` (the cluster's), parented to `parent`.

    OCI charts are passed as `oci://` references, https repositories through
    `repository_opts`, local charts (an absolute path to a directory or `.tgz`) as they are.
    `transforms` apply to the chart's children (the library uses `await_webhook_ca`, for
    charts without webhook annotation values); `protect_crds` always comes last, so every
    CRD a chart renders is protected. `protect` is for charts that render only CRDs
    (kserve-crd, kserve-localmodel-crd): the whole release is protected, visibly in the plan.
    `release_name` names the release (and the objects a chart names after it); default: the
    resource name.

    Other charts get neither `protect` nor `retain_on_delete`: `retain_on_delete` does not reach
    the resources a chart renders (pulumi/pulumi-kubernetes#3065, closed won't-fix), and if
    `protect` did, an upgrade that must replace a child (a Job, an immutable selector) would
    fail. What keeps data is the protected, retained Namespace and Secrets around the chart,
    StatefulSet volume claims (no chart owns them) and a StorageClass with
    `reclaimPolicy: Retain` (docs/vector-db.md).
    """
    # Only when set: the release then defaults to the resource name, as before.
    release = {"name": release_name} if release_name is not None else {}
    return k8s.helm.v4.Chart(
        name,
        **release,
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
            transforms=[*transforms, protect_crds],
            protect=protect or None,
        ),
    )


def namespaced_chart(
    name: str,
    pin: ChartPin,
    *,
    provider: pulumi.ProviderResource,
    namespace: str,
    level: PodSecurityLevel,
    values: Mapping[str, Any],
    parent: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource] = (),
    transforms: Sequence[pulumi.ResourceTransform] = (),
) -> tuple[k8s.core.v1.Namespace, k8s.helm.v4.Chart]:
    """A release alone in its own namespace: Namespace `<name>-namespace` (Pod Security
    `level`) and chart `<name>-chart` after it (and after `depends_on`)."""
    ns = labelled_namespace(
        f"{name}-namespace",
        namespace,
        level,
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )
    chart = helm_chart(
        f"{name}-chart",
        pin,
        provider=provider,
        namespace=namespace,
        values=values,
        parent=parent,
        depends_on=[ns, *depends_on],
        transforms=transforms,
    )
    return ns, chart
