"""GPU memory sizing of an LLM served by vLLM, and the cheapest GPU pool that fits it.

One replica needs: weights + KV cache (split across tensor-parallel GPUs) + a fixed
overhead on every GPU, and each GPU may fill only `gpu_memory_utilization` of its memory
(vLLM's default 0.9). Units: GB = 10^9 bytes (model sizes), GiB = 2^30 bytes (GPU memory).
vLLM's memory model: https://docs.vllm.ai/en/latest/configuration/conserving_memory.html
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .gpus import GIB, CatalogError
from .instances import InstanceType, list_instances
from .overrides import NO_OVERRIDES, CatalogOverrides
from .pricing import check_number, hourly_price

BYTES_PER_PARAM: dict[str, float] = {
    "fp32": 4.0,
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
}
"""Weight bytes per parameter. int4 ignores quantisation scales and unquantised layers."""

KV_CACHE_BYTES: dict[str, int] = {"fp32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1}
"""KV-cache bytes per element by KV-cache dtype (vLLM has no int4 KV cache)."""

_DTYPE_ALIASES = {"float32": "fp32", "bfloat16": "bf16", "float16": "fp16", "half": "fp16"}

TENSOR_PARALLEL_DEGREES: tuple[int, ...] = (1, 2, 4, 8)
DEFAULT_MAX_CONTEXT_TOKENS = 8192
DEFAULT_OVERHEAD_GIB_PER_GPU = 2.0
"""CUDA context, activation peak and CUDA graphs per GPU: a conservative allowance."""
DEFAULT_GPU_MEMORY_UTILIZATION = 0.9
"""vLLM's `--gpu-memory-utilization` default: the share of each GPU vLLM may use."""

_SHAPE_PARAMS_PER_LAYER_CUBED = 12 * 128**2
"""Dense transformer: params ~= 12 x layers x hidden^2 with hidden = 128 x layers."""


def normalize_dtype(name: str, allowed: Sequence[str], what: str) -> str:
    """Lower-case `name`, map torch spellings (bfloat16, float16, half, float32), check it.

    Raises ValueError naming the value and the allowed names.
    """
    key = _DTYPE_ALIASES.get(str(name).lower(), str(name).lower())
    if key not in allowed:
        raise ValueError(f"{what} {name!r} is not supported; allowed: {', '.join(allowed)}")
    return key


def default_kv_cache_dtype(precision: str) -> str:
    """KV-cache dtype when none is given: the weight dtype for fp32/bf16/fp16, else fp16.

    Quantised checkpoints (fp8, int8, int4 weights) keep 16-bit activations, and vLLM's
    `kv_cache_dtype=auto` stores the KV cache in the activation dtype.
    """
    precision = normalize_dtype(precision, tuple(BYTES_PER_PARAM), "precision")
    return precision if precision in KV_CACHE_BYTES and BYTES_PER_PARAM[precision] >= 2 else "fp16"


def kv_cache_bytes_per_token(
    num_layers: int, num_kv_heads: int, head_dim: int, kv_cache_dtype: str = "bf16"
) -> int:
    """Exact KV-cache bytes per token: 2 (K and V) x layers x KV heads x head dim x bytes.

    Default dtype bf16 (2 bytes). Llama-3.1-8B (32, 8, 128): 131,072 bytes per token.
    """
    for label, value in (
        ("num_layers", num_layers),
        ("num_kv_heads", num_kv_heads),
        ("head_dim", head_dim),
    ):
        _check_int(label, value)
    dtype = normalize_dtype(kv_cache_dtype, tuple(KV_CACHE_BYTES), "kv_cache_dtype")
    return 2 * num_layers * num_kv_heads * head_dim * KV_CACHE_BYTES[dtype]


def estimated_kv_cache_bytes_per_token(
    params_billion: float, kv_cache_dtype: str = "bf16"
) -> float:
    """Approximate KV-cache bytes per token when the architecture is not given.

    Assumes a dense multi-head-attention transformer of the GPT-3/Llama-2 shape
    (params = 12 x layers x hidden^2, hidden = 128 x layers): within a few percent for
    Llama-2 7B/13B, 4-8x too high for grouped-query-attention models (Llama 3, Qwen 2.5,
    Mistral), and not a guaranteed bound for unusually narrow models. Give num_layers,
    num_kv_heads and head_dim for the exact figure. Default dtype bf16.
    """
    check_number("params_billion", params_billion)
    dtype = normalize_dtype(kv_cache_dtype, tuple(KV_CACHE_BYTES), "kv_cache_dtype")
    layers = (params_billion * 1e9 / _SHAPE_PARAMS_PER_LAYER_CUBED) ** (1 / 3)
    return 2 * layers * (128 * layers) * KV_CACHE_BYTES[dtype]


@dataclass(frozen=True)
class MemoryEstimate:
    """GPU memory one model replica needs, in GiB.

    `weights_gib` and `kv_cache_gib` are totals split across tensor-parallel GPUs;
    `overhead_gib` is paid on every GPU; `total_gib` is their sum on one GPU (TP 1).
    `kv_cache_estimated` is True when the KV cache came from the parameter-count
    approximation rather than the architecture. `breakdown` explains the figures.
    """

    weights_gib: float
    kv_cache_gib: float
    overhead_gib: float
    total_gib: float
    kv_cache_estimated: bool
    kv_cache_bytes_per_token: float
    num_kv_heads: int | None
    precision: str
    kv_cache_dtype: str
    max_context_tokens: int
    concurrent_sequences: int
    gpu_memory_utilization: float
    breakdown: str

    def per_gpu_gib(self, tensor_parallel: int) -> float:
        """Memory each GPU needs at `tensor_parallel` GPUs per replica.

        Weights split evenly. KV heads split as vLLM does: each GPU holds
        ceil(kv_heads / TP) heads, at least one (heads are replicated when TP > kv_heads);
        without the architecture the KV cache splits evenly.
        """
        _check_int("tensor_parallel", tensor_parallel)
        if self.num_kv_heads is None:
            kv_share = self.kv_cache_gib / tensor_parallel
        else:
            heads = math.ceil(self.num_kv_heads / tensor_parallel)
            kv_share = self.kv_cache_gib * (heads / self.num_kv_heads)
        return self.weights_gib / tensor_parallel + kv_share + self.overhead_gib

    def usable_gib(self, gpu_memory_gib: float) -> float:
        """The part of a GPU of `gpu_memory_gib` the replica may use (x utilization)."""
        return gpu_memory_gib * self.gpu_memory_utilization

    def fits(self, gpu_memory_gib: float, tensor_parallel: int) -> bool:
        """True when `per_gpu_gib(tensor_parallel)` fits the usable part of each GPU."""
        return self.per_gpu_gib(tensor_parallel) <= self.usable_gib(gpu_memory_gib)


def estimate_memory(
    *,
    params_billion: float | None = None,
    weights_gb: float | None = None,
    precision: str = "bf16",
    num_layers: int | None = None,
    num_kv_heads: int | None = None,
    head_dim: int | None = None,
    max_context_tokens: int = DEFAULT_MAX_CONTEXT_TOKENS,
    concurrent_sequences: int = 1,
    kv_cache_dtype: str | None = None,
    overhead_gib_per_gpu: float = DEFAULT_OVERHEAD_GIB_PER_GPU,
    gpu_memory_utilization: float = DEFAULT_GPU_MEMORY_UTILIZATION,
) -> MemoryEstimate:
    """GPU memory of one replica serving a model.

    Give exactly one of `params_billion` (weights = params x bytes per param of
    `precision`, default bf16) or `weights_gb` (checkpoint size in GB, 10^9 bytes).
    The KV cache holds `concurrent_sequences` (default 1, the minimum vLLM starts with)
    sequences at `max_context_tokens` (default 8192) each, in `kv_cache_dtype` (default:
    `default_kv_cache_dtype(precision)`). Give all of `num_layers`, `num_kv_heads`,
    `head_dim` for the exact KV size, or none for the approximation of
    `estimated_kv_cache_bytes_per_token` (flagged `kv_cache_estimated`). Each GPU also
    carries `overhead_gib_per_gpu` (default 2.0) and may fill `gpu_memory_utilization`
    (default 0.9) of its memory. Raises ValueError naming any invalid argument.
    """
    precision = normalize_dtype(precision, tuple(BYTES_PER_PARAM), "precision")
    kv_dtype = normalize_dtype(
        kv_cache_dtype or default_kv_cache_dtype(precision),
        tuple(KV_CACHE_BYTES),
        "kv_cache_dtype",
    )
    if (params_billion is None) == (weights_gb is None):
        raise ValueError(
            f"give exactly one of params_billion or weights_gb "
            f"(got params_billion={params_billion!r}, weights_gb={weights_gb!r})"
        )
    _check_int("max_context_tokens", max_context_tokens)
    _check_int("concurrent_sequences", concurrent_sequences)
    check_number("overhead_gib_per_gpu", overhead_gib_per_gpu, allow_zero=True)
    check_number("gpu_memory_utilization", gpu_memory_utilization)
    if gpu_memory_utilization > 1:
        raise ValueError(
            f"gpu_memory_utilization must be in (0, 1], got {gpu_memory_utilization!r}"
        )
    bytes_per_param = BYTES_PER_PARAM[precision]
    if params_billion is not None:
        check_number("params_billion", params_billion)
        weights_bytes = params_billion * 1e9 * bytes_per_param
        weights_text = f"{params_billion:g}B params x {bytes_per_param:g} bytes, {precision}"
    else:
        check_number("weights_gb", weights_gb)
        weights_bytes = weights_gb * 1e9
        params_billion = weights_gb / bytes_per_param
        weights_text = f"{weights_gb:g} GB checkpoint"

    architecture = (num_layers, num_kv_heads, head_dim)
    if all(v is None for v in architecture):
        per_token: float = estimated_kv_cache_bytes_per_token(params_billion, kv_dtype)
        kv_source = (
            f"estimated from {params_billion:g}B params as dense multi-head attention; "
            "give num_layers, num_kv_heads, head_dim for the exact size"
        )
        estimated = True
    elif any(v is None for v in architecture):
        raise ValueError(
            "give all of num_layers, num_kv_heads and head_dim, or none of them "
            f"(got {num_layers!r}, {num_kv_heads!r}, {head_dim!r})"
        )
    else:
        per_token = kv_cache_bytes_per_token(num_layers, num_kv_heads, head_dim, kv_dtype)
        kv_source = f"{num_layers} layers x {num_kv_heads} KV heads x {head_dim} head dim"
        estimated = False

    weights_gib = weights_bytes / GIB
    kv_gib = per_token * max_context_tokens * concurrent_sequences / GIB
    total = weights_gib + kv_gib + overhead_gib_per_gpu
    sequences = "sequence" if concurrent_sequences == 1 else "sequences"
    breakdown = (
        f"weights {weights_gib:.2f} GiB ({weights_text}) + KV cache {kv_gib:.2f} GiB "
        f"({per_token:,.0f} bytes/token, {kv_dtype}, {kv_source}; x {max_context_tokens:,} "
        f"tokens x {concurrent_sequences} {sequences}) + overhead "
        f"{overhead_gib_per_gpu:.2f} GiB per GPU = {total:.2f} GiB on one GPU; "
        f"each GPU may use {gpu_memory_utilization:.0%} of its memory"
    )
    return MemoryEstimate(
        weights_gib=weights_gib,
        kv_cache_gib=kv_gib,
        overhead_gib=overhead_gib_per_gpu,
        total_gib=total,
        kv_cache_estimated=estimated,
        kv_cache_bytes_per_token=per_token,
        num_kv_heads=num_kv_heads,
        precision=precision,
        kv_cache_dtype=kv_dtype,
        max_context_tokens=max_context_tokens,
        concurrent_sequences=concurrent_sequences,
        gpu_memory_utilization=gpu_memory_utilization,
        breakdown=breakdown,
    )


def max_tensor_parallel(gpus_per_node: int) -> int:
    """Largest degree of `TENSOR_PARALLEL_DEGREES` that fits in `gpus_per_node` GPUs."""
    _check_int("gpus_per_node", gpus_per_node)
    return max(d for d in TENSOR_PARALLEL_DEGREES if d <= gpus_per_node)


def gpus_per_replica(
    estimate: MemoryEstimate, gpu_memory_gib: float, max_gpus_per_node: int
) -> int | None:
    """Smallest tensor-parallel degree (1, 2, 4, 8) at which a replica fits, or None.

    A replica stays on one node, so degrees above `max_gpus_per_node` are not tried.
    """
    check_number("gpu_memory_gib", gpu_memory_gib)
    limit = max_tensor_parallel(max_gpus_per_node)
    for degree in TENSOR_PARALLEL_DEGREES:
        if degree <= limit and estimate.fits(gpu_memory_gib, degree):
            return degree
    return None


@dataclass(frozen=True)
class PoolCandidate:
    """A node shape a model could run on; `usd_per_hour` is per node, None when unknown."""

    name: str
    gpu_model: str
    gpu_memory_gib: float
    gpus_per_node: int
    usd_per_hour: float | None = None

    def __post_init__(self) -> None:
        check_number("gpu_memory_gib", self.gpu_memory_gib)
        _check_int("gpus_per_node", self.gpus_per_node)
        if self.usd_per_hour is not None:
            check_number("usd_per_hour", self.usd_per_hour)

    @classmethod
    def from_instance(cls, instance: InstanceType, region: str) -> PoolCandidate:
        """Candidate for a catalogue machine type, priced in `region` when known."""
        price = hourly_price(instance, region)
        return cls(
            name=instance.machine_type,
            gpu_model=instance.gpu_model,
            gpu_memory_gib=instance.gpu_memory_gib,
            gpus_per_node=instance.gpu_count,
            usd_per_hour=price.usd_per_hour if price else None,
        )


@dataclass(frozen=True)
class PoolChoice:
    """The chosen pool, GPUs per replica, and the replica's share of the node price."""

    pool: PoolCandidate
    tensor_parallel: int
    usd_per_hour_per_replica: float | None

    @property
    def replicas_per_node(self) -> int:
        """Replicas that fit side by side on one node of the pool."""
        return self.pool.gpus_per_node // self.tensor_parallel


class NoPoolFitsError(CatalogError):
    """No candidate pool can hold one replica of the model."""

    def __init__(self, estimate: MemoryEstimate, pools: Sequence[PoolCandidate]) -> None:
        self.needed_gib = estimate.total_gib
        self.pools = tuple(pools)
        lines = []
        for pool in self.pools:
            degree = max_tensor_parallel(pool.gpus_per_node)
            lines.append(
                f"{pool.name} ({pool.gpus_per_node} x {pool.gpu_model}, "
                f"{pool.gpu_memory_gib:.1f} GiB/GPU, max TP {degree}: needs "
                f"{estimate.per_gpu_gib(degree):.1f} GiB/GPU, "
                f"{estimate.usable_gib(pool.gpu_memory_gib):.1f} usable)"
            )
        considered = "; ".join(lines) if lines else "none given"
        super().__init__(
            f"no GPU pool fits the model: it needs {self.needed_gib:.1f} GiB per replica "
            f"({estimate.breakdown}). Pools considered: {considered}. Use a lower precision, "
            "a shorter max context, fewer concurrent sequences, or GPUs with more memory."
        )


def choose_pool(estimate: MemoryEstimate, pools: Sequence[PoolCandidate]) -> PoolChoice:
    """The cheapest pool that fits one replica, by USD/hour per replica.

    A replica's price is `tensor_parallel x node price / gpus_per_node` (replicas share a
    node). Ties go to the name that sorts first. Pools without a price rank after every
    priced pool, by GPUs per replica then name. Raises `NoPoolFitsError` listing each
    pool's capacity when none fits.
    """
    ranked = []
    for pool in pools:
        degree = gpus_per_replica(estimate, pool.gpu_memory_gib, pool.gpus_per_node)
        if degree is None:
            continue
        if pool.usd_per_hour is None:
            ranked.append(((1, degree, pool.name), PoolChoice(pool, degree, None)))
        else:
            share = degree * pool.usd_per_hour / pool.gpus_per_node
            ranked.append(((0, share, pool.name), PoolChoice(pool, degree, share)))
    if not ranked:
        raise NoPoolFitsError(estimate, pools)
    return min(ranked, key=lambda item: item[0])[1]


def catalog_pools(
    cloud: str,
    region: str,
    overrides: CatalogOverrides = NO_OVERRIDES,
    *,
    priced_only: bool = False,
) -> tuple[PoolCandidate, ...]:
    """One candidate per catalogue machine type of `cloud`, priced in `region` when known.

    Default: every machine type (unpriced ones with `usd_per_hour=None`); `priced_only`
    keeps those with a price in `region`. `overrides` merges config catalogue entries.
    """
    candidates = (PoolCandidate.from_instance(i, region) for i in list_instances(cloud, overrides))
    return tuple(c for c in candidates if not priced_only or c.usd_per_hour is not None)


def _check_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
