"""GPU operator values: golden files per target, chart-key conformance, pool setup tables."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import chart_defaults, unknown_values_keys
from helpers.golden import check_golden
from helpers.gpu_cases import A100_MIG, L4, L4_SLICED, cases, render, setup
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
        "gke-operator-path": (False, True, True),
        "aks-driver-none": (True, True, True),
        "aks-driver-install": (False, False, True),
    }
    gke = render("gke-operator-path")
    assert gke["hostPaths"] == {"driverInstallDir": "/home/kubernetes/bin/nvidia"}
    assert gke["toolkit"]["installDir"] == "/home/kubernetes/bin/nvidia"
    assert gke["cdi"] == {"enabled": True}
    assert "hostPaths" not in render("onprem-defaults")


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
            ("cloud", "operator", "operator"),
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
