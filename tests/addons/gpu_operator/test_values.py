"""GPU operator values: golden files per target, chart-key conformance, pool setup tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import chart_defaults, unknown_values_keys
from helpers.golden import check_golden
from helpers.gpu_cases import (
    A100_MIG,
    GKE_OPERATOR_UBUNTU,
    L4,
    L4_SLICED,
    T4,
    cases,
    render,
    setup,
)
from pulumi_llmops.addons.gpu_operator import (
    GpuSetupError,
    gpu_operator_values,
    mig_strategy,
    operator_needed,
    time_slicing_config,
)
from pulumi_llmops.versions import CHARTS

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", sorted(cases()))
def test_values_match_golden_file(name: str) -> None:
    check_golden(GOLDEN, f"gpu-operator-{name}", render(name))


@pytest.mark.parametrize("name", sorted(cases()))
def test_every_values_key_exists_in_the_pinned_chart(name: str) -> None:
    pin = CHARTS["gpu-operator"]
    assert unknown_values_keys(render(name), chart_defaults(pin.chart_name, pin.version)) == []


def test_key_decisions_per_target() -> None:
    enabled = {
        name: (v["driver"]["enabled"], v["toolkit"]["enabled"], v["devicePlugin"]["enabled"])
        for name in cases()
        for v in [render(name)]
    }
    assert enabled == {
        "onprem-defaults": (True, True, True),
        "onprem-preinstalled-sliced-mig": (False, True, True),
        "onprem-mig-mixed-custom-config": (True, True, True),
        "eks-al2023": (False, False, True),
        "eks-bottlerocket": (False, False, False),
        "gke-operator-path": (True, True, True),
        "aks-driver-none": (True, True, True),
        "aks-driver-install": (False, False, True),
        "aks-mig-native": (False, False, True),
        "aks-spot": (False, False, True),
    }
    # NVIDIA's driver-manager path on GKE Ubuntu nodes: the operator's driver at its own
    # paths (the /home/kubernetes/bin/nvidia paths belong to Google's installer path).
    gke = render("gke-operator-path")
    assert "hostPaths" not in gke and "installDir" not in gke["toolkit"]
    assert "hostPaths" not in render("onprem-defaults")
    # Pulumi never runs the pre-upgrade CRD hook: it is off everywhere.
    assert {render(name)["operator"]["upgradeCRD"] for name in cases()} == {False}


def test_time_slicing_and_mig() -> None:
    values = render("onprem-preinstalled-sliced-mig")
    assert values["devicePlugin"]["config"] == {
        "name": "llmops-device-plugin-config",
        "default": "default",
    }
    assert values["mig"] == {"strategy": "single"}
    assert values["dcgmExporter"] == {"enabled": True, "serviceMonitor": {"enabled": True}}
    # the sliced pool's extra taint must be tolerated by the operator's DaemonSets
    assert values["daemonsets"] == {
        "tolerations": [
            {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
            {"effect": "NoSchedule", "key": "example.com/team", "operator": "Equal", "value": "ml"},
        ]
    }
    mixed = render("onprem-mig-mixed-custom-config")
    assert mixed["mig"] == {"strategy": "mixed"}
    assert mixed["migManager"]["config"]["name"] == "llmops-mig-parted-config"
    assert yaml.safe_load(mixed["migManager"]["config"]["data"]["config.yaml"]) == {
        "version": "v1",
        "mig-configs": {
            "custom": [{"devices": "all", "mig-enabled": True, "mig-devices": {"3g.40gb": 2}}]
        },
    }
    assert "devicePlugin" in mixed and "config" not in mixed["devicePlugin"]


def test_time_slicing_config_has_one_key_per_sliced_pool_plus_default() -> None:
    setups = [
        setup("a100", "onprem", A100_MIG),
        setup("l4", "onprem", L4_SLICED),
        setup("l4b", "onprem", L4),
    ]
    data = time_slicing_config(setups)
    assert sorted(data) == ["default", "l4"]
    assert yaml.safe_load(data["default"]) == {"version": "v1", "flags": {"migStrategy": "single"}}
    assert yaml.safe_load(data["l4"]) == {
        "version": "v1",
        "flags": {"migStrategy": "none"},
        "sharing": {
            "timeSlicing": {
                "renameByDefault": False,
                "failRequestsGreaterThanOne": True,
                "resources": [{"name": "nvidia.com/gpu", "replicas": 4}],
            }
        },
    }
    assert time_slicing_config([setup("l4", "onprem", L4)]) == {}


@pytest.mark.parametrize(
    ("target", "blocks", "expected"),
    [
        ("onprem", {}, ("operator", "operator", "operator")),
        ("eks", {}, ("image", "image", "operator")),
        ("eks", {"eks": {"ami_type": "AL2023_ARM_64_NVIDIA"}}, ("image", "image", "operator")),
        ("eks", {"eks": {"ami_type": "BOTTLEROCKET_ARM_64_NVIDIA"}}, ("image", "image", "image")),
        ("gke", {}, ("cloud", "cloud", "cloud")),
        ("gke", {"gke": {"gpu_driver_version": "LATEST"}}, ("cloud", "cloud", "cloud")),
        (
            "gke",
            {"gke": {"gpu_driver_version": "INSTALLATION_DISABLED"}},
            ("none", "operator", "operator"),
        ),
        (
            "gke",
            {"gke": GKE_OPERATOR_UBUNTU},
            ("operator", "operator", "operator"),
        ),
        ("aks", {}, ("cloud", "cloud", "operator")),
        ("aks", {"aks": {"gpu_driver": "None"}}, ("operator", "operator", "operator")),
    ],
)
def test_pool_setup_per_target(target: str, blocks: dict, expected: tuple) -> None:
    result = setup("p", target, L4, **blocks)
    assert (result.driver, result.toolkit, result.device_plugin) == expected


def test_operator_needed_defaults_and_explicit_flag() -> None:
    managed = [setup("p", "gke", L4)]
    assert operator_needed(None, managed) is False  # GKE-managed drivers: no operator
    assert operator_needed(True, managed) is True
    assert operator_needed(None, [setup("p", "onprem", L4)]) is True
    assert operator_needed(False, [setup("p", "onprem", L4)]) is False
    assert operator_needed(None, []) is False


def test_mig_strategy() -> None:
    assert mig_strategy([setup("a", "onprem", A100_MIG)]) == "single"
    balanced = {**A100_MIG, "sharing": {"mig": {"profile": "all-balanced"}}}
    assert mig_strategy([setup("a", "onprem", A100_MIG), setup("b", "onprem", balanced)]) == "mixed"


def test_pools_with_different_driver_setups_are_rejected() -> None:
    setups = [setup("a", "onprem", L4, True), setup("b", "onprem", L4)]
    with pytest.raises(GpuSetupError) as err:
        gpu_operator_values("onprem", setups, observability=False)
    assert err.value.path == "node_pools"
    assert str(err.value) == (
        "GPU pools need different driver settings (a: image, b: operator); the GPU operator's "
        "settings are cluster-wide: use one node image / driver mode for all pools"
    )


def test_time_slicing_needs_the_operators_device_plugin() -> None:
    setups = [setup("l4", "eks", L4_SLICED, eks={"ami_type": "BOTTLEROCKET_x86_64_NVIDIA"})]
    with pytest.raises(GpuSetupError) as err:
        gpu_operator_values("eks", setups, observability=False)
    assert err.value.path == "node_pools.l4.sharing.time_slicing"
    assert str(err.value) == (
        "time-slicing is configured by the operator's device plugin, but these nodes run the "
        "node image's device plugin"
    )


def test_cloud_native_mig_turns_the_mig_manager_off() -> None:
    """AKS partitions MIG itself (gpu_instance_profile) and the contract drops the
    nvidia.com/mig.config label; the MIG manager would label the nodes all-disabled (its
    default config) and undo the partitions."""
    aks = [setup("t4", "aks", T4), setup("a100-mig", "aks", A100_MIG)]
    assert [(s.pool, s.mig_manager) for s in aks] == [("t4", "none"), ("a100-mig", "cloud")]
    assert render("aks-mig-native")["migManager"] == {"enabled": False}
    # Operator-partitioned MIG keeps the chart default (on, configs from the hardware).
    onprem = setup("a100", "onprem", A100_MIG)
    assert onprem.mig_manager == "operator"
    assert "migManager" not in gpu_operator_values("onprem", [onprem], observability=False)
    gke = setup("a", "gke", A100_MIG, gke=GKE_OPERATOR_UBUNTU)
    assert gke.mig_manager == "operator"  # INSTALLATION_DISABLED: the operator partitions
    assert setup("a", "gke", A100_MIG).mig_manager == "cloud"  # gpu_partition_size


def test_a_custom_mig_config_with_cloud_mig_is_rejected() -> None:
    aks = [setup("a100-mig", "aks", A100_MIG)]
    config = {"version": "v1", "mig-configs": {"x": [{"devices": "all", "mig-enabled": False}]}}
    with pytest.raises(GpuSetupError) as err:
        gpu_operator_values("aks", aks, observability=False, mig_parted_config=config)
    assert err.value.path == "addons.gpu_operator.mig_parted_config"
    assert str(err.value) == (
        "the GPU operator's MIG manager is cluster-wide and must stay off while the cloud "
        "partitions MIG (a100-mig: cloud)"
    )


def test_nfd_tolerates_every_pool_taint() -> None:
    """The operator schedules operands only on nodes NFD labelled, so the NFD worker needs
    the same tolerations as the operands (plus its control-plane default)."""
    values = render("aks-spot")
    spot = {
        "key": "kubernetes.azure.com/scalesetpriority",
        "operator": "Equal",
        "value": "spot",
        "effect": "NoSchedule",
    }
    gpu = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
    assert values["daemonsets"]["tolerations"] == [gpu, spot]
    assert values["node-feature-discovery"]["worker"]["tolerations"] == [
        {
            "key": "node-role.kubernetes.io/control-plane",
            "operator": "Equal",
            "value": "",
            "effect": "NoSchedule",
        },
        gpu,
        spot,
    ]
    assert "node-feature-discovery" not in render("onprem-defaults")


def test_gke_cos_with_installation_disabled_is_rejected() -> None:
    cos = setup("l4", "gke", L4, gke={"gpu_driver_version": "INSTALLATION_DISABLED"})
    with pytest.raises(GpuSetupError) as err:
        gpu_operator_values("gke", [cos], observability=False)
    assert err.value.path == "node_pools.l4.gke.image_type"
    assert "nothing installs the NVIDIA driver on COS_CONTAINERD" in str(err.value)
