"""`GkeGpuNodePool`: a GKE node pool with NVIDIA GPUs from the neutral pool spec.

Upstream: https://cloud.google.com/kubernetes-engine/docs/how-to/gpus
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pulumi

from ...catalog.overrides import NO_OVERRIDES, CatalogOverrides
from ...catalog.shape import PoolShape
from ...config.node_pool import GpuPoolSpec
from ..contracts import GpuPoolContract, gke_operator_managed, pool_facts
from ._sdk import gcp
from .mapping import node_pool_args

if TYPE_CHECKING:
    from .cluster import GkeCluster


@dataclass(frozen=True, kw_only=True)
class GkeGpuNodePoolArgs:
    """Wiring: the cluster the pool joins, the pool's key and spec, resource labels.

    `service_account` replaces the cluster's node service account. `shape` defaults to the
    catalogue entry of the machine type (with `catalog` overrides, priced in the cluster's
    region); `contract` to `pool_contract("gke", ...)`. The bundle passes both.
    """

    cluster: GkeCluster
    pool: str
    spec: GpuPoolSpec
    shape: PoolShape | None = None
    contract: GpuPoolContract | None = None
    service_account: pulumi.Input[str] | None = None
    catalog: CatalogOverrides = NO_OVERRIDES
    labels: Mapping[str, str] = field(default_factory=dict)


class GkeGpuNodePool(pulumi.ComponentResource):
    """A GPU pool as one GKE node pool.

    Creates: `gcp.container.NodePool` (`<name>-nodes`) with the machine type, one guest
    accelerator (type and count from the catalogue or `gke.accelerator_type` / `gpu:`),
    the driver mode (GKE-managed DEFAULT/LATEST, or INSTALLATION_DISABLED plus the label
    `gke-no-default-nvidia-gpu-device-plugin=true` for the GPU operator), GKE-native GPU
    sharing (`gpu_sharing_config` TIME_SHARING/MPS, or `gpu_partition_size` for MIG) when
    GKE manages the driver, spot VMs, total min/max autoscaling (scale to zero), the
    contract's labels and taints (except `nvidia.com/gpu=present:NoSchedule`, which GKE
    adds itself; pods still tolerate it), Workload Identity metadata, shielded nodes. It
    waits for the node service account's roles and the NAT; `initialNodeCount` is ignored
    after creation (changing min_nodes never replaces the pool).
    Does not create: the GPU operator (not needed with GKE-managed drivers), reservations.
    """

    def __init__(
        self, name: str, args: GkeGpuNodePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:gcp:GkeGpuNodePool", name, None, opts)
        spec, cluster = args.spec, args.cluster
        self.shape, self.contract = pool_facts("gke", args, cluster.handle.region)
        self.operator_managed = gke_operator_managed(spec)
        pool_args = node_pool_args(spec, self.shape, self.contract)
        pool_args["node_config"] = {
            **pool_args["node_config"],
            "service_account": args.service_account or cluster.node_service_account,
            "resource_labels": {**args.labels, "llmops-pool": args.pool},
        }
        self.node_pool = gcp.container.NodePool(
            f"{name}-nodes",
            cluster=cluster.cluster_id,
            project=cluster.project,
            location=cluster.location,
            **pool_args,
            # initial_node_count is create-only (a change replaces the pool): it only seeds
            # the pool; min_nodes/max_nodes (autoscaling) govern afterwards.
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=cluster.node_prerequisites,
                ignore_changes=["initialNodeCount"],
            ),
        )
        self.register_outputs(
            {"pool": args.pool, "node_pool": self.node_pool.name, "labels": self.contract.labels}
        )
