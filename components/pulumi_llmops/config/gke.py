"""`gke:` blocks of the cluster and GPU pool specs: options that only exist on Google GKE.

Upstream: https://cloud.google.com/kubernetes-engine/docs/how-to/gpus
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .base import Spec
from .eks import Cidr
from .errors import Problem, raise_if_any

GceZone = Annotated[str, StringConstraints(pattern=r"^[a-z]+-[a-z]+\d+-[a-z]$")]
GkeDriverVersion = Literal["DEFAULT", "LATEST", "INSTALLATION_DISABLED"]

_CREATE_ONLY = (
    "network",
    "subnetwork",
    "release_channel",
    "public_endpoint_cidrs",
    "master_ipv4_cidr_block",
    "deletion_protection",
    "database_encryption_key",
    "system_machine_type",
    "system_nodes_per_zone",
    "dataplane",
    "dns_endpoint",
    "cloud_nat",
    "grant_kms_key",
    "autoscaling_profile",
)


class GkeClusterSpec(Spec):
    """GKE cluster options (`cluster.gke`): a regional Standard cluster, or adopt one by name."""

    project: str = Field(
        pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$",
        description="Google Cloud project id. Required.",
    )
    existing: bool = Field(
        False,
        description=(
            "Adopt the existing regional cluster named `cluster.name` in `region`. Only the "
            "node service account (unless existing_node_service_account) and the GPU node "
            "pools are created."
        ),
    )
    network: str = Field("default", min_length=1, description="VPC network.")
    subnetwork: str | None = Field(
        None, min_length=1, description="Subnetwork. Default: the network's subnet in the region."
    )
    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = Field(
        "REGULAR", description="GKE release channel (automatic upgrades)."
    )
    public_endpoint_cidrs: list[Cidr] = Field(
        default_factory=list,
        description=(
            "Keep the public control-plane endpoint, reachable only from these CIDRs "
            "(master authorized networks). Empty: the endpoint is private."
        ),
    )
    master_ipv4_cidr_block: Cidr | None = Field(
        None,
        description="/28 for the control plane of a peering-based private cluster. Unset: "
        "GKE uses Private Service Connect.",
    )
    deletion_protection: bool | None = Field(
        None, description="GKE deletion protection. Default: on when environment is prod."
    )
    existing_node_service_account: str | None = Field(
        None,
        pattern=r"^[a-z0-9-]+@[a-z0-9.-]+\.iam\.gserviceaccount\.com$",
        description=(
            "Service account the nodes run as. Default: a new least-privilege account "
            "(logging, monitoring, Artifact Registry read), never the Compute default one."
        ),
    )
    database_encryption_key: str | None = Field(
        None,
        pattern=r"^projects/.+/locations/.+/keyRings/.+/cryptoKeys/.+$",
        description="Cloud KMS key for application-layer secrets encryption. Default: "
        "Google-managed encryption only.",
    )
    system_machine_type: str = Field(
        "e2-standard-4",
        min_length=1,
        description="Machine type of the CPU system pool.",
    )
    system_nodes_per_zone: int = Field(
        1, ge=1, le=10, description="System pool nodes per zone (3 zones)."
    )
    dns_endpoint: bool = Field(
        True,
        description=(
            "Open the control plane's DNS-based endpoint to IAM-authorized callers "
            "(permission container.clusters.connect) from any network, and build the "
            "kubeconfig on it: Pulumi reaches the cluster from outside the VPC while the IP "
            "endpoint stays private. Off: the kubeconfig uses the IP endpoint (private "
            "unless public_endpoint_cidrs), reachable from inside the VPC only."
        ),
    )
    dataplane: Literal["v2", "calico"] = Field(
        "v2",
        description=(
            "What enforces NetworkPolicies: v2 is GKE Dataplane V2 (eBPF, datapath "
            "ADVANCED_DATAPATH; fixed at creation, changing it replaces the cluster); calico "
            "is the legacy datapath with Calico network policy (can be enabled in place on a "
            "cluster created without it)."
        ),
    )
    cloud_nat: Literal["create", "existing"] = Field(
        "create",
        description=(
            "Egress for the private nodes (image pulls from public registries): create a "
            "Cloud Router and Cloud NAT for the subnetwork (all subnetworks of the network "
            "when subnetwork is unset) in the region, or declare that the network already "
            "has one (a second NAT for the same subnetwork is rejected by GCP)."
        ),
    )
    grant_kms_key: bool = Field(
        True,
        description=(
            "With database_encryption_key: grant the GKE service agent "
            "(service-<project number>@container-engine-robot.iam.gserviceaccount.com) "
            "roles/cloudkms.cryptoKeyEncrypterDecrypter on the key before the cluster is "
            "created. Off: the key's owners grant it beforehand."
        ),
    )
    autoscaling_profile: Literal["OPTIMIZE_UTILIZATION", "BALANCED"] = Field(
        "OPTIMIZE_UTILIZATION",
        description=(
            "Cluster autoscaler profile: OPTIMIZE_UTILIZATION removes idle nodes sooner "
            "(GPU nodes cost the most idle), BALANCED keeps spare capacity longer."
        ),
    )

    @model_validator(mode="after")
    def _create_or_adopt(self) -> GkeClusterSpec:
        if self.existing:
            raise_if_any(
                [
                    Problem(field, "only when creating the cluster (existing: true)")
                    for field in _CREATE_ONLY
                    if field in self.model_fields_set
                ]
            )
        return self


class GkePoolSpec(Spec):
    """GKE-only GPU pool options (`node_pools.<name>.gke`)."""

    gpu_driver_version: GkeDriverVersion = Field(
        "DEFAULT",
        description=(
            "GKE-managed NVIDIA driver: DEFAULT or LATEST. INSTALLATION_DISABLED when the "
            "GPU operator installs the driver (the pool then also gets the label "
            "gke-no-default-nvidia-gpu-device-plugin=true)."
        ),
    )
    accelerator_type: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description=(
            "Guest accelerator type, e.g. nvidia-tesla-t4. Default: the catalogue entry of "
            "machine_type; required when the machine type is not in the catalogue (N1 + T4)."
        ),
    )
    sharing_strategy: Literal["TIME_SHARING", "MPS"] = Field(
        "TIME_SHARING",
        description="GKE GPU sharing strategy used for `sharing.time_slicing`.",
    )
    node_locations: list[GceZone] = Field(
        default_factory=list,
        description=(
            "Zones of this pool, each offering the machine type (e.g. [us-central1-a]). "
            "Required for GPU pools: GPUs exist only in some zones, and min_nodes is spread "
            "over these zones."
        ),
    )
    image_type: Literal["COS_CONTAINERD", "UBUNTU_CONTAINERD"] = Field(
        "COS_CONTAINERD", description="Node image."
    )
    disk_type: Literal["pd-balanced", "pd-ssd", "pd-standard", "hyperdisk-balanced"] = Field(
        "pd-balanced", description="Boot disk type."
    )
