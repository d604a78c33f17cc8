"""Model sizing: exact weights/KV figures of published models, TP degree, pool choice."""

from __future__ import annotations

import pytest

from pulumi_llmops.catalog import (
    BYTES_PER_PARAM,
    NoPoolFitsError,
    PoolCandidate,
    PoolChoice,
    catalog_pools,
    choose_pool,
    default_kv_cache_dtype,
    estimate_memory,
    estimated_kv_cache_bytes_per_token,
    get_gpu_model,
    gpus_per_replica,
    kv_cache_bytes_per_token,
    lookup_instance,
)

GIB = 2**30
L4_GIB = 22888 / 1024  # also A10G
A100_80_GIB = 80e9 / GIB
LLAMA_8B = {"num_layers": 32, "num_kv_heads": 8, "head_dim": 128}
LLAMA_70B = {"num_layers": 80, "num_kv_heads": 8, "head_dim": 128}


def exact(value: float):
    return pytest.approx(value, rel=1e-12, abs=0)


def test_bytes_per_param() -> None:
    assert BYTES_PER_PARAM == {
        "fp32": 4.0,
        "bf16": 2.0,
        "fp16": 2.0,
        "fp8": 1.0,
        "int8": 1.0,
        "int4": 0.5,
    }


@pytest.mark.parametrize(
    ("architecture", "dtype", "expected"),
    [
        ((32, 8, 128), "bf16", 131_072),  # Llama-3.1-8B: 2 x 32 x 8 x 128 x 2
        ((32, 8, 128), "fp32", 262_144),
        ((32, 8, 128), "fp8", 65_536),
        ((80, 8, 128), "bf16", 327_680),  # Llama-3.1-70B
        ((126, 8, 128), "bf16", 516_096),  # Llama-3.1-405B
        ((32, 32, 128), "fp16", 524_288),  # Llama-2-7B (multi-head attention)
        ((28, 4, 128), "bf16", 57_344),  # Qwen2.5-7B
        ((42, 8, 256), "bf16", 344_064),  # Gemma-2-9B
    ],
)
def test_kv_cache_bytes_per_token(architecture, dtype: str, expected: int) -> None:
    assert kv_cache_bytes_per_token(*architecture, kv_cache_dtype=dtype) == expected


def test_llama_70b_bf16_weights_are_140_gb() -> None:
    estimate = estimate_memory(params_billion=70, precision="bf16", **LLAMA_70B)
    assert estimate.weights_gib * GIB == exact(140e9)  # 70e9 params x 2 bytes = 140 GB
    assert estimate.weights_gib == exact(130.385160446167)  # = 140 GB in GiB


@pytest.mark.parametrize(
    ("precision", "weights_gb"),
    [("fp32", 280), ("bf16", 140), ("fp16", 140), ("fp8", 70), ("int8", 70), ("int4", 35)],
)
def test_weights_scale_with_precision(precision: str, weights_gb: float) -> None:
    estimate = estimate_memory(params_billion=70, precision=precision, **LLAMA_70B)
    assert estimate.weights_gib == exact(weights_gb * 1e9 / GIB)


def test_weights_from_checkpoint_size() -> None:
    by_size = estimate_memory(weights_gb=140, precision="bf16", **LLAMA_70B)
    by_params = estimate_memory(params_billion=70, precision="bf16", **LLAMA_70B)
    assert by_size.weights_gib == exact(by_params.weights_gib)
    assert by_size.kv_cache_gib == by_params.kv_cache_gib


@pytest.mark.parametrize(
    ("precision", "kv"),
    [
        ("fp32", "fp32"),
        ("bf16", "bf16"),
        ("fp16", "fp16"),
        ("fp8", "fp16"),
        ("int8", "fp16"),
        ("int4", "fp16"),
        ("bfloat16", "bf16"),
    ],
)
def test_default_kv_cache_dtype(precision: str, kv: str) -> None:
    assert default_kv_cache_dtype(precision) == kv


def test_llama_8b_bf16_at_8k_fits_one_24gb_gpu() -> None:
    estimate = estimate_memory(params_billion=8.03, precision="bf16", **LLAMA_8B)
    assert estimate.kv_cache_bytes_per_token == 131_072
    assert estimate.kv_cache_gib == 1.0  # 131,072 bytes x 8,192 tokens = 2^30 bytes
    assert estimate.weights_gib == exact(16.06e9 / GIB)
    assert estimate.total_gib == exact(16.06e9 / GIB + 1.0 + 2.0)
    assert estimate.kv_cache_estimated is False
    assert estimate.breakdown == (
        "weights 14.96 GiB (8.03B params x 2 bytes, bf16) + KV cache 1.00 GiB (131,072 "
        "bytes/token, bf16, 32 layers x 8 KV heads x 128 head dim; x 8,192 tokens x 1 "
        "sequence) + overhead 2.00 GiB per GPU = 17.96 GiB on one GPU; each GPU may use 90% "
        "of its memory"
    )
    for gpu in ("L4", "A10G"):
        assert gpus_per_replica(estimate, get_gpu_model(gpu).memory_gib, 1) == 1


def test_llama_8b_with_16_sequences_needs_two_24gb_gpus() -> None:
    estimate = estimate_memory(params_billion=8.03, concurrent_sequences=16, **LLAMA_8B)
    assert estimate.kv_cache_gib == 16.0
    assert gpus_per_replica(estimate, L4_GIB, 1) is None
    # TP 2: 7.48 GiB weights + 8 GiB KV + 2 GiB overhead = 17.48 <= 0.9 x 22.35 = 20.12
    assert estimate.per_gpu_gib(2) == exact(8.03e9 / GIB + 8.0 + 2.0)
    assert gpus_per_replica(estimate, L4_GIB, 4) == 2


def test_llama_70b_bf16_needs_tp4_on_80gb_gpus() -> None:
    # 80 GB GPUs are 74.51 GiB (decimal GB, conservative), 67.06 GiB usable at 90%.
    # TP 2 needs 65.19 weights + 1.25 KV (4 of 8 KV heads) + 2 overhead = 68.44 GiB per GPU:
    # over by 1.39 GiB. TP 4 needs 32.60 + 0.63 + 2 = 35.22 GiB per GPU.
    estimate = estimate_memory(params_billion=70, precision="bf16", **LLAMA_70B)
    assert estimate.kv_cache_gib == 2.5
    assert estimate.per_gpu_gib(1) == exact(140e9 / GIB + 2.5 + 2)
    assert estimate.per_gpu_gib(2) == exact(70e9 / GIB + 1.25 + 2)
    assert estimate.per_gpu_gib(4) == exact(35e9 / GIB + 0.625 + 2)
    assert estimate.usable_gib(A100_80_GIB) == exact(72e9 / GIB)
    assert gpus_per_replica(estimate, A100_80_GIB, 8) == 4
    assert gpus_per_replica(estimate, get_gpu_model("H100-80GB").memory_gib, 8) == 4
    assert gpus_per_replica(estimate, get_gpu_model("H200-141GB").memory_gib, 8) == 2
    assert gpus_per_replica(estimate, A100_80_GIB, 2) is None


def test_per_gpu_overhead_decides_tp2_for_llama_70b() -> None:
    lean = estimate_memory(params_billion=70, overhead_gib_per_gpu=0, **LLAMA_70B)
    assert lean.per_gpu_gib(2) == exact(70e9 / GIB + 1.25)  # 66.44 <= 67.06
    assert gpus_per_replica(lean, A100_80_GIB, 8) == 2


def test_int4_70b_fits_one_80gb_gpu() -> None:
    estimate = estimate_memory(params_billion=70, precision="int4", **LLAMA_70B)
    assert estimate.kv_cache_dtype == "fp16"
    assert estimate.total_gib == exact(35e9 / GIB + 2.5 + 2)
    assert gpus_per_replica(estimate, A100_80_GIB, 8) == 1


def test_kv_heads_are_replicated_beyond_their_count() -> None:
    # Qwen2.5-7B has 4 KV heads: at TP 8 each GPU still holds one head, a quarter of the cache.
    estimate = estimate_memory(params_billion=7.61, num_layers=28, num_kv_heads=4, head_dim=128)
    assert estimate.per_gpu_gib(8) == exact(
        estimate.weights_gib / 8 + estimate.kv_cache_gib / 4 + 2
    )
    assert estimate.per_gpu_gib(2) == exact(
        estimate.weights_gib / 2 + estimate.kv_cache_gib / 2 + 2
    )


def test_kv_cache_estimate_without_architecture() -> None:
    # 6.442450944B params is the standard shape with exactly 32 layers and hidden 4096,
    # which gives Llama-2-7B's multi-head KV size: 2 x 32 x 4096 x 2 bytes.
    assert estimated_kv_cache_bytes_per_token(6.442450944) == exact(524_288)
    estimate = estimate_memory(params_billion=6.442450944)
    assert estimate.kv_cache_estimated is True
    assert estimate.kv_cache_gib == exact(4.0)
    assert estimate.num_kv_heads is None
    assert "estimated from 6.44245B params as dense multi-head attention" in estimate.breakdown
    assert estimate.per_gpu_gib(2) == exact(estimate.weights_gib / 2 + 2.0 + 2)


def test_kv_cache_estimate_from_checkpoint_size_uses_the_implied_params() -> None:
    by_size = estimate_memory(weights_gb=12.884901888, precision="bf16")
    assert by_size.kv_cache_bytes_per_token == exact(524_288)


def test_explicit_kv_cache_dtype_and_utilization() -> None:
    estimate = estimate_memory(
        params_billion=8.03,
        kv_cache_dtype="fp8",
        gpu_memory_utilization=0.95,
        max_context_tokens=32_768,
        concurrent_sequences=4,
        **LLAMA_8B,
    )
    assert estimate.kv_cache_gib == 8.0  # 65,536 bytes x 32,768 tokens x 4
    assert estimate.usable_gib(L4_GIB) == exact(L4_GIB * 0.95)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {},
            "give exactly one of params_billion or weights_gb (got params_billion=None, "
            "weights_gb=None)",
        ),
        (
            {"params_billion": 7, "weights_gb": 14},
            "give exactly one of params_billion or "
            "weights_gb (got params_billion=7, weights_gb=14)",
        ),
        (
            {"params_billion": 7, "precision": "fp64"},
            "precision 'fp64' is not supported; allowed: fp32, bf16, fp16, fp8, int8, int4",
        ),
        (
            {"params_billion": 7, "kv_cache_dtype": "int4"},
            "kv_cache_dtype 'int4' is not supported; allowed: fp32, bf16, fp16, fp8, int8",
        ),
        (
            {"params_billion": 7, "num_layers": 32},
            "give all of num_layers, num_kv_heads and "
            "head_dim, or none of them (got 32, None, None)",
        ),
        (
            {"params_billion": 7, **LLAMA_8B, "head_dim": 0},
            "head_dim must be an integer >= 1, got 0",
        ),
        ({"params_billion": -7}, "params_billion must be a finite number > 0, got -7"),
        ({"weights_gb": 0}, "weights_gb must be a finite number > 0, got 0"),
        (
            {"params_billion": 7, "max_context_tokens": 0},
            "max_context_tokens must be an integer >= 1, got 0",
        ),
        (
            {"params_billion": 7, "concurrent_sequences": 2.5},
            "concurrent_sequences must be an integer >= 1, got 2.5",
        ),
        (
            {"params_billion": 7, "overhead_gib_per_gpu": -1},
            "overhead_gib_per_gpu must be a finite number >= 0, got -1",
        ),
        (
            {"params_billion": 7, "gpu_memory_utilization": 1.5},
            "gpu_memory_utilization must be in (0, 1], got 1.5",
        ),
        (
            {"params_billion": 7, "gpu_memory_utilization": 0},
            "gpu_memory_utilization must be a finite number > 0, got 0",
        ),
    ],
)
def test_estimate_memory_rejects_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        estimate_memory(**kwargs)
    assert str(info.value) == message


def test_gpus_per_replica_rejects_bad_input() -> None:
    estimate = estimate_memory(params_billion=8.03, **LLAMA_8B)
    with pytest.raises(ValueError, match=r"^gpu_memory_gib must be a finite number > 0, got 0$"):
        gpus_per_replica(estimate, 0, 8)
    with pytest.raises(ValueError, match=r"^gpus_per_node must be an integer >= 1, got 0$"):
        gpus_per_replica(estimate, 24.0, 0)


# --- pool choice -------------------------------------------------------------------------

L4_POOL = PoolCandidate("l4", "L4", L4_GIB, 1, 0.8048)
A10G_X4 = PoolCandidate("a10g-x4", "A10G", L4_GIB, 4, 5.672)
L40S_POOL = PoolCandidate("l40s", "L40S", 45776 / 1024, 1, 1.861)
A100_X8 = PoolCandidate("a100-x8", "A100-40GB", 40e9 / GIB, 8, 21.9576)


def test_choose_pool_takes_the_cheapest_per_replica() -> None:
    small = estimate_memory(params_billion=8.03, **LLAMA_8B)
    assert choose_pool(small, [A10G_X4, L40S_POOL, L4_POOL]) == PoolChoice(L4_POOL, 1, 0.8048)
    busy = estimate_memory(params_billion=8.03, concurrent_sequences=16, **LLAMA_8B)
    # l4 does not fit; a10g-x4 at TP 2 = 2.836/h; a100-x8 at TP 1 = 2.7447/h; l40s = 1.861/h
    choice = choose_pool(busy, [L4_POOL, A10G_X4, A100_X8, L40S_POOL])
    assert choice == PoolChoice(L40S_POOL, 1, 1.861)
    without_l40s = choose_pool(busy, [L4_POOL, A10G_X4, A100_X8])
    assert without_l40s.pool == A100_X8
    assert without_l40s.usd_per_hour_per_replica == exact(21.9576 / 8)
    assert without_l40s.replicas_per_node == 8


def test_choose_pool_breaks_ties_by_name() -> None:
    estimate = estimate_memory(params_billion=8.03, **LLAMA_8B)
    twin_b = PoolCandidate("b", "L4", L4_GIB, 1, 1.0)
    twin_a = PoolCandidate("a", "L4", L4_GIB, 1, 1.0)
    assert choose_pool(estimate, [twin_b, twin_a]).pool is twin_a


def test_unpriced_pools_rank_after_priced_ones() -> None:
    estimate = estimate_memory(params_billion=8.03, **LLAMA_8B)
    unpriced_big = PoolCandidate("h200", "H200-141GB", 141.0, 8)
    assert choose_pool(estimate, [unpriced_big, L40S_POOL]).pool is L40S_POOL
    unpriced_small = PoolCandidate("z-l4", "L4", L4_GIB, 1)
    assert choose_pool(estimate, [unpriced_big, unpriced_small]) == PoolChoice(
        unpriced_big, 1, None
    )
    big = estimate_memory(params_billion=70, **LLAMA_70B)
    unpriced_a100 = PoolCandidate("a-a100", "A100-80GB", A100_80_GIB, 8)
    # Both unpriced: fewer GPUs per replica first (h200 at TP 2 before a-a100 at TP 4).
    assert choose_pool(big, [unpriced_a100, unpriced_big]) == PoolChoice(unpriced_big, 2, None)


def test_no_pool_fits_names_the_need_and_each_pool() -> None:
    estimate = estimate_memory(params_billion=70, **LLAMA_70B)
    with pytest.raises(NoPoolFitsError) as info:
        choose_pool(estimate, [L4_POOL, A10G_X4])
    assert info.value.needed_gib == exact(140e9 / GIB + 4.5)
    assert str(info.value) == (
        "no GPU pool fits the model: it needs 134.9 GiB per replica (weights 130.39 GiB "
        "(70B params x 2 bytes, bf16) + KV cache 2.50 GiB (327,680 bytes/token, bf16, 80 "
        "layers x 8 KV heads x 128 head dim; x 8,192 tokens x 1 sequence) + overhead 2.00 "
        "GiB per GPU = 134.89 GiB on one GPU; each GPU may use 90% of its memory). Pools "
        "considered: l4 (1 x L4, 22.4 GiB/GPU, max TP 1: needs 134.9 GiB/GPU, 20.1 usable); "
        "a10g-x4 (4 x A10G, 22.4 GiB/GPU, max TP 4: needs 35.2 GiB/GPU, 20.1 usable). Use a "
        "lower precision, a shorter max context, fewer concurrent sequences, or GPUs with "
        "more memory."
    )


def test_no_pools_at_all() -> None:
    with pytest.raises(NoPoolFitsError, match="Pools considered: none given"):
        choose_pool(estimate_memory(params_billion=1), [])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (("x", "L4", 0.0, 1, None), "gpu_memory_gib must be a finite number > 0, got 0.0"),
        (("x", "L4", 22.0, 0, None), "gpus_per_node must be an integer >= 1, got 0"),
        (("x", "L4", 22.0, 1, 0.0), "usd_per_hour must be a finite number > 0, got 0.0"),
    ],
)
def test_pool_candidate_validation(fields, message: str) -> None:
    with pytest.raises(ValueError) as info:
        PoolCandidate(*fields)
    assert str(info.value) == message


def test_catalog_pools_from_priced_machine_types() -> None:
    pools = catalog_pools("aws", "us-east-1", priced_only=True)
    assert [(p.name, p.gpus_per_node, p.usd_per_hour) for p in pools] == [
        ("g5.12xlarge", 4, 5.672),
        ("g5.xlarge", 1, 1.006),
        ("g6.xlarge", 1, 0.8048),
        ("g6e.xlarge", 1, 1.861),
        ("p4d.24xlarge", 8, 21.9576),
        ("p5.48xlarge", 8, 55.04),
    ]
    everything = catalog_pools("aws", "us-east-1")
    assert len(everything) == 37
    assert PoolCandidate.from_instance(lookup_instance("aws", "p5e.48xlarge"), "us-east-1") in (
        everything
    )


def test_choose_pool_over_the_catalogue() -> None:
    estimate = estimate_memory(params_billion=70, **LLAMA_70B)
    choice = choose_pool(estimate, catalog_pools("aws", "us-east-1", priced_only=True))
    # p4d (A100 40GB) needs TP 8 = 21.9576/h; p5 (H100 80GB) TP 4 = 27.52/h.
    assert choice == PoolChoice(
        PoolCandidate("p4d.24xlarge", "A100-40GB", 40e9 / GIB, 8, 21.9576), 8, 21.9576
    )
