"""GPU node pool spec: one neutral shape that every target (EKS, GKE, AKS, on-prem) maps."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from .aks import AksPoolSpec
from .allocation import GpuAllocation
from .base import LabelKey, LabelValue, Spec
from .eks import EksPoolSpec
from .errors import Problem, raise_if_any
from .gke import GkePoolSpec
from .reservations import ReservationSpec

TaintEffect = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]

_MIG_PROFILE = re.compile(r"^all-(balanced|[1-7]g\.\d+gb)$")
_NODE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


class TaintSpec(Spec):
    """A node taint; its key is the map key in `additional_taints`."""

    value: LabelValue = Field("", description="Taint value.")
    effect: TaintEffect = Field("NoSchedule", description="Taint effect.")


class GpuShapeSpec(Spec):
    """The GPUs on each node of a pool, declared by hand, and how pods get them.

    `model` and `count` are required on-prem; on clouds they override (or stand in for) the
    catalogue entry of the pool's machine type, and may be left out (`gpu: {allocation: dra}`
    keeps the catalogue's shape).
    """

    model: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        description="GPU model, e.g. L4, A10G, A100-80GB, H100-80GB. Default: the catalogue "
        "entry of machine_type (required on-prem).",
    )
    count: int | None = Field(
        None, ge=1, le=16, description="GPUs per node (set together with `model`)."
    )
    memory_gib: float | None = Field(
        None,
        gt=0,
        le=1024,
        description="Memory per GPU in GiB. Default: taken from the GPU catalogue for `model`.",
    )
    allocation: GpuAllocation = Field(
        "device-plugin",
        description="How pods get GPUs: `device-plugin` (request `nvidia.com/gpu`) or `dra` "
        "(a resource.k8s.io/v1 ResourceClaimTemplate per model, allocated by the NVIDIA DRA "
        "driver; see docs/dra.md).",
    )

    @model_validator(mode="after")
    def _declared_together(self) -> GpuShapeSpec:
        problems = []
        if self.model is not None and self.count is None:
            problems.append(Problem("count", "required key is missing"))
        if self.count is not None and self.model is None:
            problems.append(Problem("model", "required with count"))
        if self.memory_gib is not None and self.model is None:
            problems.append(Problem("memory_gib", "only with model and count", self.memory_gib))
        raise_if_any(problems)
        return self

    @property
    def declared(self) -> bool:
        """A hand-declared shape (model and count), not only an allocation choice."""
        return self.model is not None


class TimeSlicingSpec(Spec):
    """Time-slicing: each physical GPU is advertised `replicas` times (no memory isolation)."""

    replicas: int = Field(ge=2, le=48, description="Schedulable slots per physical GPU.")


class MigSpec(Spec):
    """Multi-Instance GPU partitioning (A100, H100, H200): hardware-isolated GPU slices."""

    profile: str = Field(
        description=(
            "mig-parted profile applied to every GPU of the node, e.g. all-1g.10gb, "
            "all-3g.40gb, all-balanced (mixed slice sizes)."
        )
    )

    @model_validator(mode="after")
    def _known_profile(self) -> MigSpec:
        if not _MIG_PROFILE.match(self.profile):
            raise_if_any(
                [
                    Problem(
                        "profile",
                        "must be 'all-balanced' or 'all-<N>g.<M>gb' (e.g. all-1g.10gb)",
                        self.profile,
                    )
                ]
            )
        return self

    @property
    def compute_slices(self) -> int | None:
        """The most instances of the profile's compute size one GPU holds (7, 3, 2, 1, 1 for
        1g, 2g, 3g, 4g, 7g: what AKS makes, and the count for a GPU whose profiles the
        catalogue does not record), or None for all-balanced. A known GPU's own count is
        `catalog.gpus.GpuModel.mig_instances` (1g.20gb fills an H100 4 times)."""
        match = re.match(r"^all-(\d)g\.", self.profile)
        if not match:
            return None
        return {1: 7, 2: 3, 3: 2, 4: 1, 7: 1}.get(int(match.group(1)))


class GpuSharingSpec(Spec):
    """How pods share a node's GPUs. Set exactly one of `time_slicing` or `mig`."""

    time_slicing: TimeSlicingSpec | None = Field(None, description="Time-slice each GPU.")
    mig: MigSpec | None = Field(None, description="Partition each GPU with MIG.")

    @model_validator(mode="after")
    def _exactly_one(self) -> GpuSharingSpec:
        if (self.time_slicing is None) == (self.mig is None):
            raise_if_any([Problem("", "set exactly one of time_slicing or mig")])
        return self


class OnPremPoolSpec(Spec):
    """Existing GPU nodes that make up an on-prem pool.

    With `node_names` the library patches each node (server-side apply) with the pool's
    labels and taints. With `node_selector` the nodes are used as they are labelled: nothing
    is patched (the node list is unknown before deploy), `existing_taints` must describe the
    taints they already carry and `existing_labels` the labels the platform relies on
    (the MIG config, time-slicing and model-cache labels: see docs/targets/onprem.md).
    """

    node_names: list[str] = Field(
        default_factory=list, description="Names of the GPU nodes to adopt and patch."
    )
    node_selector: dict[LabelKey, LabelValue] = Field(
        default_factory=dict,
        description="Labels that already select the pool's nodes (nothing is patched).",
    )
    node_count: int | None = Field(
        None, ge=1, le=10000, description="Nodes matched by `node_selector` (for inventory)."
    )
    existing_taints: dict[LabelKey, TaintSpec] = Field(
        default_factory=dict,
        description="Taints the selected nodes already carry.",
    )
    existing_labels: dict[LabelKey, LabelValue] = Field(
        default_factory=dict,
        description="Labels the selected nodes already carry besides `node_selector`, which "
        "the pool's sharing or model cache needs (e.g. nvidia.com/mig.config); they become "
        "part of the pool's contract. Only with node_selector.",
    )
    manage_taints: bool = Field(
        True,
        description=(
            "Patch the node taint list. Kubernetes treats it as one atomic list under "
            "server-side apply: the patch sets the whole list."
        ),
    )
    force_patch: bool = Field(
        False,
        description=(
            "Take over fields another manager owns (e.g. taints registered by kubelet). "
            "When false, conflicts fail the deploy instead of overwriting."
        ),
    )

    @model_validator(mode="after")
    def _one_way_to_select(self) -> OnPremPoolSpec:
        problems = []
        if bool(self.node_names) == bool(self.node_selector):
            problems.append(Problem("", "set exactly one of node_names or node_selector"))
        if self.node_selector and self.node_count is None:
            problems.append(Problem("node_count", "required with node_selector"))
        if self.node_names:
            if self.node_count is not None:
                problems.append(Problem("node_count", "only with node_selector", self.node_count))
            if self.existing_taints:
                problems.append(Problem("existing_taints", "only with node_selector"))
            if self.existing_labels:
                problems.append(Problem("existing_labels", "only with node_selector"))
            for index, node in enumerate(self.node_names):
                if len(node) > 253 or not _NODE_NAME.match(node):
                    problems.append(
                        Problem(f"node_names.{index}", "must be a DNS subdomain node name", node)
                    )
            duplicates = sorted({n for n in self.node_names if self.node_names.count(n) > 1})
            if duplicates:
                problems.append(Problem("node_names", "duplicate node names", duplicates))
        raise_if_any(problems)
        return self


class GpuPoolSpec(Spec):
    """A GPU node pool. Scheduling contract: nodes carry `llmops.dev/pool=<name>` and, by
    default, the taint `nvidia.com/gpu=present:NoSchedule`."""

    machine_type: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="Cloud machine type, e.g. g6.xlarge (required on clouds, unused on-prem).",
    )
    gpu: GpuShapeSpec | None = Field(
        None,
        description="GPUs per node. Default: from the catalogue entry of machine_type. "
        "Required on-prem.",
    )
    min_nodes: int = Field(
        0, ge=0, le=1000, description="Minimum nodes; 0 lets the pool scale to zero."
    )
    max_nodes: int = Field(1, ge=1, le=1000, description="Maximum nodes.")
    spot: bool = Field(False, description="Use spot/preemptible capacity.")
    interconnect: Literal["none", "efa", "rdma", "infiniband"] = Field(
        "none",
        description="Fast node-to-node network the nodes have (AWS EFA, RoCE/RDMA, "
        "InfiniBand), declared for multi-node serving (allow_multi_node), which needs one. "
        "Declaration only: the library sets up no EFA/RDMA device plugin.",
    )
    disk_size_gib: int = Field(
        200, ge=20, le=16384, description="Node root disk in GiB (LLM serving images are large)."
    )
    gpu_taint: bool = Field(
        True,
        description="Taint nodes nvidia.com/gpu=present:NoSchedule so only pods that "
        "tolerate it land there.",
    )
    additional_labels: dict[LabelKey, LabelValue] = Field(
        default_factory=dict, description="Extra node labels, merged over the library's."
    )
    additional_taints: dict[LabelKey, TaintSpec] = Field(
        default_factory=dict,
        description="Extra taints keyed by taint key, merged over the default GPU taint.",
    )
    sharing: GpuSharingSpec | None = Field(
        None, description="GPU sharing (time-slicing or MIG). Default: whole GPUs."
    )
    onprem: OnPremPoolSpec | None = Field(
        None, description="On-prem only: which existing nodes form the pool."
    )
    eks: EksPoolSpec | None = Field(
        None, description="EKS only: AMI, subnets, repair. Default: see EksPoolSpec."
    )
    gke: GkePoolSpec | None = Field(
        None, description="GKE only: driver, accelerator, zones. Default: see GkePoolSpec."
    )
    aks: AksPoolSpec | None = Field(
        None, description="AKS only: driver, OS, spot pricing. Default: see AksPoolSpec."
    )

    reservation: ReservationSpec | None = Field(
        None,
        description="Cloud capacity reservation the pool's nodes draw on (EKS On-Demand "
        "Capacity Reservation or Capacity Block, GKE reservation, AKS capacity reservation "
        "group). Unset: on-demand or spot capacity. See docs/reservations.md.",
    )

    @property
    def declared_gpu(self) -> GpuShapeSpec | None:
        """The hand-declared GPU shape (`gpu.model` and `gpu.count`), None when the pool
        takes the catalogue's (no `gpu:`, or only `gpu.allocation`)."""
        return self.gpu if self.gpu is not None and self.gpu.declared else None

    @property
    def allocation(self) -> str:
        """`device-plugin` or `dra` (`gpu.allocation`)."""
        return self.gpu.allocation if self.gpu is not None else "device-plugin"

    @model_validator(mode="after")
    def _node_bounds(self) -> GpuPoolSpec:
        if self.min_nodes > self.max_nodes:
            raise_if_any(
                [
                    Problem(
                        "min_nodes",
                        f"must be <= max_nodes ({self.max_nodes})",
                        self.min_nodes,
                    )
                ]
            )
        return self
