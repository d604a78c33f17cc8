"""Helm hooks under Pulumi: the values that keep each pinned chart's hooks off, the hooks
that are safe to drop, and a check that `values_overrides` does not turn one back on.

`kubernetes:helm.sh/v4:Chart` renders a chart with hooks disabled: a resource annotated
`helm.sh/hook` is never created (the `include_hooks` option "has no effect outside of render
mode"). So each hook a pinned chart would run is either switched off by values the library
always renders (`HOOK_SWITCHES`; where the hook made something the chart needs, the library
creates it itself), kept harmless by a chart default `values_overrides` must not change
(`HOOK_GUARDS`), or dropped with no effect on install and upgrade (`DROPPED_HOOKS`).
Charts are named as Helm names them (`ChartPin.chart_name`). Pure data and functions.

Upstream: https://www.pulumi.com/registry/packages/kubernetes/api-docs/helm/v4/chart/
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HookSwitch:
    """A values path held at `value` so the chart renders no hook; `why` says what the hook
    did and what takes its place."""

    path: str
    value: Any
    why: str


HOOK_SWITCHES: Mapping[str, tuple[HookSwitch, ...]] = {
    "gpu-operator": (
        HookSwitch(
            "operator.upgradeCRD",
            False,
            "pre-upgrade Job re-applying the CRDs; Pulumi applies and updates crds/ itself",
        ),
    ),
    "cert-manager": (
        HookSwitch(
            "startupapicheck.enabled",
            False,
            "post-install Job waiting for the webhook; replaced by pulumi.com/waitFor on the "
            "webhook configurations (their CA bundle injected)",
        ),
    ),
    "kube-prometheus-stack": (
        HookSwitch(
            "prometheusOperator.admissionWebhooks.enabled",
            False,
            "pre-install Job generating the <fullname>-admission TLS Secret and a post-install "
            "Job patching the webhooks; PrometheusRules are not validated by a webhook",
        ),
        HookSwitch(
            "prometheusOperator.tls.enabled",
            False,
            "the operator Deployment mounts <fullname>-admission while TLS is on, and only the "
            "dropped hook Job creates that Secret",
        ),
    ),
    "argo-cd": (
        HookSwitch(
            "redisSecretInit.enabled",
            False,
            "pre-install Job creating Secret argocd-redis (key auth); the library creates "
            "that Secret from a generated password instead",
        ),
    ),
}
"""Chart -> values the library always renders to keep its hooks off."""

HOOK_GUARDS: Mapping[str, tuple[HookSwitch, ...]] = {
    "gpu-operator": (
        HookSwitch(
            "gpuCluster.deployCR",
            False,
            "with a chart-managed GPUCluster, destroy needs the dropped pre-delete cleanup Job",
        ),
        HookSwitch("operator.cleanupCRD", False, "the CRD cleanup is a pre-delete hook"),
    ),
    "kube-prometheus-stack": (
        HookSwitch("crds.upgradeJob.enabled", False, "the CRD upgrade Job is a pre-install hook"),
    ),
    "milvus": (
        HookSwitch(
            "minio.defaultBucket.enabled",
            False,
            "MinIO's bucket Job is a post-install hook (Milvus creates its bucket itself)",
        ),
        HookSwitch(
            "pulsarv3.kube-prometheus-stack.enabled",
            False,
            "Pulsar's bundled Prometheus stack needs admission hook Jobs",
        ),
    ),
    "flux2": (
        HookSwitch("crds.migration.enabled", False, "the CRD migration Job is a pre-upgrade hook"),
    ),
    "cluster": (
        HookSwitch(
            "backups.method",
            "barmanObjectStore",
            "the plugin method's ObjectStore is a pre-install hook",
        ),
    ),
}
"""Chart -> chart defaults that keep a hook off or harmless; overrides must not change them."""

DROPPED_HOOKS: Mapping[tuple[str, str], str] = {
    ("gpu-operator", "templates/cleanup_gpucluster.yaml"): (
        "pre-delete Job deleting the chart-managed GPUCluster: none exists while "
        "gpuCluster.deployCR is false (guarded)"
    ),
    ("gpu-operator", "charts/node-feature-discovery/templates/post-delete-job.yaml"): (
        "post-delete NFD prune: after destroy the feature.node.kubernetes.io/* labels stay on "
        "the nodes (harmless; remove them by hand when retiring nodes)"
    ),
    ("flux2", "templates/pre-install-job.yaml"): "pre-install `flux check --pre`: a check only",
    ("flux2", "templates/pre-install-job-serviceaccount.yaml"): "the check Job's ServiceAccount",
}
"""(chart, template) -> why dropping that always-rendered hook changes nothing on install."""


def hook_switch_values(chart: str) -> dict[str, Any]:
    """The `HOOK_SWITCHES` of `chart` as nested Helm values (empty for other charts)."""
    values: dict[str, Any] = {}
    for switch in HOOK_SWITCHES.get(chart, ()):
        node = values
        *parents, leaf = switch.path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = switch.value
    return values


_ABSENT = object()


def _get(values: Mapping[str, Any], path: str) -> Any:
    node: Any = values
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return _ABSENT
        node = node[key]
    return node


def reenabled_hooks(chart: str, overrides: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """(values path, value given, why) for every hook switch or guard of `chart` that
    `overrides` (a `values_overrides` map) sets to another value."""
    found = []
    for switch in (*HOOK_SWITCHES.get(chart, ()), *HOOK_GUARDS.get(chart, ())):
        given = _get(overrides, switch.path)
        if given is not _ABSENT and given != switch.value:
            found.append((switch.path, given, switch.why))
    return found
