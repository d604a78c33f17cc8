"""Replica options per pool: smallest TP that fits, formats, heads, multi-node modes."""

from __future__ import annotations

from pulumi_llmops.catalog import get_gpu_model
from pulumi_llmops.catalog.fit import replica_options
from pulumi_llmops.catalog.packing import Shape
from pulumi_llmops.catalog.reference import reference_model
from pulumi_llmops.catalog.sizing import ServingParams, estimate_memory

GPUS = {name: get_gpu_model(name) for name in ("T4", "L4", "L40S", "A100-80GB", "H100-80GB")}


def shapes(*rows: tuple[str, str, int]) -> tuple[dict[str, Shape], dict]:
    found = {
        pool: Shape(pool, gpu, GPUS[gpu].memory_gib, count, usd_per_hour=1.0)
        for pool, gpu, count in rows
    }
    return found, {pool: GPUS[gpu] for pool, gpu, _ in rows}


def options(found) -> list[tuple[str, int, int]]:
    return [(o.pool, o.tp, o.pp) for o in found.options]


def test_smallest_tp_per_pool_and_why_the_others_cannot() -> None:
    estimate = estimate_memory(
        reference_model("meta-llama/Llama-3.1-70B-Instruct").shape("bf16"),
        ServingParams(concurrency=4),
    )
    pools, gpus = shapes(("t4", "T4", 4), ("l4x8", "L4", 8), ("h100", "H100-80GB", 8))
    found = replica_options(estimate, pools, gpus)
    assert options(found) == [("h100", 4, 1), ("l4x8", 8, 1)]
    assert found.rejected["t4"].startswith("T4 (compute capability 7.5) has no bfloat16")


def test_attention_heads_skip_tensor_parallel_degrees() -> None:
    # Qwen2.5-72B: 64 heads, 8 KV heads; Qwen2.5-7B: 28 heads, 4 KV heads (TP 8 refused).
    estimate = estimate_memory(
        reference_model("Qwen/Qwen2.5-7B-Instruct").shape("bf16"),
        ServingParams(max_model_len=32768, concurrency=64),
    )
    pools, gpus = shapes(("l4x8", "L4", 8))
    found = replica_options(estimate, pools, gpus)
    assert options(found) == []
    # TP 8 is refused for the heads, so the reason is the memory at TP 4, the last degree tried.
    assert found.rejected["l4x8"].startswith("needs ")
    assert "(TP 4 x PP 1)" in found.rejected["l4x8"]


def test_forced_tensor_parallel_is_the_only_degree_tried() -> None:
    estimate = estimate_memory(reference_model("meta-llama/Llama-3.1-8B-Instruct").shape("bf16"))
    pools, gpus = shapes(("l40s", "L40S", 4))
    assert options(replica_options(estimate, pools, gpus, tensor_parallel=2)) == [("l40s", 2, 1)]
    too_many = replica_options(estimate, pools, gpus, tensor_parallel=8)
    assert too_many.rejected == {"l40s": "tensor_parallel 8 is not possible on 4 GPUs per node"}


def test_slices_never_get_tensor_parallelism() -> None:
    estimate = estimate_memory(reference_model("meta-llama/Llama-3.1-8B-Instruct").shape("bf16"))
    gpu = GPUS["A100-80GB"]
    pools = {"mig": Shape("mig", "A100-80GB MIG 1g.10gb", 9.31, 56, max_tensor_parallel=1)}
    found = replica_options(estimate, pools, {"mig": gpu})
    assert found.options == () and found.rejected["mig"].startswith("needs weights 14.96")


def test_multi_node_modes() -> None:
    estimate = estimate_memory(
        reference_model("meta-llama/Llama-3.1-405B-Instruct").shape("fp8"),
        ServingParams(concurrency=4),
    )
    pools, gpus = shapes(("l40s", "L40S", 4), ("h100", "H100-80GB", 8))
    never = replica_options(estimate, pools, gpus)
    assert options(never) == [("h100", 8, 1)] and dict(never.multi_node_possible) == {}
    always = replica_options(estimate, pools, gpus, multi_node="always")
    assert options(always) == [("h100", 8, 1), ("l40s", 4, 3)]
    only_l40s = {"l40s": pools["l40s"]}
    blocked = replica_options(estimate, only_l40s, gpus)
    assert options(blocked) == [] and blocked.multi_node_possible["l40s"].pp == 3
    fallback = replica_options(estimate, only_l40s, gpus, multi_node="fallback")
    assert options(fallback) == [("l40s", 4, 3)]
    assert fallback.options[0].detail.multi_node is True
