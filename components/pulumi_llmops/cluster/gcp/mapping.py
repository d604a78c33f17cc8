"""Pure mappings from the neutral specs to GKE arguments. No Pulumi calls.

Upstream: https://cloud.google.com/kubernetes-engine/docs/how-to/gpus
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

from ...config.cloud import PoolShape, mig_slice
from ...config.gke import GkePoolSpec
from ...config.node_pool import GpuPoolSpec
from ..contract import (
    DEVICE_PLUGIN_CONFIG_LABEL,
    MIG_CONFIG_LABEL,
    GpuPoolContract,
    build_contract,
)

TAINT_EFFECTS = {
    "NoSchedule": "NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
}
NO_DEFAULT_DEVICE_PLUGIN_LABEL = "gke-no-default-nvidia-gpu-device-plugin"
NODE_SERVICE_ACCOUNT_ROLES = (
    "roles/container.defaultNodeServiceAccount",
    "roles/artifactregistry.reader",
)
OAUTH_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
REGIONAL_ZONES = 3
"""Zones a regional GKE cluster spreads node pools over unless node_locations says otherwise."""


def operator_managed(spec: GpuPoolSpec) -> bool:
    """The GPU operator, not GKE, installs the driver and device plugin on this pool."""
    return (spec.gke or GkePoolSpec()).gpu_driver_version == "INSTALLATION_DISABLED"


def gke_pool_contract(pool: str, spec: GpuPoolSpec, shape: PoolShape) -> GpuPoolContract:
    """The pool's contract on GKE.

    With GKE-managed drivers, GPU sharing is GKE's own (time-sharing / MIG partitions on
    the node pool), so the GPU-operator selector labels are dropped: nothing reads them and
    a MIG manager acting on them would fight GKE. With INSTALLATION_DISABLED the operator
    does everything: its labels stay and GKE's device plugin is switched off by label.
    """
    contract = build_contract(
        pool,
        spec,
        "gke",
        gpu_model=shape.gpu_model,
        gpus_per_node=shape.gpu_count,
        gpu_memory_gib=shape.gpu_memory_gib,
    )
    labels = dict(contract.labels)
    if operator_managed(spec):
        labels[NO_DEFAULT_DEVICE_PLUGIN_LABEL] = "true"
    else:
        labels.pop(DEVICE_PLUGIN_CONFIG_LABEL, None)
        labels.pop(MIG_CONFIG_LABEL, None)
    labels.update(spec.additional_labels)
    return replace(contract, labels=dict(sorted(labels.items())))


def guest_accelerator(spec: GpuPoolSpec, shape: PoolShape) -> dict[str, Any]:
    """The node pool's `guest_accelerators[0]`: type, count, driver, GKE-native sharing."""
    gke = spec.gke or GkePoolSpec()
    accelerator: dict[str, Any] = {
        "type": gke.accelerator_type or shape.accelerator_type,
        "count": shape.gpu_count,
        "gpu_driver_installation_config": {"gpu_driver_version": gke.gpu_driver_version},
    }
    if spec.sharing is None or operator_managed(spec):
        return accelerator
    if spec.sharing.time_slicing:
        accelerator["gpu_sharing_config"] = {
            "gpu_sharing_strategy": gke.sharing_strategy,
            "max_shared_clients_per_gpu": spec.sharing.time_slicing.replicas,
        }
    elif spec.sharing.mig:
        accelerator["gpu_partition_size"] = mig_slice(spec.sharing.mig.profile)
    return accelerator


def initial_node_count(spec: GpuPoolSpec) -> int:
    """Nodes per zone at creation: min_nodes spread over the pool's zones, rounded up."""
    zones = len((spec.gke or GkePoolSpec()).node_locations) or REGIONAL_ZONES
    return math.ceil(spec.min_nodes / zones)


def node_pool_args(
    spec: GpuPoolSpec, shape: PoolShape, contract: GpuPoolContract
) -> dict[str, Any]:
    """Plain `gcp.container.NodePool` arguments of a GPU pool (wiring excluded)."""
    gke = spec.gke or GkePoolSpec()
    return {
        "node_locations": list(gke.node_locations) or None,
        "initial_node_count": initial_node_count(spec),
        "autoscaling": {
            "total_min_node_count": spec.min_nodes,
            "total_max_node_count": spec.max_nodes,
            # ANY lets spot capacity come from whichever zone has it.
            "location_policy": "ANY" if spec.spot else "BALANCED",
        },
        "management": {"auto_repair": True, "auto_upgrade": True},
        "node_config": {
            "machine_type": spec.machine_type,
            "disk_size_gb": spec.disk_size_gib,
            "disk_type": gke.disk_type,
            "image_type": gke.image_type,
            "spot": spec.spot,
            "labels": dict(contract.labels),
            "taints": [
                {"key": t.key, "value": t.value, "effect": TAINT_EFFECTS[t.effect]}
                for t in contract.taints
            ],
            "guest_accelerators": [guest_accelerator(spec, shape)],
            "oauth_scopes": list(OAUTH_SCOPES),
            "workload_metadata_config": {"mode": "GKE_METADATA"},
            "shielded_instance_config": {
                "enable_secure_boot": True,
                "enable_integrity_monitoring": True,
            },
        },
    }


def node_service_account_id(cluster_name: str) -> str:
    """account_id (6-30 chars) of the node service account made for a cluster."""
    return f"{cluster_name[:24].rstrip('-')}-nodes"


def cluster_id(project: str, location: str, name: str) -> str:
    return f"projects/{project}/locations/{location}/clusters/{name}"


def kubeconfig(cluster_name: str, endpoint: str, ca_data: str) -> str:
    """Kubeconfig (sorted JSON) that authenticates with gke-gcloud-auth-plugin."""
    user = f"{cluster_name}-gke"
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": cluster_name,
                    "cluster": {
                        "server": f"https://{endpoint}",
                        "certificate-authority-data": ca_data,
                    },
                }
            ],
            "contexts": [
                {"name": cluster_name, "context": {"cluster": cluster_name, "user": user}}
            ],
            "current-context": cluster_name,
            "users": [
                {
                    "name": user,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "gke-gcloud-auth-plugin",
                            "installHint": "Install gke-gcloud-auth-plugin: "
                            "gcloud components install gke-gcloud-auth-plugin",
                            "provideClusterInfo": True,
                            "interactiveMode": "Never",
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )
