"""`GkeGpuNodePool`: a GKE node pool with NVIDIA GPUs from the neutral pool spec.

Upstream: https://cloud.google.com/kubernetes-engine/docs/how-to/gpus
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from ...config.catalog import CatalogSpec
from ...config.cloud import pool_shape
from ...config.node_pool import GpuPoolSpec
from ..handle import ClusterHandle
from ._sdk import gcp
from .mapping import gke_pool_contract, node_pool_args, operator_managed


@dataclass
class GkeGpuNodePoolArgs:
    """Wiring: the cluster handle, GKE cluster id, project, location, node service account."""

    cluster: ClusterHandle
    pool: str
    spec: GpuPoolSpec
    cluster_id: pulumi.Input[str]
    project: str
    location: str
    service_account: pulumi.Input[str]
    catalog: CatalogSpec | None = None
    labels: dict[str, str] = field(default_factory=dict)


class GkeGpuNodePool(pulumi.ComponentResource):
    """A GPU pool as one GKE node pool.

    Creates: `gcp.container.NodePool` (`<name>-nodes`) with the machine type, one guest
    accelerator (type and count from the catalogue or `gke.accelerator_type` / `gpu:`),
    the driver mode (GKE-managed DEFAULT/LATEST, or INSTALLATION_DISABLED plus the label
    `gke-no-default-nvidia-gpu-device-plugin=true` for the GPU operator), GKE-native GPU
    sharing (`gpu_sharing_config` TIME_SHARING/MPS, or `gpu_partition_size` for MIG) when
    GKE manages the driver, spot VMs, total min/max autoscaling (scale to zero), the
    contract's labels and taints, Workload Identity metadata, shielded nodes.
    Does not create: the GPU operator (not needed with GKE-managed drivers), reservations.
    """

    def __init__(
        self, name: str, args: GkeGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:gcp:GkeGpuNodePool", name, None, opts)
        spec = args.spec
        shape = pool_shape("gke", spec, args.catalog)
        self.contract = gke_pool_contract(args.pool, spec, shape)
        self.operator_managed = operator_managed(spec)
        plain = node_pool_args(spec, shape, self.contract)
        config = plain["node_config"]
        accelerator = config["guest_accelerators"][0]
        node_config = gcp.container.NodePoolNodeConfigArgs(
            machine_type=config["machine_type"],
            disk_size_gb=config["disk_size_gb"],
            disk_type=config["disk_type"],
            image_type=config["image_type"],
            spot=config["spot"],
            service_account=args.service_account,
            oauth_scopes=config["oauth_scopes"],
            labels=config["labels"],
            resource_labels={**args.labels, "llmops-pool": args.pool},
            taints=[gcp.container.NodePoolNodeConfigTaintArgs(**t) for t in config["taints"]],
            guest_accelerators=[
                gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(
                    type=accelerator["type"],
                    count=accelerator["count"],
                    gpu_driver_installation_config=(
                        gcp.container.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                            **accelerator["gpu_driver_installation_config"]
                        )
                    ),
                    gpu_sharing_config=(
                        gcp.container.NodePoolNodeConfigGuestAcceleratorGpuSharingConfigArgs(
                            **accelerator["gpu_sharing_config"]
                        )
                        if "gpu_sharing_config" in accelerator
                        else None
                    ),
                    gpu_partition_size=accelerator.get("gpu_partition_size"),
                )
            ],
            workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
                **config["workload_metadata_config"]
            ),
            shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
                **config["shielded_instance_config"]
            ),
        )
        self.node_pool = gcp.container.NodePool(
            f"{name}-nodes",
            cluster=args.cluster_id,
            project=args.project,
            location=args.location,
            node_locations=plain["node_locations"],
            initial_node_count=plain["initial_node_count"],
            autoscaling=gcp.container.NodePoolAutoscalingArgs(**plain["autoscaling"]),
            management=gcp.container.NodePoolManagementArgs(**plain["management"]),
            node_config=node_config,
            opts=pulumi.ResourceOptions(parent=self),
        )
        args.cluster.add_gpu_pool(self.contract)
        self.register_outputs(
            {"pool": args.pool, "node_pool": self.node_pool.name, "labels": self.contract.labels}
        )
