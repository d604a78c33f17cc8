"""Sizing glue: model spec + pools -> pool, GPUs per replica, $/hour; errors name models.<name>."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.catalog.shape import resolve_pool
from pulumi_llmops.cluster.contracts import pool_contract
from pulumi_llmops.config.errors import ConfigError
from pulumi_llmops.config.models import ModelSpec
from pulumi_llmops.config.node_pool import GpuPoolSpec
from pulumi_llmops.serving.sizing import pool_units, size_model
from pulumi_llmops.targets import catalog_cloud

LLAMA_8B = {
    "params_billion": 8.03,
    "architecture": {"num_layers": 32, "num_kv_heads": 8, "head_dim": 128},
}
QWEN_32B = {
    "params_billion": 32.8,
    "architecture": {"num_layers": 64, "num_kv_heads": 8, "head_dim": 128},
}
LLAMA_70B = {
    "params_billion": 70.6,
    "architecture": {"num_layers": 80, "num_kv_heads": 8, "head_dim": 128},
}

EKS_POOLS = {
    "l4": {"machine_type": "g6.xlarge"},
    "l40s": {"machine_type": "g6e.xlarge"},
    "a10g4": {"machine_type": "g5.12xlarge"},
    "h100": {"machine_type": "p5.48xlarge"},
}
ONPREM_POOLS = {
    "l40s": {"gpu": {"model": "L40S", "count": 4}, "onprem": {"node_names": ["n1"]}},
    "a100": {
        "gpu": {"model": "A100-80GB", "count": 8},
        "sharing": {"mig": {"profile": "all-3g.40gb"}},
        "onprem": {"node_names": ["n2"]},
    },
    "mixed": {
        "gpu": {"model": "A100-80GB", "count": 8},
        "sharing": {"mig": {"profile": "all-balanced"}},
        "onprem": {"node_names": ["n3"]},
    },
    "sliced": {
        "gpu": {"model": "L4", "count": 1},
        "sharing": {"time_slicing": {"replicas": 2}},
        "onprem": {"node_names": ["n4"]},
    },
}


def units(pools: dict[str, Any], target: str, region: str = "us-east-1"):
    """The units of `pools` as the bundle computes them: shape, then contract, per pool."""
    specs = {k: GpuPoolSpec.model_validate(v) for k, v in pools.items()}
    cloud = catalog_cloud(target)
    shapes = {k: resolve_pool(cloud, s.machine_type, s.gpu, region) for k, s in specs.items()}
    contracts = {k: pool_contract(target, k, s, shapes[k]) for k, s in specs.items()}
    return pool_units(contracts, shapes)


def model(**fields: Any) -> ModelSpec:
    return ModelSpec.model_validate({"storage_uri": "hf://org/model", **fields})


@pytest.mark.parametrize(
    ("fields", "pool", "tp", "usd_per_replica"),
    [
        (LLAMA_8B, "l4", 1, 0.8048),  # cheapest GPU that holds 18 GiB
        ({**LLAMA_8B, "max_context_tokens": 65536, "concurrent_sequences": 2}, "l40s", 1, 1.861),
        (QWEN_32B, "a10g4", 4, 5.672),  # 65 GiB of bf16 weights: 4 x A10G
        ({**QWEN_32B, "precision": "int4"}, "l4", 1, 0.8048),  # 19.3 GiB: just fits an L4
        (LLAMA_70B, "h100", 4, 27.52),  # half of a p5.48xlarge
        ({**LLAMA_70B, "pool": "h100", "tensor_parallel": 8}, "h100", 8, 55.04),
        ({**LLAMA_8B, "pool": "h100"}, "h100", 1, 6.88),
    ],
)
def test_cloud_pool_choice_table(fields: dict, pool: str, tp: int, usd_per_replica: float) -> None:
    found = size_model("m", model(**fields), *units(EKS_POOLS, "eks"))
    assert (found.pool, found.tensor_parallel) == (pool, tp)
    assert found.usd_per_hour_per_replica == pytest.approx(usd_per_replica)


def test_replica_costs_scale_with_min_and_max_replicas() -> None:
    found = size_model(
        "m", model(**LLAMA_8B, min_replicas=2, max_replicas=5), *units(EKS_POOLS, "eks")
    )
    assert found.usd_per_hour_min == pytest.approx(2 * 0.8048)
    assert found.usd_per_hour_max == pytest.approx(5 * 0.8048)
    assert found.pool_chosen_by == "cheapest"
    assert round(found.needed_gib, 2) == 17.96


@pytest.mark.parametrize(
    ("fields", "pool", "gpu", "utilization", "resource_profile"),
    [
        (LLAMA_8B, "a100", "A100-80GB MIG 3g.40gb", 0.9, "3g.40gb"),  # unpriced: name order
        ({**LLAMA_8B, "pool": "l40s"}, "l40s", "L40S", 0.9, None),
        ({"params_billion": 1.5, "pool": "sliced"}, "sliced", "L4 time-slice 1/2", 0.45, None),
        ({**QWEN_32B, "precision": "int4"}, "a100", "A100-80GB MIG 3g.40gb", 0.9, "3g.40gb"),
    ],
)
def test_onprem_units_mig_slices_and_time_slices(
    fields: dict, pool: str, gpu: str, utilization: float, resource_profile: str | None
) -> None:
    found = size_model("m", model(**fields), *units(ONPREM_POOLS, "onprem", "lab"))
    assert (found.pool, found.gpu, found.tensor_parallel) == (pool, gpu, 1)
    assert found.gpu_memory_utilization == utilization
    assert found.mig_profile == resource_profile
    assert found.usd_per_hour_per_replica is None
    assert found.usd_per_hour_max is None


def test_mig_slice_memory_and_units() -> None:
    found, unusable = units(ONPREM_POOLS, "onprem", "lab")
    assert found["a100"].candidate.gpu_memory_gib == 37.25
    assert found["a100"].candidate.gpus_per_node == 1
    assert found["sliced"].candidate.gpu_memory_gib == pytest.approx(22.3515625 / 2)
    assert unusable == {
        "mixed": "MIG all-balanced mixes slice sizes, so the pool has no single GPU resource"
    }


def test_no_pool_fits_names_memory_and_every_pool() -> None:
    pools = {"l4": {"gpu": {"model": "L4", "count": 1}, "onprem": {"node_names": ["n"]}}}
    with pytest.raises(ConfigError) as err:
        size_model("big", model(**LLAMA_70B), *units(pools, "onprem", "lab"))
    assert [p.path for p in err.value.problems] == ["models.big"]
    assert err.value.problems[0].message == (
        "no GPU pool fits the model: it needs 136.0 GiB per replica (weights 131.50 GiB "
        "(70.6B params x 2 bytes, bf16) + KV cache 2.50 GiB (327,680 bytes/token, bf16, 80 "
        "layers x 8 KV heads x 128 head dim; x 8,192 tokens x 1 sequence) + overhead 2.00 GiB "
        "per GPU = 136.00 GiB on one GPU; each GPU may use 90% of its memory). Pools "
        "considered: l4 (1 x L4, 22.4 GiB/GPU, max TP 1: needs 136.0 GiB/GPU, 20.1 usable). "
        "Use a lower precision, a shorter max context, fewer concurrent sequences, or GPUs "
        "with more memory."
    )


def test_named_pool_too_small_is_an_error_even_if_another_fits() -> None:
    with pytest.raises(ConfigError) as err:
        size_model("m", model(**QWEN_32B, pool="l4"), *units(EKS_POOLS, "eks"))
    assert err.value.problems[0].path == "models.m"
    assert "Pools considered: l4 (1 x L4" in err.value.problems[0].message
    assert "h100" not in err.value.problems[0].message


def test_mixed_mig_pool_cannot_host_models() -> None:
    with pytest.raises(ConfigError) as err:
        size_model("m", model(**LLAMA_8B, pool="mixed"), *units(ONPREM_POOLS, "onprem", "lab"))
    assert [(p.path, p.message, p.value) for p in err.value.problems] == [
        (
            "models.m.pool",
            "models cannot use this pool: MIG all-balanced mixes slice sizes, so "
            "the pool has no single GPU resource",
            "mixed",
        )
    ]


@pytest.mark.parametrize(
    ("tp", "message"),
    [
        (
            1,
            "pool a10g4 allows 4 to 4 GPUs per replica for this model (65.1 GiB at TP 1, "
            "22.4 GiB per GPU)",
        ),
        (
            8,
            "pool a10g4 allows 4 to 4 GPUs per replica for this model (65.1 GiB at TP 1, "
            "22.4 GiB per GPU)",
        ),
    ],
)
def test_tensor_parallel_override_out_of_range(tp: int, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        size_model(
            "m", model(**QWEN_32B, pool="a10g4", tensor_parallel=tp), *units(EKS_POOLS, "eks")
        )
    assert [(p.path, p.message, p.value) for p in err.value.problems] == [
        ("models.m.tensor_parallel", message, tp)
    ]


def test_cpu_only_small_model_and_limit() -> None:
    small = size_model("tiny", model(params_billion=0.5, cpu_only=True), {}, {})
    assert (small.cpu_only, small.pool, small.tensor_parallel) == (True, None, 0)
    with pytest.raises(ConfigError) as err:
        size_model("big", model(params_billion=8, cpu_only=True), {}, {})
    assert [(p.path, p.message) for p in err.value.problems] == [
        (
            "models.big.cpu_only",
            "weights are 14.9 GiB; CPU serving is for models up to 8 GiB "
            "of weights: use a GPU pool",
        )
    ]


def test_unusable_pools_are_named_when_nothing_fits() -> None:
    pools = {
        "mixed": ONPREM_POOLS["mixed"],
        "odd": {"gpu": {"model": "Z9000", "count": 1}, "onprem": {"node_names": ["n"]}},
    }
    found, unusable = units(pools, "onprem", "lab")
    assert found == {}
    assert sorted(unusable) == ["mixed", "odd"]
    assert unusable["odd"] == (
        "the memory of GPU model 'Z9000' is unknown: declare gpu.memory_gib or add the model "
        "under catalog.gpus"
    )
    with pytest.raises(ConfigError) as err:
        size_model("m", model(**LLAMA_8B), found, unusable)
    message = err.value.problems[0].message
    assert "Pools considered: none given." in message
    assert message.endswith(
        f" Not usable: mixed ({unusable['mixed']}). Not usable: odd ({unusable['odd']})."
    )
