"""`Observability` on the mock engine: namespace, protection, secrets, CRDs, DCGM monitor."""

from __future__ import annotations

import json

from helpers import manifest_of, run_platform, validate_manifest
from helpers.data_cases import plain_manifest, platform, validate_cr
from pulumi_llmops.offline.recording import SECRET

NAME = "lab-observability"
CUSTOM = ("PodMonitor", "ServiceMonitor", "PrometheusRule")


def kids(recording) -> dict:
    component = recording.named(NAME)
    assert component.type == "llmops:addons:Observability"
    return {r.name: r for r in recording.children_of(component.urn)}


def test_default_children() -> None:
    recording, _ = run_platform(platform())
    assert {n: r.type.rsplit(":", 1)[-1] for n, r in kids(recording).items()} == {
        f"{NAME}-namespace": "Namespace",
        f"{NAME}-node-exporter-namespace": "Namespace",
        f"{NAME}-grafana-admin": "RandomPassword",
        f"{NAME}-grafana-admin-secret": "Secret",
        f"{NAME}-kube-prometheus-stack": "Chart",
        f"{NAME}-dashboard-cost": "ConfigMap",
        f"{NAME}-dashboard-gpu-fleet": "ConfigMap",
        f"{NAME}-dashboard-llm-serving": "ConfigMap",
        f"{NAME}-rules": "PrometheusRule",
        f"{NAME}-kserve-vllm": "PodMonitor",
        f"{NAME}-vector-db": "ServiceMonitor",
        f"{NAME}-prometheus-service": "Service",
    }


def test_only_node_exporter_runs_privileged_and_monitoring_is_retained() -> None:
    recording, _ = run_platform(platform())
    namespace = recording.named(f"{NAME}-namespace")
    assert namespace.inputs["metadata"]["name"] == "monitoring"
    assert namespace.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == (
        "baseline"
    )
    exporter = recording.named(f"{NAME}-node-exporter-namespace")
    assert exporter.inputs["metadata"]["name"] == "node-exporter"
    assert exporter.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == (
        "privileged"
    )
    chart = recording.named(f"{NAME}-kube-prometheus-stack")
    assert chart.inputs["values"]["prometheus-node-exporter"] == {
        "namespaceOverride": "node-exporter"
    }
    assert exporter.urn in chart.dependencies
    assert (namespace.protect, namespace.retain_on_delete) == (True, True)
    # retain_on_delete never reaches a chart's children (pulumi-kubernetes#3065): the
    # namespace and the StatefulSet's claims keep the data, so the chart itself is not held.
    assert (chart.protect, chart.retain_on_delete) == (False, False)
    assert (exporter.protect, exporter.retain_on_delete) == (False, False)  # holds no data
    assert chart.inputs["version"] == "88.5.3"


def test_allow_data_deletion_lifts_protection() -> None:
    recording, _ = run_platform(platform(observability={"allow_data_deletion": True}))
    assert not any(r.protect or r.retain_on_delete for r in kids(recording).values())


def test_grafana_password_is_generated_and_secret() -> None:
    recording, _ = run_platform(platform())
    secret = recording.named(f"{NAME}-grafana-admin-secret")
    assert secret.inputs["stringData"] is SECRET
    assert secret.inputs["metadata"]["name"] == "grafana-admin"
    values = recording.named(f"{NAME}-kube-prometheus-stack").inputs["values"]
    assert values["grafana"]["admin"]["existingSecret"] == "grafana-admin"
    assert recording.outputs["grafana_admin_password"] is SECRET
    text = json.dumps([dict(r.inputs) for r in recording], default=repr)
    assert f"offline-password-{NAME}-grafana-admin" not in text


def test_custom_resources_validate_against_upstream_crds() -> None:
    recording, _ = run_platform(platform(observability={"dcgm_service_monitor": True}))
    checked = 0
    for resource in kids(recording).values():
        if not resource.type.startswith("kubernetes:") or resource.type.endswith(":Chart"):
            continue
        manifest = manifest_of(resource)
        if manifest["kind"] in CUSTOM:
            validate_cr(manifest)
            checked += 1
        elif resource.type.startswith("kubernetes:core/"):
            validate_manifest(plain_manifest(resource))
    assert checked == 4  # rules, vLLM PodMonitor, DCGM and vector DB ServiceMonitors


def test_prometheus_rule_validates_and_carries_alerts_and_recording_rules() -> None:
    recording, _ = run_platform(platform(observability={"cost": {"gpu_usd_per_hour": {"L4": 0.8}}}))
    rule = manifest_of(recording.named(f"{NAME}-rules"))
    validate_cr(rule)
    groups = {g["name"]: g for g in rule["spec"]["groups"]}
    records = [r["record"] for r in groups["llmops.recording"]["rules"]]
    assert "llmops:gpu_hourly_cost_usd" in records
    assert len(groups["llmops.alerts"]["rules"]) == 5


def test_dcgm_monitor_is_not_duplicated_when_the_gpu_operator_ships_one() -> None:
    recording, _ = run_platform(platform())  # GPU pools -> the GPU operator is installed
    assert recording.named("lab-gpu-operator").type == "llmops:addons:GpuOperator"
    assert f"{NAME}-dcgm-exporter" not in recording.names()
    recording, _ = run_platform(platform(gpu_operator={"enabled": False}))
    monitor = manifest_of(recording.named(f"{NAME}-dcgm-exporter"))
    assert monitor["spec"]["selector"] == {"matchLabels": {"app": "nvidia-dcgm-exporter"}}
    assert monitor["spec"]["namespaceSelector"] == {"any": True}


def test_vllm_pod_monitor_targets_kserve_predictors_in_the_models_namespace() -> None:
    recording, _ = run_platform(platform(observability={"serving_metrics_port": 8000}))
    spec = manifest_of(recording.named(f"{NAME}-kserve-vllm"))["spec"]
    assert spec["namespaceSelector"] == {"matchNames": ["llmops-models"]}
    assert spec["podMetricsEndpoints"] == [
        {"portNumber": 8000, "path": "/metrics", "interval": "15s"}
    ]


def test_vector_db_monitor_authenticates_with_the_api_key_secret() -> None:
    recording, _ = run_platform(platform())
    monitor = recording.named(f"{NAME}-vector-db")
    spec = manifest_of(monitor)["spec"]
    assert manifest_of(monitor)["metadata"]["namespace"] == "llmops-vectordb"
    assert spec["endpoints"][0]["authorization"] == {
        "type": "Bearer",
        "credentials": {"name": "vector-db-api-key", "key": "api-key"},
    }
    assert recording.named("lab-vectordb-qdrant").urn in monitor.dependencies


def test_dashboards_ship_as_sidecar_configmaps_with_config_prices() -> None:
    recording, _ = run_platform(platform(observability={"cost": {"gpu_usd_per_hour": {"L4": 0.8}}}))
    cm = manifest_of(recording.named(f"{NAME}-dashboard-cost"))
    validate_manifest(cm)
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    dashboard = json.loads(cm["data"]["llmops-cost.json"])
    assert "L4 $0.8/GPU-h" in dashboard["description"]


def test_opentelemetry_collector_is_optional() -> None:
    recording, _ = run_platform(platform(observability={"opentelemetry": {"mode": "daemonset"}}))
    chart = recording.named(f"{NAME}-opentelemetry-collector")
    assert chart.inputs["chart"] == "opentelemetry-collector"
    assert chart.inputs["values"]["mode"] == "daemonset"


def test_disabled_creates_nothing() -> None:
    recording, _ = run_platform(platform(observability={"enabled": False}))
    assert not [n for n in recording.names() if n.startswith(NAME)]
    assert "grafana_admin_password" not in recording.outputs


def test_prometheus_gets_a_stable_service_address() -> None:
    recording, platform_ = run_platform(platform())
    service = manifest_of(recording.named(f"{NAME}-prometheus-service"))
    validate_manifest(service)
    assert service["metadata"]["name"] == "llmops-prometheus"
    assert service["spec"]["selector"] == {
        "app.kubernetes.io/managed-by": "prometheus-operator",
        "app.kubernetes.io/name": "prometheus",
    }
    assert service["spec"]["ports"] == [
        {"name": "http-web", "port": 9090, "protocol": "TCP", "targetPort": 9090}
    ]
    assert platform_.observability.prometheus_url == (
        "http://llmops-prometheus.monitoring.svc.cluster.local:9090"
    )
