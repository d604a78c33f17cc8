"""The ResourceClaimTemplate of a model on a DRA pool: device class by pool kind, count = TP,
and the smallest device memory on which the sizing still fits."""

from __future__ import annotations

import math

import kubernetes_validate
import pytest

from helpers.cloud_configs import dra_and_reserved
from pulumi_llmops.bundle.prepare import prepare
from pulumi_llmops.config import load_platform_config
from pulumi_llmops.serving.claims import (
    claim_template_name,
    device_class,
    memory_selector,
    min_device_mib,
    pod_claims,
    resource_claim_template,
)


@pytest.fixture(scope="module")
def plan():
    return prepare(load_platform_config(dra_and_reserved("eks")))


def test_min_device_memory_holds_vllms_share_and_what_lies_outside_it(plan) -> None:
    sizing = plan.serving.sizing["chat"]
    need = sizing.need
    util = need.gpu_memory_utilization
    assert util == 0.9
    expected = math.ceil(max(need.total_gib / util, need.outside_gib / (1 - util)) * 1024)
    assert min_device_mib(sizing) == expected == 6771
    # The device the sizing chose (an L4, 22888 MiB usable) satisfies the selector.
    assert expected <= plan.shapes["l4"].gpu_memory_gib * 1024


def test_device_class_follows_the_pool_kind(plan) -> None:
    assert device_class(plan.contracts["l4"]) == "gpu.nvidia.com"
    assert device_class(plan.contracts["h100"]) == "mig.nvidia.com"


def test_tensor_parallel_replicas_claim_that_many_devices(plan) -> None:
    from dataclasses import replace

    sizing = replace(plan.serving.sizing["chat"], tensor_parallel=2)
    manifest = resource_claim_template("chat", "llmops-models", sizing, plan.contracts["l4"])
    request = manifest["spec"]["spec"]["devices"]["requests"][0]
    assert request["exactly"]["count"] == 2
    assert request["exactly"]["selectors"] == [{"cel": {"expression": memory_selector(6771)}}]
    kubernetes_validate.validate(manifest, "1.34.0", strict=True)


def test_names_and_pod_claims() -> None:
    assert claim_template_name("chat") == "chat-gpu"
    assert pod_claims("chat") == [{"name": "gpu", "resourceClaimTemplateName": "chat-gpu"}]
    assert memory_selector(40960) == (
        "device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('40960Mi')) >= 0"
    )


def test_a_cpu_sizing_has_no_claim(plan) -> None:
    from dataclasses import replace

    with pytest.raises(ValueError, match="has no GPU sizing"):
        min_device_mib(replace(plan.serving.sizing["chat"], need=None))
