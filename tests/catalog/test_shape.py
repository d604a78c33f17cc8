"""`resolve_pool`: a pool's GPU facts and price, resolved once from catalogue and declaration."""

from __future__ import annotations

import pytest

from helpers import onprem_platform
from helpers.cloud_configs import platform
from pulumi_llmops.catalog.shape import PoolShape, resolve_pool
from pulumi_llmops.config import GpuPoolSpec, PlatformConfig, load_platform_config
from pulumi_llmops.targets import catalog_cloud


def shape_of(config: PlatformConfig, pool: str) -> PoolShape:
    spec = config.node_pools[pool]
    return resolve_pool(
        catalog_cloud(config.target),
        spec.machine_type,
        spec.gpu,
        config.region,
        config.catalog.to_overrides(),
    )


def test_a_declared_gpu_stands_in_for_an_unknown_machine_type() -> None:
    spec = {"machine_type": "g7e.2xlarge", "gpu": {"model": "L40S", "count": 1}}
    config = load_platform_config(platform("eks", l40s=spec))
    shape = shape_of(config, "l40s")
    assert (shape.gpu_model, shape.gpu_count, shape.instance) == ("L40S", 1, None)
    assert shape.gpu_memory_gib == pytest.approx(45776 / 1024)


def test_declared_gpu_fields_win_over_the_catalogue_entry() -> None:
    spec = GpuPoolSpec.model_validate(
        {"machine_type": "g5.12xlarge", "gpu": {"model": "A10G", "count": 2, "memory_gib": 20}}
    )
    shape = resolve_pool("aws", spec.machine_type, spec.gpu, "us-east-1")
    assert (shape.gpu_model, shape.gpu_count, shape.gpu_memory_gib) == ("A10G", 2, 20)
    assert shape.instance is not None and shape.instance.gpu_count == 4


def test_catalog_overrides_add_machine_types() -> None:
    data = platform(
        "gke", l4={"machine_type": "g2-custom-8", "gke": {"node_locations": ["us-central1-a"]}}
    )
    data["catalog"] = {
        "instances": {
            "g2-custom-8": {
                "cloud": "gcp",
                "gpu_model": "L4",
                "gpu_count": 1,
                "accelerator_type": "nvidia-l4",
            }
        }
    }
    config = load_platform_config(data)
    shape = shape_of(config, "l4")
    assert (shape.gpu_model, shape.accelerator_type) == ("L4", "nvidia-l4")


def test_onprem_gpu_memory_is_declared_or_from_the_catalogue() -> None:
    gpu = {"model": "RTX-9000", "count": 2, "memory_gib": 96}
    config = load_platform_config(
        onprem_platform(node_pools={"a": {"gpu": gpu, "onprem": {"node_names": ["n1"]}}})
    )
    assert shape_of(config, "a").gpu_memory_gib == 96
    assert shape_of(config, "a").gpu_model == "RTX-9000"
    assert shape_of(load_platform_config(onprem_platform()), "l4").gpu_memory_gib == 22888 / 1024


def test_the_price_is_the_catalogue_price_of_one_node_in_the_region() -> None:
    spec = GpuPoolSpec.model_validate({"machine_type": "g6.xlarge"})
    shape = resolve_pool("aws", spec.machine_type, spec.gpu, "us-east-1")
    assert shape.usd_per_hour == 0.8048
    assert shape.price is not None and shape.price.region == "us-east-1"
    assert resolve_pool("aws", spec.machine_type, spec.gpu, "mars-1").usd_per_hour is None


def test_unknown_machine_type_without_a_declared_gpu_raises() -> None:
    from pulumi_llmops.catalog.instances import UnknownMachineTypeError

    with pytest.raises(UnknownMachineTypeError):
        resolve_pool("aws", "g6.xlarg", None, "us-east-1")
