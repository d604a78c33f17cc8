"""Serving on cloud targets: GPU operator per node image, priced model sizing, setup conflicts."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers import run_platform
from helpers.cloud_configs import platform
from pulumi_llmops.bundle import prepare
from pulumi_llmops.config import ConfigError, load_platform_config

# The cloud test platforms without the add-ons these tests do not look at.
ADDONS = {"observability": {"enabled": False}, "vector_db": {"enabled": False}}
EKS: dict[str, Any] = {**platform("eks"), "addons": ADDONS}
GKE: dict[str, Any] = {**platform("gke"), "addons": ADDONS}
LLAMA = {
    "storage_uri": "hf://meta-llama/Llama-3.1-8B-Instruct",
    "params_billion": 8.03,
    "architecture": {"num_layers": 32, "num_kv_heads": 8, "head_dim": 128},
    "min_replicas": 1,
    "max_replicas": 4,
}


def config(base: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    data.update(copy.deepcopy(overrides))
    return data


def test_eks_model_is_priced_and_the_operator_skips_driver_and_toolkit() -> None:
    data = config(EKS, models={"llama": LLAMA})
    plan = prepare(load_platform_config(data)).serving
    sizing = plan.sizing["llama"]
    assert (sizing.pool, sizing.tensor_parallel, sizing.pool_chosen_by) == ("l4", 1, "cheapest")
    assert sizing.usd_per_hour_min == pytest.approx(0.8048)
    assert sizing.usd_per_hour_max == pytest.approx(4 * 0.8048)
    # What the bill sees, reachable from prepare(): 4 replicas need 4 nodes, 2 are allowed.
    assert plan.placement is not None
    l4 = plan.placement.pools["l4"]
    assert (l4.nodes_min, l4.nodes_max, l4.max_nodes, l4.over_capacity) == (1, 4, 2, True)
    assert l4.usd_per_hour_max == pytest.approx(4 * 0.8048)
    assert l4.spot_usd_per_hour_max == pytest.approx(4 * 0.3821)
    assert (l4.capacity, l4.gpu_utilisation_max) == ("on-demand", 1.0)
    recording, _ = run_platform(data)
    values = recording.named("ml-gpu-operator-chart").inputs["values"]
    assert (values["driver"], values["toolkit"], values["devicePlugin"]) == (
        {"enabled": False},
        {"enabled": False},
        {"enabled": True},
    )


def test_eks_bottlerocket_needs_no_operator_by_default() -> None:
    pools = {
        "l4": {
            "machine_type": "g6.xlarge",
            "max_nodes": 2,
            "eks": {"ami_type": "BOTTLEROCKET_x86_64_NVIDIA"},
        }
    }
    plan = prepare(load_platform_config(config(EKS, node_pools=pools))).serving
    assert plan.gpu_operator is False


def test_pools_with_different_node_images_are_a_config_error() -> None:
    pools = {
        "a": {"machine_type": "g6.xlarge", "max_nodes": 2},
        "b": {
            "machine_type": "g6.xlarge",
            "max_nodes": 2,
            "eks": {"ami_type": "BOTTLEROCKET_x86_64_NVIDIA"},
        },
    }
    with pytest.raises(ConfigError) as err:
        prepare(load_platform_config(config(EKS, node_pools=pools)))
    assert [p.render() for p in err.value.problems] == [
        "node_pools: GPU pools need different device plugin settings (a: operator, b: image); "
        "the GPU operator's settings are cluster-wide: use one node image / driver mode for "
        "all pools"
    ]


def test_driver_preinstalled_is_on_prem_only() -> None:
    data = config(EKS, addons={**EKS["addons"], "gpu_operator": {"driver_preinstalled": True}})
    with pytest.raises(ConfigError) as err:
        prepare(load_platform_config(data))
    assert [p.render() for p in err.value.problems] == [
        "addons.gpu_operator.driver_preinstalled: on-prem only; on clouds the node image or "
        "the pool's cloud block decides the driver (got True)"
    ]


def test_gke_managed_drivers_install_no_operator_but_serve_models() -> None:
    recording, value = run_platform(config(GKE, models={"llama": LLAMA}))
    assert value.gpu_operator is None
    assert recording.of_type("llmops:addons:GpuOperator") == []
    model = recording.named("ml-models-llama")
    assert all("GpuOperator" not in urn for urn in model.dependencies)
    sizing = value.serving.plan.sizing["llama"]
    assert (sizing.pool, sizing.gpu, sizing.tensor_parallel) == ("l4", "L4", 1)
    predictor = model.inputs["spec"]["predictor"]
    assert predictor["model"]["resources"]["limits"]["nvidia.com/gpu"] == "1"
