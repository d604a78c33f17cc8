"""Pure rendering of the NVIDIA GPU operator's Helm values from the target and its GPU pools.

No Pulumi here. Each pool is reduced to a small neutral `PoolGpuSetup` (who manages the
driver, the container toolkit and the device plugin on its nodes, and how GPUs are shared);
the values follow from those. Upstream:
https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/getting-started.html
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from ...cluster.contracts import GPU_RESOURCE, GPU_TAINT_KEY, MIG_CONFIG_LABEL, GpuPoolContract
from ...config.node_pool import GpuPoolSpec
from ...kube import deep_merge, hook_switch_values
from ...targets import target_info

Manager = Literal["image", "operator", "cloud", "none"]
"""Who provides a node component: the node image, the GPU operator, the cloud's GPU add-on,
or nobody (`none`: a setup the library cannot complete, rejected by `gpu_operator_values`)."""
MigManager = Literal["operator", "cloud", "none"]
"""Who partitions a pool's GPUs: the operator's MIG manager (from the node label
`nvidia.com/mig.config`), the cloud (AKS `gpu_instance_profile`, GKE `gpu_partition_size`),
or nobody (no MIG on the pool)."""

NAMESPACE = "gpu-operator"
TIME_SLICING_CONFIGMAP = "llmops-device-plugin-config"
DEFAULT_DEVICE_PLUGIN_CONFIG = "default"
MIG_PARTED_CONFIGMAP = "llmops-mig-parted-config"
DEFAULT_DAEMONSET_TOLERATION = {
    "key": GPU_TAINT_KEY,
    "operator": "Exists",
    "effect": "NoSchedule",
}
NFD_CONTROL_PLANE_TOLERATION = {
    "key": "node-role.kubernetes.io/control-plane",
    "operator": "Equal",
    "value": "",
    "effect": "NoSchedule",
}
"""The NFD worker's first default toleration (gpu-operator values.yaml); a list value
replaces the chart's, so the library repeats it."""
EKS_DEFAULT_AMI = "AL2023_x86_64_NVIDIA"


@dataclass(frozen=True)
class PoolGpuSetup:
    """What the GPU operator must do on one pool's nodes.

    `sharing` is the contract's sharing mode (none, time-slicing, mig-single, mig-mixed);
    `mig_manager` who partitions its GPUs; `tolerations` are the pool's node taints as
    tolerations (the operator's DaemonSets and the NFD worker must tolerate them to run there).
    """

    pool: str
    driver: Manager
    toolkit: Manager
    device_plugin: Manager
    sharing: str = "none"
    mig_manager: MigManager = "none"
    time_slicing_replicas: int | None = None
    tolerations: tuple[tuple[tuple[str, str], ...], ...] = ()

    @property
    def operator_work(self) -> bool:
        return "operator" in (self.driver, self.toolkit, self.device_plugin)


class GpuSetupError(ValueError):
    """Pools that need conflicting chart-wide settings; `path` is the offending YAML path."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(message)


def pool_gpu_setup(
    contract: GpuPoolContract, spec: GpuPoolSpec, *, driver_preinstalled: bool = False
) -> PoolGpuSetup:
    """Who manages driver / toolkit / device plugin on a pool, from its contract and spec.

    - onprem: the operator does everything; the driver is left alone when pre-installed.
    - eks: AL2023 NVIDIA AMIs ship driver and toolkit; Bottlerocket NVIDIA also ships its
      device plugin (a second one conflicts).
    - gke: GKE-managed driver and device plugin, unless `gpu_driver_version` is
      INSTALLATION_DISABLED: then the operator does everything, driver included, on
      UBUNTU_CONTAINERD (NVIDIA's "driver manager" path); on COS_CONTAINERD only Google's
      driver installer could install it, which the library does not pin (`none`: rejected).
    - aks: `gpu_driver: None` leaves everything to the operator; `Install` (default) means
      AKS installs driver and runtime, the operator adds the device plugin.
    The operator's DaemonSets must tolerate the contract's taints to run on the pool.
    """
    target = contract.target
    driver: Manager
    toolkit: Manager
    plugin: Manager
    if target == "eks":
        ami = spec.eks.ami_type if spec.eks is not None else EKS_DEFAULT_AMI
        bottlerocket = ami.startswith("BOTTLEROCKET")
        driver, toolkit, plugin = "image", "image", ("image" if bottlerocket else "operator")
    elif target == "gke":
        version = spec.gke.gpu_driver_version if spec.gke is not None else "DEFAULT"
        if version == "INSTALLATION_DISABLED":
            ubuntu = spec.gke is not None and spec.gke.image_type == "UBUNTU_CONTAINERD"
            driver, toolkit, plugin = ("operator" if ubuntu else "none"), "operator", "operator"
        else:
            driver, toolkit, plugin = "cloud", "cloud", "cloud"
    elif target == "aks":
        if spec.aks is not None and spec.aks.gpu_driver == "None":
            driver, toolkit, plugin = "operator", "operator", "operator"
        else:
            driver, toolkit, plugin = "cloud", "cloud", "operator"
    else:
        driver = "image" if driver_preinstalled else "operator"
        toolkit, plugin = "operator", "operator"
    time_slicing = spec.sharing.time_slicing if spec.sharing else None
    return PoolGpuSetup(
        pool=contract.pool,
        driver=driver,
        toolkit=toolkit,
        device_plugin=plugin,
        sharing=contract.sharing,
        mig_manager=mig_manager(contract),
        time_slicing_replicas=time_slicing.replicas if time_slicing else None,
        tolerations=tuple(tuple(sorted(t.items())) for t in contract.tolerations),
    )


def mig_manager(contract: GpuPoolContract) -> MigManager:
    """`cloud` when the target partitions MIG itself and the contract carries no
    `nvidia.com/mig.config` label (AKS always; GKE with GKE-managed drivers), `operator` for
    other MIG pools, `none` without MIG."""
    if not contract.sharing.startswith("mig"):
        return "none"
    native = target_info(contract.target).native_mig
    return "cloud" if native and MIG_CONFIG_LABEL not in contract.labels else "operator"


def operator_needed(enabled: bool | None, setups: Sequence[PoolGpuSetup]) -> bool:
    """`enabled` when set; by default, when some pool needs the operator to run a component."""
    if enabled is not None:
        return enabled
    return any(s.operator_work for s in setups)


def mig_strategy(setups: Sequence[PoolGpuSetup]) -> str:
    """`mixed` when any pool uses mixed MIG slice sizes (all-balanced), else `single`."""
    return "mixed" if any(s.sharing == "mig-mixed" for s in setups) else "single"


def _uniform(setups: Sequence[PoolGpuSetup], field: str) -> Manager | None:
    managers = {getattr(s, field) for s in setups}
    if len(managers) > 1:
        ordered = sorted(setups, key=lambda s: s.pool)
        detail = ", ".join(f"{s.pool}: {getattr(s, field)}" for s in ordered)
        raise GpuSetupError(
            "node_pools",
            f"GPU pools need different {field.replace('_', ' ')} settings ({detail}); the GPU "
            "operator's settings are cluster-wide: use one node image / driver mode for all "
            "pools",
        )
    return next(iter(managers), None)


def time_slicing_config(setups: Sequence[PoolGpuSetup]) -> dict[str, str]:
    """Device-plugin ConfigMap data: a `default` entry plus one entry per time-sliced pool.

    Nodes pick their entry with the label `nvidia.com/device-plugin.config=<pool>` (set by
    the pool contract); other nodes get `default`. Empty when no pool is time-sliced.
    """
    sliced = sorted((s for s in setups if s.sharing == "time-slicing"), key=lambda s: s.pool)
    if not sliced:
        return {}
    data = {
        DEFAULT_DEVICE_PLUGIN_CONFIG: _yaml(
            {"version": "v1", "flags": {"migStrategy": mig_strategy(setups)}}
        )
    }
    for setup in sliced:
        data[setup.pool] = _yaml(
            {
                "version": "v1",
                "flags": {"migStrategy": "none"},
                "sharing": {
                    "timeSlicing": {
                        "renameByDefault": False,
                        "failRequestsGreaterThanOne": True,
                        "resources": [
                            {"name": GPU_RESOURCE, "replicas": setup.time_slicing_replicas}
                        ],
                    }
                },
            }
        )
    return data


def gpu_operator_values(
    target: str,
    setups: Sequence[PoolGpuSetup],
    *,
    observability: bool,
    mig_parted_config: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Helm values of the gpu-operator chart (before `values_overrides`).

    Raises `GpuSetupError` when pools need conflicting cluster-wide settings, when a
    pool is time-sliced but its device plugin is not the operator's, or when nothing would
    install a pool's driver.
    """
    for setup in sorted(setups, key=lambda s: s.pool):
        if setup.driver == "none":
            raise GpuSetupError(
                f"node_pools.{setup.pool}.gke.image_type",
                "with gpu_driver_version INSTALLATION_DISABLED nothing installs the NVIDIA "
                "driver on COS_CONTAINERD nodes (the library does not run Google's COS driver "
                "installer); use image_type UBUNTU_CONTAINERD (the GPU operator installs the "
                "driver) or gpu_driver_version DEFAULT or LATEST (GKE installs it)",
            )
    driver = _uniform(setups, "driver")
    toolkit = _uniform(setups, "toolkit")
    plugin = _uniform(setups, "device_plugin")
    values: dict[str, Any] = {
        "driver": {"enabled": driver in (None, "operator")},
        "toolkit": {"enabled": toolkit in (None, "operator")},
        "devicePlugin": {"enabled": plugin in (None, "operator")},
        "mig": {"strategy": mig_strategy(setups)},
        "dcgmExporter": {"enabled": observability, "serviceMonitor": {"enabled": observability}},
    }
    if time_slicing_config(setups):
        sliced = [s.pool for s in setups if s.sharing == "time-slicing"]
        if not values["devicePlugin"]["enabled"]:
            raise GpuSetupError(
                f"node_pools.{sorted(sliced)[0]}.sharing.time_slicing",
                "time-slicing is configured by the operator's device plugin, but these nodes "
                "run the node image's device plugin",
            )
        values["devicePlugin"]["config"] = {
            "name": TIME_SLICING_CONFIGMAP,
            "default": DEFAULT_DEVICE_PLUGIN_CONFIG,
        }
    values.update(_mig_manager_values(setups, mig_parted_config))
    tolerations = _daemonset_tolerations(setups)
    if tolerations != [DEFAULT_DAEMONSET_TOLERATION]:
        values["daemonsets"] = {"tolerations": tolerations}
        # NFD labels the GPU nodes the operands are scheduled by: its worker must reach them.
        values["node-feature-discovery"] = {
            "worker": {
                "tolerations": [dict(t) for t in (NFD_CONTROL_PLANE_TOLERATION, *tolerations)]
            }
        }
    return deep_merge(values, hook_switch_values("gpu-operator"))


def _mig_manager_values(
    setups: Sequence[PoolGpuSetup], mig_parted_config: Mapping[str, Any] | None
) -> dict[str, Any]:
    """`migManager` values: off when the cloud partitions MIG (the MIG manager would label
    every MIG-capable node `all-disabled` and undo the cloud's partitions), a custom
    mig-parted config when given, else the chart default (on, configs from the hardware)."""
    managers = {s.mig_manager for s in setups}
    if "cloud" in managers:
        if "operator" in managers or mig_parted_config is not None:
            detail = ", ".join(
                f"{s.pool}: {s.mig_manager}" for s in sorted(setups, key=lambda s: s.pool)
            )
            path = "addons.gpu_operator.mig_parted_config" if mig_parted_config else "node_pools"
            raise GpuSetupError(
                path,
                "the GPU operator's MIG manager is cluster-wide and must stay off while the "
                f"cloud partitions MIG ({detail})",
            )
        return {"migManager": {"enabled": False}}
    if mig_parted_config is not None:
        return {
            "migManager": {
                "config": {
                    "create": True,
                    "name": MIG_PARTED_CONFIGMAP,
                    "data": {"config.yaml": _yaml(dict(mig_parted_config))},
                }
            }
        }
    return {}


def _daemonset_tolerations(setups: Sequence[PoolGpuSetup]) -> list[dict[str, str]]:
    """The chart's default toleration plus every other pool taint's, sorted and de-duplicated."""
    seen: set[tuple[tuple[str, str], ...]] = set()
    for setup in setups:
        for toleration in setup.tolerations:
            fields = dict(toleration)
            # The default (nvidia.com/gpu Exists NoSchedule) already tolerates the GPU taint.
            if fields.get("key") == GPU_TAINT_KEY and fields.get("effect") == "NoSchedule":
                continue
            seen.add(toleration)
    extra = sorted(seen)
    return [dict(DEFAULT_DAEMONSET_TOLERATION)] + [dict(t) for t in extra]


def _yaml(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(data), sort_keys=True, default_flow_style=False)
