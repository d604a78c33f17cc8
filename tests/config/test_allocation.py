"""`gpu.allocation: dra` and `addons.dra_driver`: valid configs load; each thing the target
cannot do is one path-named problem."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers.cloud_configs import SUBNETS, platform
from helpers.engine import onprem_platform
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.config.allocation import minor_at_least
from pulumi_llmops.config.node_pool import GpuPoolSpec

DRA = {"allocation": "dra"}


def eks(version: str | None = "1.35", **pool: Any) -> dict[str, Any]:
    cluster: dict[str, Any] = {"eks": {"subnet_ids": SUBNETS}}
    if version is not None:
        cluster["eks"]["kubernetes_version"] = version
    return platform(
        "eks", cluster, l4={"machine_type": "g6.xlarge", "max_nodes": 2, "gpu": DRA, **pool}
    )


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(data)
    return [p.render() for p in info.value.problems]


def test_a_dra_pool_keeps_the_catalogue_shape_and_the_default_is_device_plugin() -> None:
    config = load_platform_config(eks())
    pool = config.node_pools["l4"]
    assert (pool.allocation, pool.declared_gpu) == ("dra", None)
    assert GpuPoolSpec.model_validate({"machine_type": "g6.xlarge"}).allocation == "device-plugin"
    assert load_platform_config(platform("eks")).node_pools["l4"].allocation == "device-plugin"


def test_gke_and_onprem_dra_pools_load() -> None:
    gke = platform(
        "gke",
        l4={
            "machine_type": "g2-standard-8",
            "gpu": DRA,
            "gke": {
                "node_locations": ["us-central1-a"],
                "gpu_driver_version": "INSTALLATION_DISABLED",
                "image_type": "UBUNTU_CONTAINERD",
            },
        },
    )
    assert load_platform_config(gke).node_pools["l4"].allocation == "dra"
    onprem = onprem_platform(addons={"dra_driver": {"kubernetes_version": "1.34"}})
    onprem["node_pools"]["l4"]["gpu"]["allocation"] = "dra"
    assert load_platform_config(onprem).node_pools["l4"].allocation == "dra"


def _onprem(**dra: Any) -> dict[str, Any]:
    data = onprem_platform(addons={"dra_driver": dra} if dra else {})
    data["node_pools"]["l4"]["gpu"]["allocation"] = "dra"
    return data


def _selector_pool() -> dict[str, Any]:
    data = _onprem(kubernetes_version="1.35")
    data["node_pools"]["l4"]["onprem"] = {"node_selector": {"gpu": "l4"}, "node_count": 2}
    return data


def _gke_default_driver() -> dict[str, Any]:
    return platform(
        "gke",
        l4={
            "machine_type": "g2-standard-8",
            "gpu": DRA,
            "gke": {"node_locations": ["us-central1-a"]},
        },
    )


def _aks(version: str | None) -> dict[str, Any]:
    cluster = {"aks": {"authorized_ip_ranges": ["203.0.113.0/24"]}}
    if version:
        cluster["aks"]["kubernetes_version"] = version
    return platform("aks", cluster, t4={"machine_type": "Standard_NC4as_T4_v3", "gpu": DRA})


NEED = "DRA pools need resource.k8s.io/v1, GA in Kubernetes 1.34"
CASES = [
    (
        "eks-unpinned",
        eks(None),
        [
            f"cluster.eks.kubernetes_version: {NEED}: pin it to 1.34 or later (the cloud's "
            "default may be older)"
        ],
    ),
    (
        "aks-1.33",
        _aks("1.33"),
        # 1.33 already left AKS support at the catalogue date: that problem names the key once.
        [
            "cluster.aks.kubernetes_version: left standard support on 2026-07-31 (catalogue "
            "date 2026-12-02, catalog/data/kubernetes_versions.yaml); pin a supported minor "
            "(1.35, 1.36, 1.37) or leave it unset (got '1.33')"
        ],
    ),
    (
        "onprem-no-version",
        _onprem(),
        [
            f"addons.dra_driver.kubernetes_version: required on-prem with a DRA pool: {NEED}; "
            "declare the minor"
        ],
    ),
    (
        "onprem-1.33",
        _onprem(kubernetes_version="1.33"),
        [f"addons.dra_driver.kubernetes_version: {NEED}: use 1.34 or later (got '1.33')"],
    ),
    (
        "version-on-a-cloud",
        {**eks(), "addons": {"dra_driver": {"kubernetes_version": "1.35"}}},
        [
            "addons.dra_driver.kubernetes_version: on-prem only; on eks the cluster's own "
            "version counts (got '1.35')"
        ],
    ),
    (
        "driver-off",
        {**eks(), "addons": {"dra_driver": {"enabled": False}}},
        [
            "addons.dra_driver.enabled: pools l4 set gpu.allocation: dra, which needs the DRA "
            "driver (got False)"
        ],
    ),
    (
        "operator-off",
        {**eks(), "addons": {"gpu_operator": {"enabled": False}}},
        [
            "addons.gpu_operator.enabled: DRA pools need the GPU operator (container toolkit "
            "with CDI, and the node labels the DRA kubelet plugin's node affinity requires) "
            "(got False)"
        ],
    ),
    (
        "bottlerocket",
        eks(eks={"ami_type": "BOTTLEROCKET_x86_64_NVIDIA"}),
        [
            "node_pools.l4.eks.ami_type: Bottlerocket NVIDIA images run their own device "
            "plugin, which would hand out the same GPUs as the DRA driver; use "
            "AL2023_x86_64_NVIDIA or AL2023_ARM_64_NVIDIA with gpu.allocation: dra "
            "(got 'BOTTLEROCKET_x86_64_NVIDIA')"
        ],
    ),
    (
        "gke-managed-driver",
        _gke_default_driver(),
        [
            "node_pools.l4.gke.gpu_driver_version: GKE-managed drivers come with GKE's device "
            "plugin; DRA pools need INSTALLATION_DISABLED (the GPU operator installs the "
            "driver, GKE's device plugin is switched off by label) (got 'DEFAULT')"
        ],
    ),
    (
        "time-slicing",
        eks(sharing={"time_slicing": {"replicas": 4}}),
        [
            "node_pools.l4.sharing.time_slicing: not with gpu.allocation: dra (time-slicing "
            "in the DRA driver 0.4.1 is the alpha feature gate TimeSlicingSettings); use MIG, "
            "whole GPUs, or allocation device-plugin"
        ],
    ),
    (
        "adopted-nodes-unlabelled",
        _selector_pool(),
        [
            "node_pools.l4.onprem.existing_labels: nodes adopted by selector are not patched: "
            "label them llmops.dev/gpu-allocation=dra, nvidia.com/gpu.deploy.device-plugin=false "
            "and list the labels here"
        ],
    ),
    (
        "unknown-allocation",
        eks(gpu={"allocation": "mps"}),
        ["node_pools.l4.gpu.allocation: Input should be 'device-plugin' or 'dra' (got 'mps')"],
    ),
]


@pytest.mark.parametrize(("data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_what_the_target_cannot_do_is_a_path_named_problem(
    data: dict[str, Any], expected: list[str]
) -> None:
    assert problems(copy.deepcopy(data)) == expected


def test_a_gpu_shape_is_model_and_count_together() -> None:
    with pytest.raises(ConfigError) as info:
        GpuPoolSpec.model_validate({"gpu": {"count": 2, "memory_gib": 20}})
    assert [p.render() for p in info.value.problems] == [
        "gpu.model: required with count",
        "gpu.memory_gib: only with model and count (got 20.0)",
    ]


def test_onprem_needs_a_declared_shape_even_with_dra() -> None:
    data = _onprem(kubernetes_version="1.35")
    data["node_pools"]["l4"]["gpu"] = {"allocation": "dra"}
    assert problems(data) == [
        "node_pools.l4.gpu: required on-prem: declare {model, count} per node"
    ]


@pytest.mark.parametrize(
    ("minor", "floor", "expected"),
    [("1.34", "1.34", True), ("1.33", "1.34", False), ("1.100", "1.34", True)],
)
def test_minor_comparison_is_numeric(minor: str, floor: str, expected: bool) -> None:
    assert minor_at_least(minor, floor) is expected
