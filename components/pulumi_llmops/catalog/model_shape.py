"""What the memory model is given (a checkpoint's shape, vLLM's serving parameters, per-model
overrides) and what it returns for one GPU of a replica (`GpuNeed`, term by term).

The formulas and their sources are in `sizing.py`. Pure: no Pulumi.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DEFAULT_GPU_MEMORY_UTILIZATION = 0.9
"""vLLM's `--gpu-memory-utilization` default: the share of each GPU vLLM may fill."""
DEFAULT_MAX_CONTEXT_TOKENS = 8192


@dataclass(frozen=True)
class ModelShape:
    """What the memory model needs from a checkpoint (config.json figures; counts, not billions).

    `total_params` counts every expert (all are resident); `weights_bytes` is a measured
    checkpoint size that wins over the formula. Window layers (sliding or chunked attention)
    hold `window_tokens` plus one batch per sequence; `attention: mla` caches one latent of
    `kv_lora_rank + qk_rope_head_dim` per layer, replicated on every TP rank.
    """

    total_params: float
    precision: str = "bf16"
    weights_bytes: float | None = None
    num_layers: int | None = None
    num_kv_heads: int | None = None
    head_dim: int | None = None
    num_attention_heads: int | None = None
    hidden_size: int | None = None
    intermediate_size: int | None = None
    vocab_size: int | None = None
    tie_word_embeddings: bool = False
    attention: Literal["gqa", "mla"] = "gqa"
    kv_lora_rank: int = 512
    qk_rope_head_dim: int = 64
    window_layers: int = 0
    window_tokens: int | None = None
    moe_experts: int | None = None
    moe_top_k: int | None = None
    moe_intermediate_size: int | None = None
    moe_shared_experts: int = 0

    @property
    def moe(self) -> bool:
        return bool(self.moe_experts)

    @property
    def has_kv_shape(self) -> bool:
        """True when the exact KV size is known (layers, and KV heads x head dim unless MLA)."""
        if self.num_layers is None:
            return False
        return self.attention == "mla" or None not in (self.num_kv_heads, self.head_dim)


@dataclass(frozen=True)
class ServingParams:
    """What vLLM is told: context, concurrency (full-length sequences the KV cache must hold,
    our requirement; vLLM needs one), its memory share, batching (None: vLLM's default for
    the GPU), KV-cache dtype and CUDA graphs."""

    max_model_len: int = DEFAULT_MAX_CONTEXT_TOKENS
    concurrency: int = 1
    gpu_memory_utilization: float = DEFAULT_GPU_MEMORY_UTILIZATION
    max_num_seqs: int | None = None
    max_num_batched_tokens: int | None = None
    kv_cache_dtype: str = "auto"
    enforce_eager: bool = False
    activation_dtype: str = "bf16"


@dataclass(frozen=True)
class MemoryOverrides:
    """Per-model replacements of the default terms, GiB per GPU (None: the default)."""

    activation_gib: float | None = None
    cuda_graph_gib: float | None = None
    non_torch_gib: float | None = None
    cuda_context_gib: float | None = None
    nccl_gib: float | None = None


NO_MEMORY_OVERRIDES = MemoryOverrides()


@dataclass(frozen=True)
class GpuNeed:
    """Memory one GPU of a replica needs at `tensor_parallel` x `pipeline_parallel`, by term.

    Inside vLLM's share (`usable_gib` = utilization x GPU memory): weights, KV cache,
    activation peak, CUDA graphs, non-torch. Outside it (before vLLM's snapshot, within
    `(1 - utilization)` x GPU memory): CUDA context and NCCL.
    """

    gpu: str
    gpu_memory_gib: float
    tensor_parallel: int
    pipeline_parallel: int
    gpu_memory_utilization: float
    weights_gib: float
    kv_cache_gib: float
    activation_gib: float
    cuda_graph_gib: float
    non_torch_gib: float
    cuda_context_gib: float
    nccl_gib: float
    max_num_batched_tokens: int
    max_num_seqs: int
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def total_gib(self) -> float:
        """Memory inside vLLM's share."""
        return (
            self.weights_gib
            + self.kv_cache_gib
            + self.activation_gib
            + self.cuda_graph_gib
            + self.non_torch_gib
        )

    @property
    def usable_gib(self) -> float:
        return self.gpu_memory_gib * self.gpu_memory_utilization

    @property
    def margin_gib(self) -> float:
        """Usable minus needed (negative: does not fit)."""
        return self.usable_gib - self.total_gib

    @property
    def outside_gib(self) -> float:
        return self.cuda_context_gib + self.nccl_gib

    @property
    def outside_allowed_gib(self) -> float:
        return self.gpu_memory_gib * (1 - self.gpu_memory_utilization)

    @property
    def fits(self) -> bool:
        return self.margin_gib >= 0 and self.outside_gib <= self.outside_allowed_gib

    def breakdown(self) -> str:
        return (
            f"weights {self.weights_gib:.2f} + KV cache {self.kv_cache_gib:.2f} + activation "
            f"{self.activation_gib:.2f} + CUDA graphs {self.cuda_graph_gib:.2f} + non-torch "
            f"{self.non_torch_gib:.2f} = {self.total_gib:.2f} GiB per GPU "
            f"(TP {self.tensor_parallel} x PP {self.pipeline_parallel}) of "
            f"{self.usable_gib:.2f} usable on {self.gpu}; CUDA context + NCCL "
            f"{self.outside_gib:.2f} GiB outside vLLM's share of {self.outside_allowed_gib:.2f}"
        )
