"""Helm values of kube-prometheus-stack and the OpenTelemetry collector (pure functions).

kube-prometheus-stack: https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack
"""

from __future__ import annotations

from typing import Any

from ...config.observability import ObservabilitySpec, OpenTelemetrySpec
from ...kube import deep_merge, hook_switch_values
from ...targets import target_info

GRAFANA_ADMIN_SECRET = "grafana-admin"
GRAFANA_USER_KEY = "admin-user"
GRAFANA_PASSWORD_KEY = "admin-password"

MANAGED_CONTROL_PLANE_SCRAPES = ("kubeControllerManager", "kubeEtcd", "kubeScheduler", "kubeProxy")
"""Scrape targets that do not exist on EKS, GKE and AKS: the cloud runs the control plane
(controller manager, etcd, scheduler) out of reach, and kube-proxy's metrics listen on
localhost or are replaced by the dataplane (GKE Dataplane V2, AKS Cilium)."""
MANAGED_CONTROL_PLANE_RULES = (
    "kubeControllerManager",
    "etcd",
    "kubeSchedulerAlerting",
    "kubeSchedulerRecording",
    "kubeProxy",
)
"""The chart's `defaultRules.rules` groups for those targets (their down alerts would fire
forever)."""

SELECTOR_FLAGS = (
    "ruleSelectorNilUsesHelmValues",
    "serviceMonitorSelectorNilUsesHelmValues",
    "podMonitorSelectorNilUsesHelmValues",
    "probeSelectorNilUsesHelmValues",
    "scrapeConfigSelectorNilUsesHelmValues",
)


def kube_prometheus_stack_values(spec: ObservabilitySpec, target: str) -> dict[str, Any]:
    """Retention and a PVC for Prometheus, monitors picked up from every namespace without the
    release label, Grafana's admin from a generated Secret, dashboards from labelled ConfigMaps.

    The operator's admission webhooks and TLS are off (`kube.hooks.HOOK_SWITCHES`: their
    certificate comes from a Helm hook Pulumi never runs). On cloud targets the managed
    control plane's scrape targets and their default rules are off.
    """
    claim: dict[str, Any] = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": f"{spec.storage_gib}Gi"}},
    }
    if spec.storage_class:
        claim["storageClassName"] = spec.storage_class
    prometheus_spec: dict[str, Any] = {
        "retention": f"{spec.retention_days}d",
        "storageSpec": {"volumeClaimTemplate": {"spec": claim}},
        **{flag: False for flag in SELECTOR_FLAGS},
    }
    grafana: dict[str, Any] = {
        "admin": {
            "existingSecret": GRAFANA_ADMIN_SECRET,
            "userKey": GRAFANA_USER_KEY,
            "passwordKey": GRAFANA_PASSWORD_KEY,
        },
        "sidecar": {
            "dashboards": {
                "enabled": True,
                "label": "grafana_dashboard",
                "labelValue": "1",
                "searchNamespace": "ALL",
                "folderAnnotation": "grafana_folder",
                "provider": {"foldersFromFilesStructure": True},
            }
        },
    }
    if spec.grafana_storage_gib is not None:
        persistence: dict[str, Any] = {"enabled": True, "size": f"{spec.grafana_storage_gib}Gi"}
        if spec.storage_class:
            persistence["storageClassName"] = spec.storage_class
        grafana["persistence"] = persistence
    values = {
        # node-exporter needs hostNetwork/hostPID/hostPath: alone in a privileged namespace, so
        # the rest of the stack runs under `baseline`.
        "prometheus-node-exporter": {"namespaceOverride": spec.node_exporter_namespace},
        "prometheus": {"prometheusSpec": prometheus_spec},
        "grafana": grafana,
        "alertmanager": {"enabled": spec.alertmanager_enabled},
    }
    if target_info(target).is_cloud:
        for component in MANAGED_CONTROL_PLANE_SCRAPES:
            values[component] = {"enabled": False}
        values["defaultRules"] = {"rules": {r: False for r in MANAGED_CONTROL_PLANE_RULES}}
    values = deep_merge(values, hook_switch_values("kube-prometheus-stack"))
    return deep_merge(values, spec.values_overrides)


def opentelemetry_values(spec: OpenTelemetrySpec) -> dict[str, Any]:
    """The chart refuses to render without `mode` and `image.repository`."""
    values: dict[str, Any] = {"mode": spec.mode, "image": {"repository": spec.image_repository}}
    if spec.image_repository.endswith("-k8s"):
        values["command"] = {"name": "otelcol-k8s"}
    return deep_merge(values, spec.values_overrides)
