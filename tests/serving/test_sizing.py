"""Sizing glue: model spec + pools -> pool, GPUs per replica, $/hour; errors name models.<name>."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.catalog.shape import resolve_pool
from pulumi_llmops.cluster.contracts import pool_contract
from pulumi_llmops.config.errors import ConfigError
from pulumi_llmops.config.models import ModelSpec
from pulumi_llmops.config.node_pool import GpuPoolSpec
from pulumi_llmops.serving.sizing import plan_sizing, pool_units, size_model
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
        (LLAMA_8B, "l4", 1, 0.8048),  # cheapest GPU that holds 17.5 GiB
        ({**LLAMA_8B, "max_context_tokens": 65536, "concurrent_sequences": 2}, "l40s", 1, 1.861),
        (QWEN_32B, "a10g4", 4, 5.672),  # 61 GiB of bf16 weights: 4 x A10G
        # 21.8 GiB of AWQ weights (13% kept 16-bit without vocab/hidden) + 4.3: an L40S.
        ({**QWEN_32B, "precision": "int4"}, "l40s", 1, 1.861),
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
    pools = {**EKS_POOLS, "l4": {"machine_type": "g6.xlarge", "max_nodes": 5}}
    found = size_model("m", model(**LLAMA_8B, min_replicas=2, max_replicas=5), *units(pools, "eks"))
    assert found.usd_per_hour_min == pytest.approx(2 * 0.8048)
    assert found.usd_per_hour_max == pytest.approx(5 * 0.8048)
    assert found.monthly_cost_max_usd == pytest.approx(5 * 0.8048 * 730)
    assert found.pool_chosen_by == "cheapest"
    assert round(found.needed_gib, 2) == 17.46
    assert found.spot_usd_per_hour_per_replica == pytest.approx(0.3821)  # recorded spot
    assert (found.dtype_arg, found.need.max_num_batched_tokens, found.need.max_num_seqs) == (
        "bfloat16",
        2048,
        256,
    )


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
    assert found["a100"].shape.gpu_memory_gib == 37.25
    assert found["a100"].shape.gpus_per_node == 16  # 8 GPUs x 2 slices
    assert found["a100"].shape.max_tensor_parallel == 1
    assert found["sliced"].shape.gpu_memory_gib == pytest.approx(22.3515625 / 2)
    assert found["sliced"].shape.gpus_per_node == 2
    assert found["l40s"].shape.capacity == "owned"
    assert unusable == {
        "mixed": "MIG all-balanced mixes slice sizes, so the pool has no single GPU resource"
    }


def test_no_pool_fits_names_memory_and_every_pool() -> None:
    pools = {"l4": {"gpu": {"model": "L4", "count": 1}, "onprem": {"node_names": ["n"]}}}
    with pytest.raises(ConfigError) as err:
        size_model("big", model(**LLAMA_70B), *units(pools, "onprem", "lab"))
    assert [p.path for p in err.value.problems] == ["models.big"]
    assert err.value.problems[0].message == (
        "no GPU pool fits one replica (weights 131.50 GiB (70.6B params x 2 B), KV cache 2.50 "
        "GiB (1 sequence x 8,192 tokens, 80 layers x 8 KV heads x 128, bf16)). Pools "
        "considered: l4: needs weights 131.50 + KV cache 2.50 + activation 1.07 + CUDA graphs "
        "1.00 + non-torch 0.40 = 136.47 GiB per GPU (TP 1 x PP 1) of 20.12 usable on L4; CUDA "
        "context + NCCL 0.50 GiB outside vLLM's share of 2.24. Use a lower precision, a "
        "shorter max context, fewer concurrent sequences, or GPUs with more memory."
    )


def test_named_pool_too_small_is_an_error_even_if_another_fits() -> None:
    with pytest.raises(ConfigError) as err:
        size_model("m", model(**QWEN_32B, pool="l4"), *units(EKS_POOLS, "eks"))
    assert err.value.problems[0].path == "models.m"
    assert "Pools considered: l4: needs weights 61.09" in err.value.problems[0].message
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
            "no pool holds a replica at tensor parallel 1 (a10g4: needs weights 61.09 + KV cache "
            "2.00 + activation 0.92 + CUDA graphs 1.00 + non-torch 0.40 = 65.41 GiB per GPU (TP "
            "1 x PP 1) of 20.12 usable on A10G; CUDA context + NCCL 0.50 GiB outside vLLM's "
            "share of 2.24); it fits a10g4 at TP 4",
        ),
        (
            8,
            "no pool holds a replica at tensor parallel 8 (a10g4: tensor_parallel 8 is not "
            "possible on 4 GPUs per node); it fits a10g4 at TP 4",
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
        f" Not usable: mixed ({unusable['mixed']}). Not usable: odd ({unusable['odd']}). Use a "
        "lower precision, a shorter max context, fewer concurrent sequences, or GPUs with more "
        "memory."
    )


def test_max_nodes_steers_replicas_to_a_pool_that_can_hold_them() -> None:
    # Five replicas: five 1-GPU g6.xlarge nodes exceed the pool's default max_nodes (1), so
    # the placement that fits the caps is one p5.48xlarge node (5 of its 8 GPUs).
    found = size_model(
        "m", model(**LLAMA_8B, min_replicas=2, max_replicas=5), *units(EKS_POOLS, "eks")
    )
    assert (found.pool, found.usd_per_hour_max) == ("h100", pytest.approx(5 * 55.04 / 8))


def test_whole_placement_costs_per_pool() -> None:
    pools = {
        "l4": {"machine_type": "g6.xlarge", "max_nodes": 4, "spot": True},
        "a10g4": {"machine_type": "g5.12xlarge", "max_nodes": 2},
    }
    models = {
        "llama": model(**LLAMA_8B, max_replicas=3),
        "qwen": model(**QWEN_32B, min_replicas=1, max_replicas=1),
        "small": model(params_billion=1.5, concurrent_sequences=2),
    }
    specs = {k: GpuPoolSpec.model_validate(v) for k, v in pools.items()}
    shapes = {k: resolve_pool("aws", s.machine_type, s.gpu, "us-east-1") for k, s in specs.items()}
    contracts = {k: pool_contract("eks", k, s, shapes[k]) for k, s in specs.items()}
    plan = plan_sizing(models, contracts, shapes)
    assert {m: (s.pool, s.tensor_parallel) for m, s in plan.models.items()} == {
        "llama": ("l4", 1),
        "qwen": ("a10g4", 4),
        "small": ("l4", 1),
    }
    l4, a10g = plan.pools["l4"], plan.pools["a10g4"]
    assert (l4.nodes_min, l4.nodes_max, l4.capacity) == (2, 4, "spot")
    assert l4.usd_per_hour_max == pytest.approx(4 * 0.8048)
    assert l4.spot_usd_per_hour_max == pytest.approx(4 * 0.3821)
    assert l4.monthly_cost_max_usd == pytest.approx(4 * 0.8048 * 730)
    assert (l4.gpu_utilisation_max, l4.idle_usd_per_hour_max) == (1.0, 0.0)
    assert (a10g.nodes_min, a10g.nodes_max, a10g.usd_per_hour_max) == (1, 1, 5.672)
    assert a10g.spot_usd_per_hour_max == pytest.approx(2.1824)
    assert a10g.spot_price_source.endswith("min 2.0796, max 2.7804")
    assert plan.placement is not None and plan.placement.search == "exhaustive"
    assert l4.over_capacity is False and l4.to_dict()["over_capacity"] is False


def test_bf16_model_on_t4_needs_dtype_fp16() -> None:
    pools = {"t4": {"machine_type": "Standard_NC4as_T4_v3", "max_nodes": 2}}
    specs = {k: GpuPoolSpec.model_validate(v) for k, v in pools.items()}
    shapes = {k: resolve_pool("azure", s.machine_type, s.gpu, "eastus") for k, s in specs.items()}
    contracts = {k: pool_contract("aks", k, s, shapes[k]) for k, s in specs.items()}
    small = {
        "params_billion": 1.5,
        "architecture": {"num_layers": 28, "num_kv_heads": 2, "head_dim": 128},
    }
    with pytest.raises(ConfigError) as err:
        plan_sizing({"m": model(**small)}, contracts, shapes)
    assert [p.path for p in err.value.problems] == ["models.m"]
    assert "t4: T4 (compute capability 7.5) has no bfloat16" in err.value.problems[0].message
    assert "Use a lower precision" not in err.value.problems[0].message
    found = plan_sizing({"m": model(**small, dtype="fp16")}, contracts, shapes).models["m"]
    assert (found.pool, found.runtime_dtype, found.dtype_arg) == ("t4", "fp16", "half")


def test_too_little_memory_outside_vllms_share_is_a_utilization_error() -> None:
    pools = {"l4": {"gpu": {"model": "L4", "count": 1}, "onprem": {"node_names": ["n"]}}}
    with pytest.raises(ConfigError) as err:
        size_model(
            "m", model(**LLAMA_8B, gpu_memory_utilization=0.99), *units(pools, "onprem", "lab")
        )
    assert [(p.path, p.message, p.value) for p in err.value.problems] == [
        (
            "models.m.gpu_memory_utilization",
            "leaves too little memory outside vLLM's share: l4: CUDA context + NCCL need 0.50 "
            "GiB outside vLLM's share, gpu_memory_utilization 0.99 leaves 0.22 GiB: use <= 0.97",
            0.99,
        )
    ]


def test_multi_node_replicas_only_when_allowed() -> None:
    pools = {
        "l40s": {
            "gpu": {"model": "L40S", "count": 4},
            "onprem": {"node_count": 4, "node_selector": {"gpu": "l40s"}},
        }
    }
    with pytest.raises(ConfigError) as err:
        size_model(
            "big", model(**LLAMA_70B, concurrent_sequences=16), *units(pools, "onprem", "lab")
        )
    assert (
        "A replica fits across whole nodes: 2 nodes of l40s (TP 4 x PP 2); set allow_multi_node: "
        "true"
    ) in err.value.problems[0].message
    big = model(**LLAMA_70B, concurrent_sequences=16, allow_multi_node=True)
    # Issue 16: across nodes only where a fast interconnect is declared.
    with pytest.raises(ConfigError) as err:
        size_model("big", big, *units(pools, "onprem", "lab"))
    assert [p.render() for p in err.value.problems] == [
        "models.big.allow_multi_node: no single node holds a replica and no pool can serve it "
        "across nodes: l40s (2 nodes, TP 4 x PP 2): node_pools.l40s.interconnect is none: "
        "pipeline stages exchange activations every step; declare efa, rdma or infiniband "
        "(got True)"
    ]
    pools["l40s"]["interconnect"] = "rdma"
    found = size_model("big", big, *units(pools, "onprem", "lab"))
    assert (found.pool, found.tensor_parallel, found.pipeline_parallel) == ("l40s", 4, 2)
    assert found.multi_node and found.gpus_per_replica == 8


def test_runtime_args_carry_what_sizing_assumed() -> None:
    from pulumi_llmops.serving.manifests import runtime_args

    pools = {"t4": {"machine_type": "Standard_NC4as_T4_v3", "max_nodes": 2}}
    specs = {k: GpuPoolSpec.model_validate(v) for k, v in pools.items()}
    shapes = {k: resolve_pool("azure", s.machine_type, s.gpu, "eastus") for k, s in specs.items()}
    contracts = {k: pool_contract("aks", k, s, shapes[k]) for k, s in specs.items()}
    spec = model(
        params_billion=1.5,
        architecture={"num_layers": 28, "num_kv_heads": 2, "head_dim": 128},
        dtype="fp16",
        max_num_seqs=64,
        enforce_eager=True,
    )
    sizing = plan_sizing({"m": spec}, contracts, shapes).models["m"]
    assert runtime_args("m", spec, sizing) == [
        "--model_name=m",
        "--backend=vllm",
        "--max_model_len=8192",
        "--dtype=half",
        "--tensor-parallel-size=1",
        "--gpu-memory-utilization=0.9",
        "--max-num-seqs=64",
        "--max-num-batched-tokens=2048",
        "--enforce-eager",
    ]
    assert sizing.need.cuda_graph_gib == 0  # eager: no CUDA graphs


def test_model_spec_maps_to_the_memory_model() -> None:
    from pulumi_llmops.serving.sizing import estimate_for

    spec = model(
        precision="mxfp4",
        weights_gb=65.3,
        architecture={
            "num_layers": 36,
            "num_kv_heads": 8,
            "head_dim": 64,
            "num_attention_heads": 64,
            "hidden_size": 2880,
            "vocab_size": 201088,
            "window": {"layers": 18, "tokens": 128},
            "moe": {"experts": 128, "top_k": 4, "intermediate_size": 2880},
        },
        max_context_tokens=32768,
        concurrent_sequences=2,
        kv_cache_dtype="fp8",
        memory={"activation_gib": 3.0, "cuda_context_gib": 0.6},
    )
    estimate = estimate_for(spec)
    shape = estimate.shape
    # Only the checkpoint size is given: the implied parameter count sets the graph tier.
    assert (shape.weights_bytes, shape.precision) == (65.3e9, "mxfp4")
    assert shape.total_params == pytest.approx(65.3e9 / 0.53125)
    assert (shape.window_layers, shape.window_tokens) == (18, 128)
    assert (shape.moe_experts, shape.moe_top_k, shape.moe_intermediate_size) == (128, 4, 2880)
    assert (estimate.params.concurrency, estimate.kv_cache_dtype) == (2, "fp8")
    need = estimate.need("H100-80GB", 74.5)
    assert (need.activation_gib, need.cuda_context_gib) == (3.0, 0.6)
