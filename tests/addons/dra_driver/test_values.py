"""DRA driver values: exact rendering, every key exists in the pinned chart (0.4.1), and the
DeviceClasses claims name are the ones the chart creates (upstream facts/dra.md)."""

from __future__ import annotations

import re

from helpers import chart_defaults, require_upstream, unknown_values_keys
from pulumi_llmops.addons.dra_driver import DraPool, dra_driver_values, driver_root
from pulumi_llmops.addons.dra_driver.values import device_classes
from pulumi_llmops.versions import CHARTS

GPU_TOLERATION = (("effect", "NoSchedule"), ("key", "nvidia.com/gpu"), ("operator", "Exists"))
SPOT = (
    ("effect", "NoSchedule"),
    ("key", "kubernetes.azure.com/scalesetpriority"),
    ("operator", "Equal"),
    ("value", "spot"),
)


def test_values_run_the_kubelet_plugin_on_dra_pools_only_and_tolerate_their_taints() -> None:
    pools = [
        DraPool("a", (GPU_TOLERATION,), operator_driver=False),
        DraPool("b", (GPU_TOLERATION, SPOT), operator_driver=False),
    ]
    assert dra_driver_values(pools) == {
        "nvidiaDriverRoot": "/",
        "gpuResourcesEnabledOverride": True,
        "resourceApiVersion": "resource.k8s.io/v1",
        "resources": {"gpus": {"enabled": True}, "computeDomains": {"enabled": False}},
        "kubeletPlugin": {
            "nodeSelector": {"llmops.dev/gpu-allocation": "dra"},
            "tolerations": [
                {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
                dict(SPOT),
            ],
        },
    }


def test_driver_root_is_the_operators_when_it_installs_the_driver() -> None:
    assert driver_root([DraPool("a", (), operator_driver=True)]) == "/run/nvidia/driver"
    assert driver_root([DraPool("a", (), operator_driver=False)]) == "/"


def test_every_values_key_exists_in_the_pinned_chart() -> None:
    pin = CHARTS["dra-driver-nvidia-gpu"]
    assert (pin.chart, pin.version, pin.repository) == (
        "oci://registry.k8s.io/dra-driver-nvidia/charts/dra-driver-nvidia-gpu",
        "0.4.1",
        "",
    )
    defaults = chart_defaults("dra-driver-nvidia-gpu", pin.version)
    values = dra_driver_values([DraPool("a", (GPU_TOLERATION, SPOT), operator_driver=True)])
    assert unknown_values_keys(values, defaults) == []
    # The install guard the override answers, and the chart defaults it relies on.
    assert defaults["gpuResourcesEnabledOverride"] is False
    assert defaults["resources"]["gpus"]["enabled"] is True
    assert defaults["kubeletPlugin"]["tolerations"] == [dict(GPU_TOLERATION)]


def test_claims_use_the_device_classes_the_chart_creates() -> None:
    facts = (require_upstream() / "facts" / "dra.md").read_text()
    for name in device_classes():
        row = re.search(rf"^\| `{re.escape(name)}` \| `resources\.gpus\.enabled` \|", facts, re.M)
        assert row is not None, name
    assert "newest release is **v0.4.1**" in facts
    assert "went **GA in Kubernetes v1.34**" in facts
