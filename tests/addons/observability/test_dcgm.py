"""The library's dcgm-exporter on GKE pools with GKE-managed drivers: exactly those pools,
the objects' exact fields, the Service the DCGM ServiceMonitor selects, the off switch,
schema validity, and the image the pinned GPU operator chart runs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from helpers import built_objects, run, run_platform, validate_built_objects
from helpers.cloud_configs import platform
from helpers.engine import onprem_platform
from helpers.upstream import chart_defaults, require_upstream
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.program import main
from pulumi_llmops.versions import CHARTS, IMAGES

ROOT = Path(__file__).resolve().parents[3]
OBS = "ml-observability"
DS = f"{OBS}-dcgm-exporter-daemonset"
GPU_TOLERATION = {
    "key": "nvidia.com/gpu",
    "operator": "Equal",
    "value": "present",
    "effect": "NoSchedule",
}
IMAGE = "nvcr.io/nvidia/k8s/dcgm-exporter:4.6.0-4.8.3-distroless"
ENV = [
    {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
    {"name": "DCGM_EXPORTER_LISTEN", "value": ":9400"},
    {"name": "DCGM_EXPORTER_KUBERNETES", "value": "true"},
    {"name": "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE", "value": "device-name"},
    {"name": "DCGM_EXPORTER_COLLECTORS", "value": "/etc/dcgm-exporter/dcp-metrics-included.csv"},
    {"name": "LD_LIBRARY_PATH", "value": "/usr/local/nvidia/lib64"},
]


def _term(pool: str) -> dict[str, Any]:
    return {
        "matchExpressions": [
            {"key": "cloud.google.com/gke-accelerator", "operator": "Exists"},
            {"key": "llmops.dev/pool", "operator": "In", "values": [pool]},
        ]
    }


def _gke(**pools: dict[str, Any]) -> dict[str, Any]:
    return platform("gke", None, **pools) if pools else platform("gke")


def _names(recording) -> set[str]:
    return {r.name for r in recording}


def _prod_gke():
    stack = read_stack_file(ROOT / "stacks" / "Pulumi.prod-gke.yaml")
    recording, _ = run(main, stack.config, stack.secret_keys)
    return recording


def test_prod_gke_runs_the_exporter_on_both_of_its_gke_managed_pools() -> None:
    recording = _prod_gke()
    obs = "prod-llm-observability"
    ds = recording.named(f"{obs}-dcgm-exporter-daemonset")
    assert ds.type == "kubernetes:apps/v1:DaemonSet"
    assert ds.parent == recording.named(obs).urn
    assert ds.inputs["metadata"] == {
        "name": "llmops-dcgm-exporter",
        "namespace": "dcgm-exporter",
        "labels": {
            "app.kubernetes.io/part-of": "llmops-observability",
            "team": "ml-platform",
            "cost-center": "cc-4711",
            "app": "nvidia-dcgm-exporter",
        },
    }
    pod = ds.inputs["spec"]["template"]["spec"]
    # The stack's pools in name order: a100-mig (GKE MIG), l4-shared (GKE time-sharing).
    assert pod["affinity"]["nodeAffinity"] == {
        "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [_term("a100-mig"), _term("l4-shared")]
        }
    }
    assert pod["tolerations"] == [GPU_TOLERATION]
    namespace = recording.named(f"{obs}-dcgm-exporter-namespace")
    assert namespace.inputs["metadata"]["name"] == "dcgm-exporter"
    assert namespace.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == (
        "privileged"
    )
    quota = recording.named(f"{obs}-dcgm-exporter-critical-pods")
    # max_nodes 4 + 6, plus one for a rollout.
    assert quota.inputs["spec"]["hard"] == {"pods": "11"}
    assert {namespace.urn, quota.urn} <= set(ds.dependencies)
    # The library's DCGM ServiceMonitor exists (no GPU operator on this stack) and selects it.
    assert f"{obs}-dcgm-exporter" in _names(recording)
    assert "prod-llm-gpu-operator" not in _names(recording)


def test_prod_gke_exporter_objects_validate_against_the_official_schemas() -> None:
    objects = [
        (name, obj)
        for name, obj in built_objects(_prod_gke())
        if name.startswith("prod-llm-observability-dcgm-exporter-")
    ]
    assert sorted(name for name, _ in objects) == [
        "prod-llm-observability-dcgm-exporter-critical-pods",
        "prod-llm-observability-dcgm-exporter-daemonset",
        "prod-llm-observability-dcgm-exporter-namespace",
        "prod-llm-observability-dcgm-exporter-service",
    ]
    validate_built_objects(objects, crd_groups=(), version="1.33.0")


def test_the_pod_template_exactly() -> None:
    recording, _ = run_platform(_gke())
    spec = recording.named(DS).inputs["spec"]
    assert spec["selector"] == {"matchLabels": {"app": "nvidia-dcgm-exporter"}}
    assert spec["updateStrategy"] == {"type": "RollingUpdate"}
    assert spec["template"]["metadata"]["labels"]["app"] == "nvidia-dcgm-exporter"
    pod = spec["template"]["spec"]
    assert pod["priorityClassName"] == "system-node-critical"
    assert pod["automountServiceAccountToken"] is False
    assert "hostPID" not in pod and "hostNetwork" not in pod
    assert pod["volumes"] == [
        {
            "name": "nvidia-install-dir-host",
            "hostPath": {"path": "/home/kubernetes/bin/nvidia", "type": "Directory"},
        },
        {
            "name": "pod-resources",
            "hostPath": {"path": "/var/lib/kubelet/pod-resources", "type": "Directory"},
        },
    ]
    [container] = pod["containers"]
    assert container["name"] == "dcgm-exporter"
    assert container["image"] == IMAGE
    assert container["env"] == ENV
    assert container["ports"] == [
        {"name": "gpu-metrics", "containerPort": 9400.0, "protocol": "TCP"}
    ]
    assert container["securityContext"] == {"privileged": True, "runAsUser": 0.0}
    assert container["volumeMounts"] == [
        {"name": "nvidia-install-dir-host", "mountPath": "/usr/local/nvidia", "readOnly": True},
        {"name": "pod-resources", "mountPath": "/var/lib/kubelet/pod-resources", "readOnly": True},
    ]
    assert container["resources"] == {
        "requests": {"cpu": "100m", "memory": "512Mi"},
        "limits": {"memory": "1024Mi"},
    }
    assert container["readinessProbe"] == {
        "httpGet": {"path": "/health", "port": 9400.0},
        "initialDelaySeconds": 45.0,
    }
    assert container["livenessProbe"] == {
        "httpGet": {"path": "/health", "port": 9400.0},
        "initialDelaySeconds": 45.0,
        "periodSeconds": 5.0,
    }


def test_the_service_is_what_the_dcgm_service_monitor_selects() -> None:
    recording, _ = run_platform(_gke())
    service = recording.named(f"{OBS}-dcgm-exporter-service")
    monitor = recording.named(f"{OBS}-dcgm-exporter").inputs["spec"]
    assert service.inputs["metadata"]["namespace"] == "dcgm-exporter"
    assert monitor["namespaceSelector"] == {"any": True}
    selected = monitor["selector"]["matchLabels"]
    assert selected == {"app": "nvidia-dcgm-exporter"}
    assert selected.items() <= service.inputs["metadata"]["labels"].items()
    assert [e["port"] for e in monitor["endpoints"]] == ["gpu-metrics"]
    assert service.inputs["spec"] == {
        "type": "ClusterIP",
        "selector": {"app": "nvidia-dcgm-exporter"},
        "ports": [
            {"name": "gpu-metrics", "port": 9400.0, "targetPort": "gpu-metrics", "protocol": "TCP"}
        ],
    }
    # The Service selects the DaemonSet's pods.
    pod_labels = recording.named(DS).inputs["spec"]["template"]["metadata"]["labels"]
    assert service.inputs["spec"]["selector"].items() <= pod_labels.items()


def test_the_pool_s_own_labels_and_taints_from_its_contract() -> None:
    pools = {
        "l4": {
            "machine_type": "g2-standard-8",
            "max_nodes": 3,
            "additional_taints": {"team": {"value": "research", "effect": "NoSchedule"}},
            "gke": {"node_locations": ["us-central1-a"]},
        },
        "small": {
            "machine_type": "g2-standard-4",
            "max_nodes": 2,
            "gpu_taint": False,
            "gke": {"node_locations": ["us-central1-a"]},
        },
    }
    recording, _ = run_platform(_gke(**pools))
    ds = recording.named(DS).inputs["spec"]["template"]["spec"]
    assert ds["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == {
        "nodeSelectorTerms": [_term("l4"), _term("small")]
    }
    assert ds["tolerations"] == [
        GPU_TOLERATION,
        {"key": "team", "operator": "Equal", "value": "research", "effect": "NoSchedule"},
    ]
    quota = recording.named(f"{OBS}-dcgm-exporter-critical-pods")
    assert quota.inputs["spec"] == {
        "hard": {"pods": "6"},
        "scopeSelector": {
            "matchExpressions": [
                {
                    "operator": "In",
                    "scopeName": "PriorityClass",
                    "values": ["system-node-critical", "system-cluster-critical"],
                }
            ]
        },
    }


def test_pools_on_the_gpu_operator_path_get_the_operator_s_exporter_not_this_one() -> None:
    gke = {"gpu_driver_version": "INSTALLATION_DISABLED", "image_type": "UBUNTU_CONTAINERD"}
    pools = {
        "l4": {
            "machine_type": "g2-standard-8",
            "max_nodes": 2,
            "gke": {"node_locations": ["us-central1-a"], **gke},
        }
    }
    recording, _ = run_platform(_gke(**pools))
    names = _names(recording)
    assert not {n for n in names if n.startswith(f"{OBS}-dcgm-exporter-")}
    operator = recording.named("ml-gpu-operator-chart")
    assert operator.inputs["values"]["dcgmExporter"] == {
        "enabled": True,
        "serviceMonitor": {"enabled": True},
    }
    # The operator's chart brings its own monitor: the library's would double the series.
    assert f"{OBS}-dcgm-exporter" not in names


def test_a_gpu_operator_switched_on_by_hand_runs_the_only_exporter() -> None:
    data = _gke()
    data["addons"] = {"gpu_operator": {"enabled": True}}
    recording, _ = run_platform(data)
    assert DS not in _names(recording)
    assert recording.named("ml-gpu-operator-chart").inputs["values"]["dcgmExporter"]["enabled"]


@pytest.mark.parametrize("target", ["eks", "aks"])
def test_other_clouds_get_no_exporter_from_this_library(target: str) -> None:
    recording, _ = run_platform(platform(target))
    assert not [r.name for r in recording if r.type == "kubernetes:apps/v1:DaemonSet"]
    assert not [n for n in _names(recording) if "dcgm-exporter-" in n]


def test_on_prem_gets_no_exporter_from_this_library() -> None:
    recording, _ = run_platform(onprem_platform())
    assert not [r.name for r in recording if r.type == "kubernetes:apps/v1:DaemonSet"]


def test_the_off_switch_keeps_the_monitor_and_drops_the_exporter() -> None:
    data = _gke()
    data["addons"] = {"observability": {"gke_dcgm_exporter": {"enabled": False}}}
    recording, _ = run_platform(data)
    names = _names(recording)
    assert not {n for n in names if n.startswith(f"{OBS}-dcgm-exporter-")}
    assert f"{OBS}-dcgm-exporter" in names  # the ServiceMonitor, for an exporter of your own


def test_no_observability_no_exporter() -> None:
    data = _gke()
    data["addons"] = {"observability": {"enabled": False}}
    recording, _ = run_platform(data)
    assert not [r.name for r in recording if r.type == "kubernetes:apps/v1:DaemonSet"]


def test_namespace_image_and_resources_are_configurable() -> None:
    data = _gke()
    data["addons"] = {
        "observability": {
            "gke_dcgm_exporter": {
                "namespace": "gpu-metrics",
                "image": "registry.internal/dcgm-exporter:4.6.0-4.8.3-distroless",
                "cpu_request_millicores": 50,
                "memory_request_mib": 256,
                "memory_limit_mib": 2048,
            }
        }
    }
    recording, _ = run_platform(data)
    ds = recording.named(DS).inputs
    assert ds["metadata"]["namespace"] == "gpu-metrics"
    [container] = ds["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "registry.internal/dcgm-exporter:4.6.0-4.8.3-distroless"
    assert container["resources"] == {
        "requests": {"cpu": "50m", "memory": "256Mi"},
        "limits": {"memory": "2048Mi"},
    }
    for suffix in ("namespace", "critical-pods", "service"):
        resource = recording.named(f"{OBS}-dcgm-exporter-{suffix}")
        assert resource.inputs["metadata"].get(
            "name" if suffix == "namespace" else "namespace"
        ) == ("gpu-metrics")


def test_a_memory_limit_below_the_request_is_one_path_named_problem() -> None:
    data = copy.deepcopy(_gke())
    data["addons"] = {"observability": {"gke_dcgm_exporter": {"memory_limit_mib": 256}}}
    with pytest.raises(ConfigError) as info:
        load_platform_config(data)
    assert [p.render() for p in info.value.problems] == [
        "addons.observability.gke_dcgm_exporter.memory_limit_mib: must be at least "
        "memory_request_mib (512) (got 256)"
    ]


def test_the_image_is_the_one_the_pinned_gpu_operator_chart_runs() -> None:
    require_upstream()
    pin = CHARTS["gpu-operator"]
    exporter = chart_defaults(pin.chart_name, pin.version)["dcgmExporter"]
    expected = f"{exporter['repository']}/{exporter['image']}:{exporter['version']}"
    assert IMAGES["dcgm-exporter"] == expected == IMAGE
