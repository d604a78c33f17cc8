"""kube-prometheus-stack and OpenTelemetry values: golden files and chart-key conformance."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import chart_defaults, require_upstream
from helpers.data_cases import assert_documented_in_comments, unknown_keys
from helpers.golden import check_golden
from pulumi_llmops.addons.observability.values import (
    SELECTOR_FLAGS,
    kube_prometheus_stack_values,
    opentelemetry_values,
)
from pulumi_llmops.config.observability import ObservabilitySpec, OpenTelemetrySpec
from pulumi_llmops.kube.helm import deep_merge

GOLDEN = Path(__file__).parent / "golden"
STAGING = {
    "retention_days": 30,
    "storage_gib": 200,
    "storage_class": "ceph-retain",
    "grafana_storage_gib": 10,
    "alertmanager_enabled": False,
}
CASES = {  # name -> (spec, target)
    "defaults": ({}, "onprem"),
    "staging": (STAGING, "onprem"),
    "eks": ({}, "eks"),
    "gke": ({}, "gke"),
    "aks": ({}, "aks"),
}


def render(case: str) -> dict:
    spec, target = CASES[case]
    return kube_prometheus_stack_values(ObservabilitySpec(**spec), target)


def kps_defaults() -> dict:
    """kube-prometheus-stack's defaults with its `grafana:` block completed by the grafana
    chart's own values (the block is passed to that subchart)."""
    kps = chart_defaults("kube-prometheus-stack", "88.5.3")
    grafana = deep_merge(chart_defaults("grafana", "12.11.1"), kps["grafana"])
    return {**kps, "grafana": grafana}


@pytest.mark.parametrize("case", sorted(CASES))
def test_kps_values_match_golden_file(case: str) -> None:
    check_golden(GOLDEN, f"kube-prometheus-stack-{case}", render(case))


@pytest.mark.parametrize("case", sorted(CASES))
def test_kps_values_keys_exist_in_the_pinned_charts(case: str) -> None:
    values = render(case)
    unknown = unknown_keys("kube-prometheus-stack", values, kps_defaults())
    assert set(unknown) <= {"grafana.persistence.storageClassName"}
    # documented in the grafana chart as `# storageClassName: default`
    if unknown:
        text = (require_upstream() / "charts" / "grafana" / "12.11.1" / "values.yaml").read_text()
        assert "# storageClassName: default" in text


def test_monitors_are_selected_without_the_release_label() -> None:
    spec = kube_prometheus_stack_values(ObservabilitySpec(), "onprem")["prometheus"][
        "prometheusSpec"
    ]
    assert all(spec[flag] is False for flag in SELECTOR_FLAGS)
    assert spec["retention"] == "15d"
    assert spec["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"] == {
        "requests": {"storage": "50Gi"}
    }


def test_grafana_admin_comes_from_the_generated_secret() -> None:
    grafana = kube_prometheus_stack_values(ObservabilitySpec(), "onprem")["grafana"]
    assert grafana["admin"] == {
        "existingSecret": "grafana-admin",
        "userKey": "admin-user",
        "passwordKey": "admin-password",
    }
    assert "adminPassword" not in grafana
    assert grafana["sidecar"]["dashboards"]["label"] == "grafana_dashboard"
    assert grafana["sidecar"]["dashboards"]["labelValue"] == "1"


def test_values_overrides_win() -> None:
    values = kube_prometheus_stack_values(
        ObservabilitySpec(
            values_overrides={
                "prometheus": {"prometheusSpec": {"retention": "90d"}},
                "grafana": {"enabled": False},
            }
        ),
        "onprem",
    )
    assert values["prometheus"]["prometheusSpec"]["retention"] == "90d"
    assert (
        values["prometheus"]["prometheusSpec"]["serviceMonitorSelectorNilUsesHelmValues"] is False
    )
    assert values["grafana"]["enabled"] is False


def test_the_operator_webhooks_and_tls_are_off_everywhere() -> None:
    """Their TLS Secret comes only from a pre-install hook Job, which Pulumi never runs: with
    TLS on, the operator Deployment would wait for it forever."""
    for case in CASES:
        assert render(case)["prometheusOperator"] == {
            "admissionWebhooks": {"enabled": False},
            "tls": {"enabled": False},
        }


@pytest.mark.parametrize("target", ["eks", "gke", "aks"])
def test_managed_control_planes_are_not_scraped(target: str) -> None:
    values = render(target)
    for component in ("kubeControllerManager", "kubeEtcd", "kubeScheduler", "kubeProxy"):
        assert values[component] == {"enabled": False}
    assert values["defaultRules"] == {
        "rules": {
            "etcd": False,
            "kubeControllerManager": False,
            "kubeProxy": False,
            "kubeSchedulerAlerting": False,
            "kubeSchedulerRecording": False,
        }
    }
    onprem = render("defaults")
    assert "kubeEtcd" not in onprem and "defaultRules" not in onprem


def test_opentelemetry_sets_mode_and_image() -> None:
    values = opentelemetry_values(OpenTelemetrySpec())
    assert values == {
        "mode": "deployment",
        "image": {"repository": "otel/opentelemetry-collector-k8s"},
        "command": {"name": "otelcol-k8s"},
    }
    assert unknown_keys("opentelemetry-collector", values) == []
    contrib = opentelemetry_values(
        OpenTelemetrySpec(mode="daemonset", image_repository="otel/opentelemetry-collector-contrib")
    )
    assert contrib == {
        "mode": "daemonset",
        "image": {"repository": "otel/opentelemetry-collector-contrib"},
    }


def test_commented_key_helper_rejects_a_made_up_key() -> None:
    with pytest.raises(AssertionError):
        assert_documented_in_comments("qdrant", ["persistence.notAKeyAnywhere"])
