"""Pure mappings from the neutral specs to GKE arguments. No Pulumi calls.

Upstream: https://cloud.google.com/kubernetes-engine/docs/how-to/gpus
"""

from __future__ import annotations

import math
from typing import Any

from ...catalog.shape import PoolShape, mig_slice
from ...config.gke import GkePoolSpec
from ...config.node_pool import GpuPoolSpec
from ..contracts import (
    GPU_TAINT,
    GPU_TAINT_KEY,
    POOL_LABEL,
    TAINT_EFFECTS,
    GpuPoolContract,
    gke_operator_managed,
)
from ..kubeconfig import exec_kubeconfig

SYSTEM_POOL_LABELS = {POOL_LABEL: "system"}
NODE_SERVICE_ACCOUNT_ROLES = (
    "roles/container.defaultNodeServiceAccount",
    "roles/artifactregistry.reader",
)
OAUTH_SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
REGIONAL_ZONES = 3
"""Zones a regional GKE cluster spreads node pools over unless node_locations says otherwise."""
KMS_ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"


def gke_managed_taint(key: str, value: str, effect: str) -> bool:
    """GKE puts `nvidia.com/gpu=present:NoSchedule` on every GPU node itself (a cluster with
    a non-GPU pool); sending it too duplicates the taint. Pods keep the toleration."""
    return (key, value, effect) == (GPU_TAINT_KEY, GPU_TAINT.value, GPU_TAINT.effect)


def kms_key_iam_id(key_name: str) -> str:
    """`projects/P/locations/L/keyRings/R/cryptoKeys/K` as `CryptoKeyIAMMember.crypto_key_id`
    wants it: `P/L/R/K`."""
    parts = key_name.split("/")
    return "/".join(parts[i] for i in (1, 3, 5, 7))


def gke_service_agent(project_number: str) -> str:
    """IAM member of the GKE service agent of a project (it encrypts etcd with the key)."""
    return f"serviceAccount:service-{project_number}@container-engine-robot.iam.gserviceaccount.com"


def subnetwork_self_link(project: str, region: str, subnetwork: str) -> str:
    """Self link of a subnetwork given by name (a path or URL is kept as given)."""
    if "/" in subnetwork:
        return subnetwork
    return (
        "https://www.googleapis.com/compute/v1/"
        f"projects/{project}/regions/{region}/subnetworks/{subnetwork}"
    )


def cloud_nat_args(project: str, region: str, subnetwork: str | None) -> dict[str, Any]:
    """`gcp.compute.RouterNat` keyword arguments (dict form), router excluded: automatic
    external IPs, the cluster's subnetwork (every range, so nodes and pods egress) or every
    subnetwork of the network, errors logged."""
    args: dict[str, Any] = {
        "project": project,
        "region": region,
        "nat_ip_allocate_option": "AUTO_ONLY",
        "log_config": {"enable": True, "filter": "ERRORS_ONLY"},
    }
    if subnetwork is None:
        args["source_subnetwork_ip_ranges_to_nat"] = "ALL_SUBNETWORKS_ALL_IP_RANGES"
    else:
        args["source_subnetwork_ip_ranges_to_nat"] = "LIST_OF_SUBNETWORKS"
        args["subnetworks"] = [
            {
                "name": subnetwork_self_link(project, region, subnetwork),
                "source_ip_ranges_to_nats": ["ALL_IP_RANGES"],
            }
        ]
    return args


def guest_accelerator(spec: GpuPoolSpec, shape: PoolShape) -> dict[str, Any]:
    """The node pool's `guest_accelerators[0]`: type, count, driver, GKE-native sharing."""
    gke = spec.gke or GkePoolSpec()
    accelerator: dict[str, Any] = {
        "type": gke.accelerator_type or shape.accelerator_type,
        "count": shape.gpu_count,
        "gpu_driver_installation_config": {"gpu_driver_version": gke.gpu_driver_version},
    }
    if spec.sharing is None or gke_operator_managed(spec):
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


RESERVATION_NAME_KEY = "compute.googleapis.com/reservation-name"


def reservation_affinity(spec: GpuPoolSpec) -> dict[str, Any] | None:
    """`node_config.reservation_affinity` of a pool with a reservation (None without one):
    SPECIFIC_RESERVATION by name (key `compute.googleapis.com/reservation-name`), or
    ANY_RESERVATION (open reservations first, then on-demand)."""
    reservation = spec.reservation
    if reservation is None:
        return None
    if reservation.affinity == "any":
        return {"consume_reservation_type": "ANY_RESERVATION"}
    return {
        "consume_reservation_type": "SPECIFIC_RESERVATION",
        "key": RESERVATION_NAME_KEY,
        "values": [reservation.id],
    }


def node_pool_args(
    spec: GpuPoolSpec, shape: PoolShape, contract: GpuPoolContract
) -> dict[str, Any]:
    """`gcp.container.NodePool` keyword arguments of a GPU pool, exactly as the provider takes
    them (nested inputs in dict form), wiring excluded: the component adds the cluster,
    project, location, and in `node_config` the service account and resource labels."""
    gke = spec.gke or GkePoolSpec()
    args: dict[str, Any] = {
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
                if not gke_managed_taint(t.key, t.value, t.effect)
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
    affinity = reservation_affinity(spec)
    if affinity is not None:
        args["node_config"]["reservation_affinity"] = affinity
    return args


def node_service_account_id(cluster_name: str) -> str:
    """account_id (6-30 chars) of the node service account made for a cluster."""
    return f"{cluster_name[:24].rstrip('-')}-nodes"


def cluster_id(project: str, location: str, name: str) -> str:
    return f"projects/{project}/locations/{location}/clusters/{name}"


def kubeconfig(cluster_name: str, endpoint: str, ca_data: str | None) -> str:
    """Kubeconfig (sorted JSON) that authenticates with gke-gcloud-auth-plugin. `ca_data`
    None: the DNS-based endpoint, whose certificate is publicly trusted."""
    return exec_kubeconfig(
        cluster_name,
        server=f"https://{endpoint}",
        ca_data=ca_data,
        user=f"{cluster_name}-gke",
        command="gke-gcloud-auth-plugin",
        extra={
            "installHint": "Install gke-gcloud-auth-plugin: "
            "gcloud components install gke-gcloud-auth-plugin",
            "provideClusterInfo": True,
        },
    )
