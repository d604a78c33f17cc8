"""Pure rendering of the NVIDIA DRA driver's Helm values (chart `dra-driver-nvidia-gpu` 0.4.1)
from the stack's DRA pools. No Pulumi here.

Chart facts (kubernetes-sigs/dra-driver-nvidia-gpu@v0.4.1, deployments/helm/): the chart
creates the DeviceClasses `gpu.nvidia.com` (whole GPUs) and `mig.nvidia.com` (MIG devices)
itself when `resources.gpus.enabled`, so the library creates none; rendering fails unless
`gpuResourcesEnabledOverride` is set (the guard against running beside the classic device
plugin on the same node), which the library sets only because its DRA pools' nodes carry
`nvidia.com/gpu.deploy.device-plugin=false` and the kubelet plugin runs only on them.
Upstream: https://github.com/kubernetes-sigs/dra-driver-nvidia-gpu/blob/v0.4.1/docs/install.md
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...cluster.contracts import GPU_TAINT_KEY, GpuPoolContract
from ...config.allocation import DRA_POOL_LABEL, GPU_DEVICE_CLASS, MIG_DEVICE_CLASS, RESOURCE_API

NAMESPACE = "dra-driver-nvidia-gpu"
OPERATOR_DRIVER_ROOT = "/run/nvidia/driver"
"""Where the GPU operator's driver container puts the driver (the chart's values comment)."""
HOST_DRIVER_ROOT = "/"
DEFAULT_KUBELET_PLUGIN_TOLERATION = {
    "key": GPU_TAINT_KEY,
    "operator": "Exists",
    "effect": "NoSchedule",
}
"""The chart's only default kubelet-plugin toleration (a list value replaces it: repeated)."""


@dataclass(frozen=True)
class DraPool:
    """One DRA pool as the driver sees it: its name, the taints its plugin must tolerate,
    and whether the GPU operator installs the driver there (`operator_driver`)."""

    pool: str
    tolerations: tuple[tuple[tuple[str, str], ...], ...]
    operator_driver: bool


def dra_pool(contract: GpuPoolContract, driver_manager: str) -> DraPool:
    """`driver_manager` is the GPU operator setup's driver manager of the pool."""
    return DraPool(
        pool=contract.pool,
        tolerations=tuple(tuple(sorted(t.items())) for t in contract.tolerations),
        operator_driver=driver_manager == "operator",
    )


def driver_root(pools: Sequence[DraPool]) -> str:
    """`nvidiaDriverRoot`: the operator's driver container root when it installs the driver
    (the GPU operator rejects pools with different driver managers), else the host's `/`."""
    return OPERATOR_DRIVER_ROOT if any(p.operator_driver for p in pools) else HOST_DRIVER_ROOT


def dra_driver_values(pools: Sequence[DraPool]) -> dict[str, Any]:
    """Helm values of the dra-driver-nvidia-gpu chart (before `values_overrides`).

    - `resourceApiVersion` is stated (`resource.k8s.io/v1`): the chart otherwise picks it
      from `.Capabilities.APIVersions`, which a render without a live cluster (a preview)
      may not report; config rejects clusters older than 1.34, where v1 is served.
    - GPUs on, ComputeDomains (multi-node NVLink IMEX channels) off: the library builds none.
    - The kubelet plugin runs only on DRA pools (node selector `llmops.dev/gpu-allocation:
      dra`) and tolerates their taints (the chart default plus each pool taint).
    """
    seen: set[tuple[tuple[str, str], ...]] = set()
    for pool in pools:
        for toleration in pool.tolerations:
            fields = dict(toleration)
            if fields.get("key") == GPU_TAINT_KEY and fields.get("effect") == "NoSchedule":
                continue
            seen.add(toleration)
    tolerations = [dict(DEFAULT_KUBELET_PLUGIN_TOLERATION)] + [dict(t) for t in sorted(seen)]
    return {
        "nvidiaDriverRoot": driver_root(pools),
        "gpuResourcesEnabledOverride": True,
        "resourceApiVersion": RESOURCE_API,
        "resources": {"gpus": {"enabled": True}, "computeDomains": {"enabled": False}},
        "kubeletPlugin": {"nodeSelector": {DRA_POOL_LABEL: "dra"}, "tolerations": tolerations},
    }


def device_classes() -> Mapping[str, str]:
    """The DeviceClasses the chart creates (name -> what it selects), for docs and the plan."""
    return {
        GPU_DEVICE_CLASS: "whole GPUs (device.attributes['gpu.nvidia.com'].type == 'gpu')",
        MIG_DEVICE_CLASS: "MIG devices (device.attributes['gpu.nvidia.com'].type == 'mig')",
    }
