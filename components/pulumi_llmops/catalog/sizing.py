"""GPU memory of one vLLM replica, term by term, no looser than vLLM's own accounting.

vLLM (V1 engine, vllm/v1/worker/gpu_worker.py) takes a memory snapshot after the CUDA context
and NCCL are set up, may then use `gpu_memory_utilization` x total memory for the weights,
the activation peak of a profiling forward pass at `max_num_batched_tokens`, non-torch
allocations, CUDA graphs (profiled inside that share by default since v0.21) and the KV
cache, and refuses to start when the KV cache cannot hold one `max_model_len` sequence or
when less than its share is free at start-up. Each term below is a module constant or
formula with its source; every term can be overridden per model (`MemoryOverrides`,
`models.<name>.memory` in stack config). What the model is given and what it returns per GPU
are in `model_shape.py`. Units: GiB = 2^30 bytes. Pure: no Pulumi.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from .formats import QUANTISED, normalize_precision
from .gpus import GIB
from .model_shape import (  # the inputs and output types, re-exported with the formulas
    DEFAULT_GPU_MEMORY_UTILIZATION as DEFAULT_GPU_MEMORY_UTILIZATION,
)
from .model_shape import (
    DEFAULT_MAX_CONTEXT_TOKENS as DEFAULT_MAX_CONTEXT_TOKENS,
)
from .model_shape import (
    NO_MEMORY_OVERRIDES,
    GpuNeed,
    MemoryOverrides,
    ModelShape,
    ServingParams,
)

QUANT_BYTES: dict[str, float] = {
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
"""Bytes per parameter of the quantised layers, scales included: int4 group-128 packs 0.5 B +
an fp16 scale and a 4-bit zero per 128 (4.156 bits; reproduces KAITO's 5.68 GiB for
Qwen3-8B-AWQ); MXFP4 is 4 bits + one E8M0 scale byte per 32 (gpt-oss); NF4 adds an 8-bit
absmax per 64 and fp32 per 256 (bitsandbytes double quantisation); FP8/INT8 scales are one
per tensor, channel or 128x128 block (< 0.03 %). Embeddings and lm_head stay 16-bit
(vLLM FP8 docs: "all Linear modules (except for the final lm_head)")."""

KV_CACHE_BYTES: dict[str, int] = {"fp32": 4, "bf16": 2, "fp16": 2, "fp8": 1}
"""KV-cache bytes per element; `kv_cache_dtype: auto` stores it in the activation dtype."""

UNQUANTISED_SHARE = 0.13
"""Share of parameters kept 16-bit (embeddings + lm_head) when vocab/hidden size are not
given: Llama-3.1-8B's ratio (1.05 B of 8.03 B), conservative for models >= 7 B."""


KV_BLOCK_TOKENS = 16
"""vLLM's default KV block size: a sequence holds whole blocks (`cdiv(tokens, 16)`)."""

VLLM_BATCH_DEFAULTS: dict[str, tuple[int, int]] = {"large": (8192, 1024), "small": (2048, 256)}
"""(max_num_batched_tokens, max_num_seqs) vLLM picks for its OpenAI API server, the usage
context KServe uses: "large" on GPUs with >= 70 GiB that are not A100 (vllm
engine/arg_utils.py `get_batch_defaults`; "Setting large max_num_batched_tokens for A100
reduces throughput, see PR #17885"), "small" elsewhere. The library passes them explicitly."""
LARGE_BATCH_MIN_GIB = 70

MIN_ACTIVATION_GIB = 0.5
"""Floor of the activation peak: profiling runs at least sampler and attention workspaces
(vLLM logs show 0.39-2.53 GiB for 8-15 GiB models)."""
UNKNOWN_ACTIVATION_GIB = 1.5
"""Activation peak when neither hidden size nor layer count is known."""
FALLBACK_VOCAB = 152_064
"""Vocabulary assumed for the logits term when not given (Qwen2.5's, larger than Llama 3's)."""

DEFAULT_CUDA_GRAPH_GIB = (0.5, 1.0, 1.5)
"""CUDA-graph memory per GPU, inside vLLM's share (profiled by default since v0.21): < 20 B
params; >= 20 B or MoE; MoE >= 100 B. Logs show 0.17 GiB (TP4), 0.36 GiB (TP2), 0.65 GiB
(gemma-3-4b), a 1.3 GB under-estimate on Llama 4 Maverick (vllm PR #21489); vLLM V0 warned
"CUDA graphs can take additional 1~3 GiB memory per GPU". 0 with `enforce_eager`."""
CUDA_GRAPH_LARGE_PARAMS = 20e9
CUDA_GRAPH_HUGE_MOE_PARAMS = 100e9

DEFAULT_NON_TORCH_GIB = 0.4
"""Non-torch allocations inside the share (cuBLAS/attention workspaces, custom all-reduce):
the largest of the 0.07-0.39 GiB in vLLM's memory-profiling log lines (vllm #11251, a TP>1
worker; gemma-3 PR #21489; triton-gcn5 #4), rounded up."""
DEFAULT_CUDA_CONTEXT_GIB = 0.5
"""CUDA context per process, allocated before vLLM's snapshot, so outside its share [I]."""
DEFAULT_NCCL_GIB = 0.5
"""NCCL communicators and custom all-reduce buffers with TP x PP > 1, set up "BEFORE taking
memory snapshot" (gpu_worker.py init_device), so outside vLLM's share [I]."""

TENSOR_PARALLEL_DEGREES: tuple[int, ...] = (1, 2, 4, 8)
MAX_PIPELINE_PARALLEL = 16

_DENSE_MHA_PARAMS_PER_LAYER_CUBED = 12 * 128**2
"""Dense transformer: params ~= 12 x layers x hidden^2 with hidden = 128 x layers."""


def quant_bytes(shape: ModelShape) -> tuple[float, str]:
    """Checkpoint bytes from the parameter count and format, and how they were computed.

    `(total - unquantised) x QUANT_BYTES[format] + unquantised x 2`; unquantised = embeddings
    (+ lm_head unless tied), and for MXFP4 also the attention projections (gpt-oss quantises
    the experts only). Without vocab/hidden size, `UNQUANTISED_SHARE` of the parameters.
    """
    precision = normalize_precision(shape.precision)
    rate = QUANT_BYTES[precision]
    if precision not in QUANTISED:
        return shape.total_params * rate, f"{shape.total_params / 1e9:g}B params x {rate:g} B"
    kept = unquantised_params(shape)
    quantised = max(shape.total_params - kept, 0.0)
    text = f"{quantised / 1e9:.3g}B x {rate:g} B ({precision}) + {kept / 1e9:.3g}B x 2 B"
    return quantised * rate + kept * 2.0, text


def unquantised_params(shape: ModelShape) -> float:
    """Parameters a quantised checkpoint keeps in 16 bits (see `quant_bytes`)."""
    if shape.vocab_size is None or shape.hidden_size is None:
        return UNQUANTISED_SHARE * shape.total_params
    kept = shape.vocab_size * shape.hidden_size * (1 if shape.tie_word_embeddings else 2)
    if normalize_precision(shape.precision) == "mxfp4":
        heads, kv, hd = shape.num_attention_heads, shape.num_kv_heads, shape.head_dim
        if None in (heads, kv, hd, shape.num_layers):
            return max(kept, UNQUANTISED_SHARE * shape.total_params)
        kept += shape.num_layers * shape.hidden_size * hd * (2 * heads + 2 * kv)
    return min(kept, shape.total_params)


def vllm_batch_defaults(gpu_name: str, memory_gib: float) -> tuple[int, int]:
    """(max_num_batched_tokens, max_num_seqs) vLLM's API server picks on this GPU."""
    large = memory_gib >= LARGE_BATCH_MIN_GIB and "a100" not in gpu_name.lower()
    return VLLM_BATCH_DEFAULTS["large" if large else "small"]


@dataclass(frozen=True)
class MemoryEstimate:
    """The GPU-independent part of one replica's memory; `need(...)` gives one GPU's terms.

    `weights_gib` is the whole checkpoint; `kv_cache_gib` the KV cache of `concurrency`
    sequences of `max_model_len` tokens on all layers (window layers for their window);
    `kv_cache_estimated` is True when the KV size came from the parameter count.
    """

    shape: ModelShape
    params: ServingParams
    overrides: MemoryOverrides
    weights_bytes: float
    weights_source: str
    kv_cache_bytes_per_token: float
    kv_cache_estimated: bool
    kv_cache_dtype: str
    precision: str
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def weights_gib(self) -> float:
        return self.weights_bytes / GIB

    @property
    def kv_cache_gib(self) -> float:
        return self._kv_bytes(1, 1, self._batch(None, None)[0]) / GIB

    @property
    def gpu_memory_utilization(self) -> float:
        return self.params.gpu_memory_utilization

    def _batch(self, gpu_name: str | None, memory_gib: float | None) -> tuple[int, int]:
        tokens, seqs = vllm_batch_defaults(gpu_name or "", memory_gib or 0)
        return (
            self.params.max_num_batched_tokens or tokens,
            self.params.max_num_seqs or seqs,
        )

    def _layers_per_stage(self, pp: int) -> tuple[float, float]:
        """(full layers, window layers) on the largest pipeline stage (fractions if unknown)."""
        layers = self.shape.num_layers
        if layers is None:
            return 1 / pp, 0.0
        window = min(self.shape.window_layers, layers) if self.shape.window_tokens else 0
        full = layers - window
        return float(math.ceil(full / pp)), float(math.ceil(window / pp))

    def _kv_bytes(self, tp: int, pp: int, batched_tokens: int) -> float:
        """KV bytes on one GPU: `concurrency` sequences, whole 16-token blocks."""
        shape, params = self.shape, self.params
        full_tokens = math.ceil(params.max_model_len / KV_BLOCK_TOKENS) * KV_BLOCK_TOKENS
        if not shape.has_kv_shape:
            return self.kv_cache_bytes_per_token * full_tokens * params.concurrency / (tp * pp)
        per_layer = self.kv_cache_bytes_per_token / shape.num_layers
        if shape.attention == "mla":
            share = 1.0  # the latent is replicated on every TP rank
        else:
            share = math.ceil(shape.num_kv_heads / tp) / shape.num_kv_heads
        full, window = self._layers_per_stage(pp)
        window_tokens = 0
        if window:
            held = min(shape.window_tokens - 1 + batched_tokens, params.max_model_len)
            window_tokens = (math.ceil(held / KV_BLOCK_TOKENS) + 1) * KV_BLOCK_TOKENS
        tokens = full * full_tokens + window * window_tokens
        return per_layer * share * tokens * params.concurrency

    def _weights_bytes(self, tp: int, pp: int) -> float:
        """Weights on one GPU: all layers split by TP; with PP the largest stage holds
        ceil(layers / PP) layers plus the embeddings or lm_head (both when tied)."""
        if pp == 1:
            return self.weights_bytes / tp
        shape = self.shape
        end = min(unquantised_params(shape) * 2.0, self.weights_bytes)
        body = self.weights_bytes - end
        layers = shape.num_layers
        stage = math.ceil(layers / pp) / layers if layers else 1 / pp
        ends = end if shape.tie_word_embeddings else end / 2
        return (body * stage + ends) / tp

    def _activation_gib(self, tp: int, tokens: int, seqs: int) -> tuple[float, str]:
        if self.overrides.activation_gib is not None:
            return self.overrides.activation_gib, "models.<name>.memory.activation_gib"
        shape = self.shape
        hidden = shape.hidden_size or (128 * shape.num_layers if shape.num_layers else None)
        if hidden is None:
            return UNKNOWN_ACTIVATION_GIB, "no hidden size or layer count: UNKNOWN_ACTIVATION_GIB"
        inter = shape.intermediate_size or 4 * hidden
        if shape.moe and shape.moe_intermediate_size:
            experts = (shape.moe_top_k or 1) + shape.moe_shared_experts
            inter = max(shape.intermediate_size or 0, experts * shape.moe_intermediate_size)
        vocab = shape.vocab_size or FALLBACK_VOCAB
        act = 4 if self.params.activation_dtype == "fp32" else 2
        peak = tokens * (2 * 2 * inter / tp + 4 * hidden) * act + min(seqs, tokens) * vocab * 8
        return max(peak / GIB, MIN_ACTIVATION_GIB), (
            f"{tokens} batched tokens x (MLP {inter}/TP + hidden {hidden}) + {min(seqs, tokens)}"
            f" sequences x vocab {vocab} fp32 logits and probs"
        )

    def _cuda_graph_gib(self) -> float:
        if self.params.enforce_eager:
            return 0.0
        if self.overrides.cuda_graph_gib is not None:
            return self.overrides.cuda_graph_gib
        small, large, huge = DEFAULT_CUDA_GRAPH_GIB
        params = self.shape.total_params
        if self.shape.moe and params >= CUDA_GRAPH_HUGE_MOE_PARAMS:
            return huge
        return large if self.shape.moe or params >= CUDA_GRAPH_LARGE_PARAMS else small

    def need(self, gpu: str, gpu_memory_gib: float, tp: int = 1, pp: int = 1) -> GpuNeed:
        """The terms on one GPU of `gpu_memory_gib` at TP `tp` x PP `pp` (see `GpuNeed`)."""
        tokens, seqs = self._batch(gpu, gpu_memory_gib)
        activation, act_source = self._activation_gib(tp, tokens, seqs)
        over = self.overrides
        nccl = (
            (over.nccl_gib if over.nccl_gib is not None else DEFAULT_NCCL_GIB) if tp * pp > 1 else 0
        )
        return GpuNeed(
            gpu=gpu,
            gpu_memory_gib=gpu_memory_gib,
            tensor_parallel=tp,
            pipeline_parallel=pp,
            gpu_memory_utilization=self.params.gpu_memory_utilization,
            weights_gib=self._weights_bytes(tp, pp) / GIB,
            kv_cache_gib=self._kv_bytes(tp, pp, tokens) / GIB,
            activation_gib=activation,
            cuda_graph_gib=self._cuda_graph_gib(),
            non_torch_gib=(
                over.non_torch_gib if over.non_torch_gib is not None else DEFAULT_NON_TORCH_GIB
            ),
            cuda_context_gib=(
                over.cuda_context_gib
                if over.cuda_context_gib is not None
                else DEFAULT_CUDA_CONTEXT_GIB
            ),
            nccl_gib=nccl,
            max_num_batched_tokens=tokens,
            max_num_seqs=seqs,
            sources=(*self.sources.items(), ("activation", act_source)),
        )

    def parallel_problem(self, tp: int, pp: int = 1) -> str | None:
        """Why vLLM refuses this TP x PP for the model's heads or layers, or None."""
        shape = self.shape
        heads, kv = shape.num_attention_heads, shape.num_kv_heads
        if heads is not None and heads % tp:
            return f"{heads} attention heads are not divisible by tensor parallel {tp}"
        if shape.attention == "gqa" and kv is not None and kv % tp and tp % kv:
            return f"{kv} KV heads and tensor parallel {tp} do not divide one another"
        if pp > 1 and shape.num_layers is not None and shape.num_layers < pp:
            return f"{shape.num_layers} layers cannot be split over {pp} pipeline stages"
        return None


def kv_cache_bytes_per_token(shape: ModelShape, kv_cache_dtype: str) -> float:
    """KV bytes per token over all layers: GQA `2 x layers x KV heads x head dim x bytes`,
    MLA `layers x (kv_lora_rank + qk_rope_head_dim) x bytes`."""
    size = KV_CACHE_BYTES[kv_cache_dtype]
    if shape.attention == "mla":
        return shape.num_layers * (shape.kv_lora_rank + shape.qk_rope_head_dim) * size
    return 2 * shape.num_layers * shape.num_kv_heads * shape.head_dim * size


def estimated_kv_cache_bytes_per_token(params: float, kv_cache_dtype: str = "bf16") -> float:
    """KV bytes per token of a dense multi-head-attention model of `params` parameters.

    GPT-3/Llama-2 shape (params = 12 x layers x hidden^2, hidden = 128 x layers): within a few
    percent for Llama-2 7B/13B, 4-8x too high for grouped-query models. Give the architecture
    for the exact figure.
    """
    layers = (params / _DENSE_MHA_PARAMS_PER_LAYER_CUBED) ** (1 / 3)
    return 2 * layers * (128 * layers) * KV_CACHE_BYTES[kv_cache_dtype]


def estimate_memory(
    shape: ModelShape,
    params: ServingParams | None = None,
    overrides: MemoryOverrides = NO_MEMORY_OVERRIDES,
) -> MemoryEstimate:
    """The memory model of one replica of `shape` served with `params` (default: 8,192
    tokens, one sequence, utilization 0.9, vLLM's batching). Raises ValueError naming a bad
    precision or KV-cache dtype."""
    params = params or ServingParams()
    precision = normalize_precision(shape.precision)
    shape = replace(shape, precision=precision)
    kv_dtype = params.activation_dtype if params.kv_cache_dtype == "auto" else params.kv_cache_dtype
    if kv_dtype not in KV_CACHE_BYTES:
        raise ValueError(
            f"kv_cache_dtype {params.kv_cache_dtype!r} is not supported; allowed: auto, fp8"
        )
    if shape.weights_bytes is not None:
        weights, weights_source = shape.weights_bytes, "measured checkpoint size"
    else:
        weights, weights_source = quant_bytes(shape)
    if shape.has_kv_shape:
        per_token = kv_cache_bytes_per_token(shape, kv_dtype)
        estimated = False
        kv_source = (
            f"{shape.num_layers} layers x latent {shape.kv_lora_rank + shape.qk_rope_head_dim}"
            if shape.attention == "mla"
            else f"{shape.num_layers} layers x {shape.num_kv_heads} KV heads x {shape.head_dim}"
        )
    else:
        per_token = estimated_kv_cache_bytes_per_token(shape.total_params, kv_dtype)
        estimated = True
        kv_source = "estimated from the parameter count as dense multi-head attention"
    return MemoryEstimate(
        shape=shape,
        params=params,
        overrides=overrides,
        weights_bytes=weights,
        weights_source=weights_source,
        kv_cache_bytes_per_token=per_token,
        kv_cache_estimated=estimated,
        kv_cache_dtype=kv_dtype,
        precision=precision,
        sources={"weights": weights_source, "kv_cache": f"{kv_source}, {kv_dtype}"},
    )
