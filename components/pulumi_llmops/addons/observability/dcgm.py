"""NVIDIA's dcgm-exporter on GKE pools whose drivers GKE installs (pure object builders).

With GKE-managed drivers no GPU operator runs, so nothing else exports DCGM metrics to this
Prometheus. The DaemonSet follows what Google documents for running the exporter on GKE
(https://cloud.google.com/stackdriver/docs/managed-prometheus/exporters/nvidia-dcgm, whose
manifest is GoogleCloudPlatform/prometheus-engine examples/nvidia-dcgm/exporter.yaml, read
2026-11) and what the GPU operator runs on its own path (NVIDIA/gpu-operator
assets/state-dcgm-exporter/0800_daemonset.yaml), with the DCGM host engine embedded in the
exporter as the operator does by default (chart values `dcgm.enabled: false`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...cluster.contracts import GpuPoolContract
from ...config.observability import GkeDcgmExporterSpec
from ...kube.priority import critical_pods_quota_spec

NAME = "llmops-dcgm-exporter"
APP_LABELS = {"app": "nvidia-dcgm-exporter"}
"""Pod and Service label the library's DCGM ServiceMonitor selects (monitors.py)."""
PORT_NAME = "gpu-metrics"
"""Service port name the library's DCGM ServiceMonitor scrapes (monitors.py)."""
PORT = 9400
"""dcgm-exporter's default listen port (`DCGM_EXPORTER_LISTEN=:9400` in both upstream manifests)."""
GKE_ACCELERATOR_LABEL = "cloud.google.com/gke-accelerator"
"""GKE puts it on every GPU node (its value is the accelerator type); Google's manifest and
GKE's own driver installers (GoogleCloudPlatform/container-engine-accelerators
nvidia-driver-installer/*/daemonset*.yaml) select GPU nodes by its existence."""
GKE_DRIVER_HOST_PATH = "/home/kubernetes/bin/nvidia"
"""Where GKE's driver installer puts the driver's libraries and tools on the node, COS and
Ubuntu alike (`NVIDIA_INSTALL_DIR_HOST` in container-engine-accelerators' installers)."""
DRIVER_MOUNT_PATH = "/usr/local/nvidia"
"""Where GKE's device plugin mounts that directory into GPU containers (container-path), and
where Google's exporter manifest mounts it, with LD_LIBRARY_PATH at its lib64."""
POD_RESOURCES_PATH = "/var/lib/kubelet/pod-resources"
"""The kubelet's PodResources socket directory: which pod holds which GPU (the exporter's
`pod`, `namespace`, `container` labels); mounted read-only, as the GPU operator does."""
COLLECTORS = "/etc/dcgm-exporter/dcp-metrics-included.csv"
"""The field list shipped in the image that the GPU operator selects
(`DCGM_EXPORTER_COLLECTORS`): it includes the profiling fields the dashboards and
`llmops:gpu_busy_percent` read (DCGM_FI_PROF_GR_ENGINE_ACTIVE, _PIPE_TENSOR_ACTIVE,
_DRAM_ACTIVE) besides FB_USED/FB_FREE, GPU_UTIL and XID_ERRORS."""
PRIORITY_CLASS = "system-node-critical"
"""As the GPU operator's exporter and GKE's own node agents: a node agent is not evicted
before the workloads it observes."""


def _mib(value: int) -> str:
    return f"{value}Mi"


def node_affinity(pools: Mapping[str, GpuPoolContract]) -> dict[str, Any]:
    """Required node affinity: one term per pool (terms are ORed), each a GKE GPU node
    (`cloud.google.com/gke-accelerator` exists) carrying that pool's node selector."""
    terms = []
    for _pool, contract in sorted(pools.items()):
        expressions = [{"key": GKE_ACCELERATOR_LABEL, "operator": "Exists"}]
        expressions += [
            {"key": key, "operator": "In", "values": [value]}
            for key, value in sorted(contract.node_selector.items())
        ]
        terms.append({"matchExpressions": expressions})
    return {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}


def tolerations(pools: Mapping[str, GpuPoolContract]) -> list[dict[str, str]]:
    """The pools' own taints, tolerated (deduplicated, sorted): not a blanket `Exists`, so
    the exporter stays off nodes whose taints say "not for agents" beyond the pool's."""
    seen = {
        tuple(sorted(t.items())): t for contract in pools.values() for t in contract.tolerations
    }
    return [seen[key] for key in sorted(seen)]


def _env() -> list[dict[str, Any]]:
    return [
        # The `Hostname` label the rules, alerts and dashboards group by: the node's name
        # (dcgm-exporter reads NODE_NAME, else the pod's hostname: internal/pkg/hostname).
        {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
        {"name": "DCGM_EXPORTER_LISTEN", "value": f":{PORT}"},
        # pod/namespace/container labels from the kubelet's PodResources API.
        {"name": "DCGM_EXPORTER_KUBERNETES", "value": "true"},
        # GKE's device plugin names GPUs `nvidia0`, MIG partitions `nvidia0/gi0`, not by
        # UUID: matching by device name is what attributes them to pods (Google's manifest;
        # NVIDIA/dcgm-exporter#92 and #97 for MIG).
        {"name": "DCGM_EXPORTER_KUBERNETES_GPU_ID_TYPE", "value": "device-name"},
        {"name": "DCGM_EXPORTER_COLLECTORS", "value": COLLECTORS},
        # libnvidia-ml comes from the node's GKE-installed driver, not from the image.
        {"name": "LD_LIBRARY_PATH", "value": f"{DRIVER_MOUNT_PATH}/lib64"},
    ]


def _container(spec: GkeDcgmExporterSpec, image: str) -> dict[str, Any]:
    probe = {"httpGet": {"path": "/health", "port": PORT}, "initialDelaySeconds": 45}
    return {
        "name": "dcgm-exporter",
        "image": image,
        "env": _env(),
        "ports": [{"name": PORT_NAME, "containerPort": PORT, "protocol": "TCP"}],
        "livenessProbe": {**probe, "periodSeconds": 5},
        "readinessProbe": probe,
        "resources": {
            "requests": {
                "cpu": f"{spec.cpu_request_millicores}m",
                "memory": _mib(spec.memory_request_mib),
            },
            "limits": {"memory": _mib(spec.memory_limit_mib)},
        },
        # Privileged, as in both upstream manifests, for two needs: the exporter requests no
        # nvidia.com/gpu (it would take a GPU from workloads), so GKE's device plugin gives it
        # no /dev/nvidia* device and only privileged opens the device cgroup to them; and
        # DCGM's profiling fields need CAP_SYS_ADMIN. Root: the PodResources socket is
        # root-only. No hostPID/hostNetwork: attribution goes through that socket, and
        # Prometheus scrapes the pod IP.
        "securityContext": {"privileged": True, "runAsUser": 0},
        "volumeMounts": [
            {"name": "nvidia-install-dir-host", "mountPath": DRIVER_MOUNT_PATH, "readOnly": True},
            {"name": "pod-resources", "mountPath": POD_RESOURCES_PATH, "readOnly": True},
        ],
    }


def daemonset(
    namespace: str,
    pools: Mapping[str, GpuPoolContract],
    spec: GkeDcgmExporterSpec,
    image: str,
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The exporter DaemonSet on exactly `pools` (GKE pools with GKE-managed drivers)."""
    pod_labels = {**labels, **APP_LABELS}
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": NAME, "namespace": namespace, "labels": pod_labels},
        "spec": {
            "selector": {"matchLabels": dict(APP_LABELS)},
            "updateStrategy": {"type": "RollingUpdate"},
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {
                    "affinity": {"nodeAffinity": node_affinity(pools)},
                    "tolerations": tolerations(pools),
                    "priorityClassName": PRIORITY_CLASS,
                    # Pod labels/UIDs are off (as the operator's defaults), so the exporter
                    # never calls the API server: no token, no RBAC.
                    "automountServiceAccountToken": False,
                    "containers": [_container(spec, image)],
                    "volumes": [
                        {
                            "name": "nvidia-install-dir-host",
                            "hostPath": {"path": GKE_DRIVER_HOST_PATH, "type": "Directory"},
                        },
                        {
                            "name": "pod-resources",
                            "hostPath": {"path": POD_RESOURCES_PATH, "type": "Directory"},
                        },
                    ],
                },
            },
        },
    }


def service(namespace: str, labels: Mapping[str, str]) -> dict[str, Any]:
    """The ClusterIP Service the library's DCGM ServiceMonitor selects (label and port)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": NAME, "namespace": namespace, "labels": {**labels, **APP_LABELS}},
        "spec": {
            "type": "ClusterIP",
            "selector": dict(APP_LABELS),
            "ports": [
                {"name": PORT_NAME, "port": PORT, "targetPort": PORT_NAME, "protocol": "TCP"}
            ],
        },
    }


def critical_pods_quota(
    namespace: str, pools: Mapping[str, GpuPoolContract], labels: Mapping[str, str]
) -> dict[str, Any]:
    """GKE admits system-node-critical pods outside kube-system only under a ResourceQuota
    scoped to those priority classes: room for one exporter pod per node the pools may
    grow to (their `max_nodes` summed), plus one for a pod replaced during a rollout."""
    pods = sum(contract.max_nodes for contract in pools.values()) + 1
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {
            "name": f"{NAME}-critical-pods",
            "namespace": namespace,
            "labels": dict(labels),
        },
        "spec": critical_pods_quota_spec(pods),
    }
