"""Shared cases for the GPU operator tests: pool specs per target and the rendered values."""

from __future__ import annotations

from typing import Any

from pulumi_llmops.addons.gpu_operator import PoolGpuSetup, gpu_operator_values, pool_gpu_setup
from pulumi_llmops.catalog.shape import resolve_pool
from pulumi_llmops.cluster.contracts import pool_contract
from pulumi_llmops.config.node_pool import GpuPoolSpec


def spec(**fields: Any) -> GpuPoolSpec:
    return GpuPoolSpec.model_validate(fields)


def setup(
    pool: str, target: str, data: dict[str, Any], preinstalled: bool = False, **blocks: Any
) -> PoolGpuSetup:
    """The setup of a pool spec on `target`, from its contract; `blocks` are its cloud blocks
    (eks, gke, aks). The GPU is declared, so no machine type is needed."""
    pool_spec = spec(**data, **blocks)
    shape = resolve_pool(None, None, pool_spec.gpu, "test-region")
    if target == "onprem":
        pool_spec = spec(**data, **blocks, onprem={"node_names": ["gpu-0"]})
    contract = pool_contract(target, pool, pool_spec, shape)
    return pool_gpu_setup(contract, pool_spec, driver_preinstalled=preinstalled)


L4 = {"gpu": {"model": "L4", "count": 2}}
A100_MIG = {
    "gpu": {"model": "A100-80GB", "count": 8},
    "sharing": {"mig": {"profile": "all-3g.40gb"}},
}
A100_BALANCED = {
    "gpu": {"model": "A100-80GB", "count": 8},
    "sharing": {"mig": {"profile": "all-balanced"}},
}
T4 = {"gpu": {"model": "T4", "count": 1}}
GKE_OPERATOR_UBUNTU = {
    "gpu_driver_version": "INSTALLATION_DISABLED",
    "image_type": "UBUNTU_CONTAINERD",
}
L4_SLICED = {
    "gpu": {"model": "L4", "count": 1},
    "sharing": {"time_slicing": {"replicas": 4}},
    "additional_taints": {"example.com/team": {"value": "ml", "effect": "NoSchedule"}},
}


def cases() -> dict[str, tuple[str, list[PoolGpuSetup], dict[str, Any]]]:
    """name -> (target, setups, keyword arguments of gpu_operator_values)."""
    return {
        "onprem-defaults": ("onprem", [setup("l4", "onprem", L4)], {"observability": False}),
        "onprem-preinstalled-sliced-mig": (
            "onprem",
            [setup("a100", "onprem", A100_MIG, True), setup("l4", "onprem", L4_SLICED, True)],
            {"observability": True},
        ),
        "onprem-mig-mixed-custom-config": (
            "onprem",
            [setup("a100", "onprem", A100_BALANCED)],
            {
                "observability": False,
                "mig_parted_config": {
                    "version": "v1",
                    "mig-configs": {
                        "custom": [
                            {"devices": "all", "mig-enabled": True, "mig-devices": {"3g.40gb": 2}}
                        ]
                    },
                },
            },
        ),
        "eks-al2023": ("eks", [setup("l4", "eks", L4)], {"observability": True}),
        "eks-bottlerocket": (
            "eks",
            [setup("l4", "eks", L4, eks={"ami_type": "BOTTLEROCKET_x86_64_NVIDIA"})],
            {"observability": False},
        ),
        "gke-operator-path": (
            "gke",
            [setup("l4", "gke", L4, gke=GKE_OPERATOR_UBUNTU)],
            {"observability": True},
        ),
        "aks-driver-none": (
            "aks",
            [setup("l4", "aks", L4, aks={"gpu_driver": "None"})],
            {"observability": False},
        ),
        "aks-driver-install": ("aks", [setup("l4", "aks", L4)], {"observability": False}),
        # prod-aks: a whole-GPU T4 pool and an A100 pool AKS partitions (gpu_instance_profile)
        "aks-mig-native": (
            "aks",
            [setup("t4", "aks", T4), setup("a100-mig", "aks", A100_MIG)],
            {"observability": True},
        ),
        # an AKS spot pool: the operands and NFD must tolerate the spot taint AKS sets
        "aks-spot": ("aks", [setup("t4", "aks", {**T4, "spot": True})], {"observability": True}),
    }


def render(name: str) -> dict[str, Any]:
    target, setups, kwargs = cases()[name]
    return gpu_operator_values(target, setups, **kwargs)
