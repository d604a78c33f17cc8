"""The memory model: exact terms for reference models, per-GPU splits, overrides, errors."""

from __future__ import annotations

import pytest

from pulumi_llmops.catalog import get_gpu_model
from pulumi_llmops.catalog.reference import reference_model
from pulumi_llmops.catalog.sizing import (
    DEFAULT_CUDA_GRAPH_GIB,
    GIB,
    QUANT_BYTES,
    MemoryOverrides,
    ModelShape,
    ServingParams,
    estimate_memory,
    estimated_kv_cache_bytes_per_token,
    quant_bytes,
    unquantised_params,
    vllm_batch_defaults,
)

L4 = get_gpu_model("L4")
H100 = get_gpu_model("H100-80GB")
LLAMA_8B = reference_model("meta-llama/Llama-3.1-8B-Instruct")
LLAMA_70B = reference_model("meta-llama/Llama-3.1-70B-Instruct")


def exact(value: float):
    return pytest.approx(value, rel=1e-9, abs=1e-12)


def test_quant_bytes_table() -> None:
    assert QUANT_BYTES == {
        "bf16": 2.0,
        "fp16": 2.0,
        "fp32": 4.0,
        "fp8": 1.0,
        "int8": 1.0,
        "awq-int4": 0.51953,
        "gptq-int4": 0.51953,
        "mxfp4": 0.53125,
        "nf4": 0.516,
    }


@pytest.mark.parametrize(
    ("precision", "gib"),
    [
        ("bf16", 8030261248 * 2 / GIB),  # 14.96 GiB, KAITO's published size
        ("fp8", (8030261248 - 1050673152) * 1.0 / GIB + 1050673152 * 2 / GIB),  # 8.46
        ("awq-int4", (8030261248 - 1050673152) * 0.51953 / GIB + 1050673152 * 2 / GIB),  # 5.33
    ],
)
def test_llama_8b_checkpoint_bytes_keep_embeddings_in_16_bit(precision: str, gib: float) -> None:
    computed, _ = quant_bytes(LLAMA_8B.shape(precision, published=False))
    assert computed / GIB == exact(gib)
    # 128,256 x 4,096 x 2 (embeddings + untied lm_head) stay bf16.
    assert unquantised_params(LLAMA_8B.shape(precision)) == 1_050_673_152


def test_unquantised_share_without_vocab_and_mxfp4_attention() -> None:
    bare = ModelShape(total_params=32.8e9, precision="awq-int4")
    assert unquantised_params(bare) == exact(0.13 * 32.8e9)
    gpt_oss = reference_model("openai/gpt-oss-20b").shape("mxfp4", published=False)
    # embed + lm_head 201,088 x 2,880 x 2 + attention 24 x 2,880 x 64 x (2 x 64 + 2 x 8)
    assert unquantised_params(gpt_oss) == 201088 * 2880 * 2 + 24 * 2880 * 64 * (128 + 16)


def test_batch_defaults_follow_vllm() -> None:
    assert vllm_batch_defaults("H100-80GB", 74.5) == (8192, 1024)
    assert vllm_batch_defaults("A100-80GB", 74.5) == (2048, 256)  # A100 excluded (PR #17885)
    assert vllm_batch_defaults("L40S", 44.7) == (2048, 256)


def test_llama_8b_bf16_on_l4_does_not_fit_four_sequences() -> None:
    estimate = estimate_memory(LLAMA_8B.shape("bf16"), ServingParams(concurrency=4))
    need = estimate.need("L4", L4.memory_gib)
    assert need.weights_gib == exact(14.96)  # the published checkpoint size
    assert need.kv_cache_gib == 4.0  # 131,072 B/token x 8,192 x 4 = 4 GiB
    # 2048 x (2 x 2 x 14336 + 4 x 4096) x 2 + 256 x 128256 x 8 bytes
    assert need.activation_gib == exact(
        (2048 * (4 * 14336 + 4 * 4096) * 2 + 256 * 128256 * 8) / GIB
    )
    assert (need.cuda_graph_gib, need.non_torch_gib) == (0.5, 0.4)
    assert (need.cuda_context_gib, need.nccl_gib) == (0.5, 0)
    assert round(need.total_gib, 2) == 20.39
    assert round(need.usable_gib, 2) == 20.12
    assert need.fits is False
    assert (need.max_num_batched_tokens, need.max_num_seqs) == (2048, 256)
    two = estimate_memory(LLAMA_8B.shape("bf16"), ServingParams(concurrency=2))
    assert two.need("L4", L4.memory_gib).fits is True


def test_llama_8b_on_h100_gets_the_large_batch_defaults() -> None:
    need = estimate_memory(LLAMA_8B.shape("bf16")).need("H100-80GB", H100.memory_gib)
    assert (need.max_num_batched_tokens, need.max_num_seqs) == (8192, 1024)
    assert need.activation_gib == exact(
        (8192 * (4 * 14336 + 4 * 4096) * 2 + 1024 * 128256 * 8) / GIB
    )
    assert round(need.activation_gib, 2) == 2.1


def test_llama_70b_tp_and_pp_splits() -> None:
    estimate = estimate_memory(LLAMA_70B.shape("bf16"), ServingParams(concurrency=16))
    tp4 = estimate.need("H100-80GB", H100.memory_gib, 4)
    assert tp4.weights_gib == exact(131.42 / 4)
    assert tp4.kv_cache_gib == 10.0  # 40 GiB, 2 of 8 KV heads per GPU
    assert tp4.nccl_gib == 0.5 and tp4.cuda_graph_gib == 1.0  # >= 20 B params
    assert tp4.fits is True
    tp2 = estimate.need("H100-80GB", H100.memory_gib, 2)
    assert tp2.fits is False  # 65.71 + 20 GiB KV alone exceed 67.06 usable
    pp2 = estimate.need("H100-80GB", H100.memory_gib, 8, 2)
    # Largest stage: 40 of 80 layers + one end (embeddings or lm_head, 1.05 B x 2 B).
    end = 2101346304 * 2 / GIB
    assert pp2.weights_gib == exact(((131.42 - end) * 40 / 80 + end / 2) / 8)
    assert pp2.kv_cache_gib == exact(40 / 8 / 2)


def test_kv_heads_replicate_beyond_their_count() -> None:
    qwen = reference_model("Qwen/Qwen2.5-7B-Instruct")  # 4 KV heads
    estimate = estimate_memory(qwen.shape("bf16"))
    full = estimate.need("L4", L4.memory_gib, 1).kv_cache_gib
    assert estimate.need("L4", L4.memory_gib, 8).kv_cache_gib == exact(full / 4)
    assert estimate.need("L4", L4.memory_gib, 2).kv_cache_gib == exact(full / 2)


def test_mla_kv_cache_is_replicated_on_every_rank() -> None:
    r1 = reference_model("deepseek-ai/DeepSeek-R1")
    estimate = estimate_memory(r1.shape("fp8"), ServingParams(max_model_len=32768))
    assert estimate.kv_cache_bytes_per_token == 61 * 576 * 2  # 70,272 B in bf16
    need = estimate.need("H200-141GB", get_gpu_model("H200-141GB").memory_gib, 8)
    assert need.kv_cache_gib == exact(70272 * 32768 / GIB)
    assert need.cuda_graph_gib == DEFAULT_CUDA_GRAPH_GIB[2]  # MoE >= 100 B
    assert need.fits is True


def test_window_layers_hold_window_plus_one_batch() -> None:
    gpt_oss = reference_model("openai/gpt-oss-120b")  # 18 of 36 layers: 128-token window
    estimate = estimate_memory(gpt_oss.shape("mxfp4"), ServingParams(max_model_len=32768))
    need = estimate.need("H100-80GB", H100.memory_gib)
    per_layer_token = 2 * 8 * 64 * 2
    window = (-(-(128 - 1 + 8192) // 16) + 1) * 16  # cdiv(window - 1 + batch, 16) + 1 blocks
    assert window == 8336
    assert need.kv_cache_gib == exact(per_layer_token * (18 * 32768 + 18 * window) / GIB)


def test_kv_cache_fp8_and_blocks_round_up() -> None:
    estimate = estimate_memory(
        LLAMA_8B.shape("bf16"), ServingParams(max_model_len=1000, kv_cache_dtype="fp8")
    )
    assert estimate.kv_cache_bytes_per_token == 65536
    assert estimate.need("L4", L4.memory_gib).kv_cache_gib == exact(65536 * 1008 / GIB)


def test_kv_estimate_without_architecture() -> None:
    # 6.442450944 B params is the dense shape with 32 layers x hidden 4096 (Llama-2-7B MHA).
    assert estimated_kv_cache_bytes_per_token(6.442450944e9) == exact(524_288)
    estimate = estimate_memory(ModelShape(total_params=6.442450944e9))
    assert estimate.kv_cache_estimated is True
    assert estimate.kv_cache_gib == exact(4.0)
    need = estimate.need("L4", L4.memory_gib)
    assert need.activation_gib == 1.5  # no hidden size or layers: UNKNOWN_ACTIVATION_GIB


def test_cuda_graph_tiers_eager_and_overrides() -> None:
    small = estimate_memory(LLAMA_8B.shape("bf16"))
    assert small.need("L4", L4.memory_gib).cuda_graph_gib == 0.5
    eager = estimate_memory(LLAMA_8B.shape("bf16"), ServingParams(enforce_eager=True))
    assert eager.need("L4", L4.memory_gib).cuda_graph_gib == 0
    overridden = estimate_memory(
        LLAMA_8B.shape("bf16"),
        overrides=MemoryOverrides(
            activation_gib=3.0,
            cuda_graph_gib=0.2,
            non_torch_gib=0.1,
            cuda_context_gib=0.3,
            nccl_gib=0.2,
        ),
    )
    need = overridden.need("L4", L4.memory_gib, 2)
    assert (need.activation_gib, need.cuda_graph_gib, need.non_torch_gib) == (3.0, 0.2, 0.1)
    assert (need.cuda_context_gib, need.nccl_gib) == (0.3, 0.2)


def test_outside_share_limits_utilization() -> None:
    # T4 time-sliced 4 ways: a quarter of 14.90 GiB per replica; each process's CUDA context
    # must fit in the 10% vLLM does not take.
    t4 = get_gpu_model("T4")
    small = ModelShape(total_params=0.49e9, num_layers=24, num_kv_heads=2, head_dim=64)
    tight = estimate_memory(small, ServingParams(max_model_len=4096)).need("T4", t4.memory_gib / 4)
    assert tight.margin_gib > 0 and tight.fits is False
    assert round(tight.outside_allowed_gib, 3) == 0.373
    roomy = estimate_memory(
        small, ServingParams(max_model_len=4096, gpu_memory_utilization=0.85)
    ).need("T4", t4.memory_gib / 4)
    assert roomy.fits is True


@pytest.mark.parametrize(
    ("shape", "tp", "pp", "problem"),
    [
        (LLAMA_8B.shape("bf16"), 8, 1, None),
        (
            reference_model("Qwen/Qwen2.5-7B-Instruct").shape("bf16"),
            8,
            1,
            "28 attention heads are not divisible by tensor parallel 8",
        ),
        (
            ModelShape(total_params=1e9, num_layers=4, num_kv_heads=3, head_dim=64),
            2,
            1,
            "3 KV heads and tensor parallel 2 do not divide one another",
        ),
        (
            ModelShape(total_params=1e9, num_layers=4, num_kv_heads=8, head_dim=64),
            1,
            8,
            "4 layers cannot be split over 8 pipeline stages",
        ),
    ],
)
def test_parallel_rules(shape: ModelShape, tp: int, pp: int, problem: str | None) -> None:
    assert estimate_memory(shape).parallel_problem(tp, pp) == problem


def test_breakdown_names_every_term() -> None:
    need = estimate_memory(LLAMA_8B.shape("bf16")).need("L4", L4.memory_gib)
    assert need.breakdown() == (
        "weights 14.96 + KV cache 1.00 + activation 0.53 + CUDA graphs 0.50 + non-torch 0.40 "
        "= 17.39 GiB per GPU (TP 1 x PP 1) of 20.12 usable on L4; CUDA context + NCCL 0.50 "
        "GiB outside vLLM's share of 2.24"
    )
    assert dict(need.sources)["weights"] == "measured checkpoint size"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"precision": "fp64"},
            "precision 'fp64' is not supported; allowed: bf16, fp16, fp32, "
            "fp8, int8, awq-int4, gptq-int4, mxfp4, nf4",
        ),
    ],
)
def test_bad_precision(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        estimate_memory(ModelShape(total_params=1e9, **kwargs))
    assert str(info.value) == message


def test_int4_is_awq() -> None:
    assert estimate_memory(ModelShape(total_params=1e9, precision="int4")).precision == "awq-int4"
