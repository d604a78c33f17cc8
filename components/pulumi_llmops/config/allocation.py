"""How a pool's GPUs are handed to pods: the device plugin's `nvidia.com/gpu: N` (default) or
Dynamic Resource Allocation (`resource.k8s.io/v1` ResourceClaims served by the NVIDIA DRA
driver), and the `addons.dra_driver` spec. Plain data and the cross-field rules of DRA pools.

Upstream: https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from .base import Spec
from .eks import KubernetesVersion
from .errors import Problem

if TYPE_CHECKING:
    from .platform import PlatformConfig

GpuAllocation = Literal["device-plugin", "dra"]
"""`device-plugin`: pods request the extended resource `nvidia.com/gpu` (or a MIG resource);
`dra`: pods reference a ResourceClaimTemplate that the NVIDIA DRA driver allocates."""

DRA_GA_MINOR = "1.34"
"""Kubernetes minor where DRA structured parameters went GA (KEP-4381) and `resource.k8s.io/v1`
is first served (1.32 had v1beta1, 1.33 v1beta2)."""


RESOURCE_API = "resource.k8s.io/v1"
DRA_DRIVER_NAME = "gpu.nvidia.com"
"""The GPU kubelet plugin's driver name: whole GPUs and MIG devices alike (`device.driver`)."""
GPU_DEVICE_CLASS = "gpu.nvidia.com"
"""DeviceClass of whole GPUs, created by the dra-driver-nvidia-gpu chart."""
MIG_DEVICE_CLASS = "mig.nvidia.com"
"""DeviceClass of MIG devices, created by the dra-driver-nvidia-gpu chart."""
DRA_POOL_LABEL = "llmops.dev/gpu-allocation"
"""Node label of DRA pools (value `dra`): the DRA kubelet plugin runs only where it is set."""
DEVICE_PLUGIN_DEPLOY_LABEL = "nvidia.com/gpu.deploy.device-plugin"
"""The GPU operator's per-node operand label: `false` keeps its device plugin off the node, so
the DRA driver is the only one handing out that node's GPUs."""
DRA_NODE_LABELS = {DRA_POOL_LABEL: "dra", DEVICE_PLUGIN_DEPLOY_LABEL: "false"}


class DraDriverSpec(Spec):
    """NVIDIA DRA driver for GPUs (`addons.dra_driver`): installed when a pool sets
    `gpu.allocation: dra`."""

    enabled: bool | None = Field(
        None,
        description="Install the DRA driver. Default: on when some pool uses "
        "`gpu.allocation: dra` (without such a pool nothing is installed); false with a DRA "
        "pool is an error.",
    )
    kubernetes_version: KubernetesVersion | None = Field(
        None,
        description="On-prem only: the existing cluster's Kubernetes minor (e.g. 1.34), "
        "required with a DRA pool (the library cannot read it offline); unused without one. "
        "On EKS and AKS the pinned `cluster.<eks|aks>.kubernetes_version` counts.",
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the rendered values.",
    )


def minor_at_least(minor: str, floor: str) -> bool:
    """`minor` (e.g. 1.33) >= `floor` (e.g. 1.34), numerically."""
    major, _, rest = minor.partition(".")
    fmajor, _, frest = floor.partition(".")
    return (int(major), int(rest)) >= (int(fmajor), int(frest))


def dra_pools(node_pools: Mapping[str, Any]) -> list[str]:
    """Names of the pools that allocate GPUs through DRA, sorted."""
    return sorted(name for name, pool in node_pools.items() if pool.allocation == "dra")


def allocation_problems(config: PlatformConfig) -> list[Problem]:
    """What the target cannot do for the stack's DRA pools, each by YAML path."""
    pools = dra_pools(config.node_pools)
    spec = config.addons.dra_driver
    problems: list[Problem] = []
    if not pools:
        return problems
    if spec.enabled is False:
        problems.append(
            Problem(
                "addons.dra_driver.enabled",
                f"pools {', '.join(pools)} set gpu.allocation: dra, which needs the DRA driver",
                False,
            )
        )
    if config.addons.gpu_operator.enabled is False:
        problems.append(
            Problem(
                "addons.gpu_operator.enabled",
                "DRA pools need the GPU operator (container toolkit with CDI, and the node "
                "labels the DRA kubelet plugin's node affinity requires)",
                False,
            )
        )
    problems += _version_problems(config)
    for name in pools:
        problems += _pool_problems(config, name)
    return problems


def _version_problems(config: PlatformConfig) -> list[Problem]:
    target = config.target
    spec = config.addons.dra_driver
    need = f"DRA pools need resource.k8s.io/v1, GA in Kubernetes {DRA_GA_MINOR}"
    if target == "onprem":
        minor = spec.kubernetes_version
        where = "addons.dra_driver.kubernetes_version"
        if minor is None:
            return [Problem(where, f"required on-prem with a DRA pool: {need}; declare the minor")]
    else:
        if spec.kubernetes_version is not None:
            return [
                Problem(
                    "addons.dra_driver.kubernetes_version",
                    f"on-prem only; on {target} the cluster's own version counts",
                    spec.kubernetes_version,
                )
            ]
        if target == "gke":
            return []  # GKE's release channel picks the version; see docs/dra.md
        block = config.cluster.eks if target == "eks" else config.cluster.aks
        minor = block.kubernetes_version if block is not None else None
        where = f"cluster.{target}.kubernetes_version"
        if minor is None:
            return [
                Problem(
                    where,
                    f"{need}: pin it to {DRA_GA_MINOR} or later (the cloud's default may be older)",
                )
            ]
    if not minor_at_least(minor, DRA_GA_MINOR):
        return [Problem(where, f"{need}: use {DRA_GA_MINOR} or later", minor)]
    return []


def _pool_problems(config: PlatformConfig, name: str) -> list[Problem]:
    pool = config.node_pools[name]
    where = f"node_pools.{name}"
    problems: list[Problem] = []
    if pool.sharing is not None and pool.sharing.time_slicing is not None:
        problems.append(
            Problem(
                f"{where}.sharing.time_slicing",
                "not with gpu.allocation: dra (time-slicing in the DRA driver 0.4.1 is the "
                "alpha feature gate TimeSlicingSettings); use MIG, whole GPUs, or "
                "allocation device-plugin",
            )
        )
    onprem = pool.onprem
    if config.target == "onprem" and onprem is not None and onprem.node_selector:
        missing = {k: v for k, v in DRA_NODE_LABELS.items() if onprem.existing_labels.get(k) != v}
        if missing:
            problems.append(
                Problem(
                    f"{where}.onprem.existing_labels",
                    "nodes adopted by selector are not patched: label them "
                    + ", ".join(f"{k}={v}" for k, v in sorted(missing.items()))
                    + " and list the labels here",
                )
            )
    if config.target == "eks":
        ami = pool.eks.ami_type if pool.eks is not None else "AL2023_x86_64_NVIDIA"
        if ami.startswith("BOTTLEROCKET"):
            problems.append(
                Problem(
                    f"{where}.eks.ami_type",
                    "Bottlerocket NVIDIA images run their own device plugin, which would "
                    "hand out the same GPUs as the DRA driver; use AL2023_x86_64_NVIDIA or "
                    "AL2023_ARM_64_NVIDIA with gpu.allocation: dra",
                    ami,
                )
            )
    if config.target == "gke":
        version = pool.gke.gpu_driver_version if pool.gke is not None else "DEFAULT"
        if version != "INSTALLATION_DISABLED":
            problems.append(
                Problem(
                    f"{where}.gke.gpu_driver_version",
                    "GKE-managed drivers come with GKE's device plugin; DRA pools need "
                    "INSTALLATION_DISABLED (the GPU operator installs the driver, GKE's "
                    "device plugin is switched off by label)",
                    version,
                )
            )
    return problems
