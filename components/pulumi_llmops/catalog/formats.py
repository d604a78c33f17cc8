"""Numeric formats: which checkpoint formats a GPU runs, in which runtime dtype, and why not.

A checkpoint's `precision` (how its weights are stored) and the model's `dtype` (the
activation dtype asked for) meet a GPU's compute capability, tensor-core formats and vLLM
kernels (`catalog/data/gpus.yaml`). The rules follow vLLM: bfloat16 needs compute capability
>= 8.0 and vLLM's own advice on older GPUs is `--dtype=half`
(vllm/v1/worker/gpu_worker.py `_check_if_gpu_supports_dtype`); FP8 compute needs >= 8.9,
and below that an FP8 checkpoint runs weight-only through FP8 Marlin
(https://docs.vllm.ai/en/latest/features/quantization/fp8.html), which did not cover MoE
models ("vLLM supports FP8 MoE models only on Ada Lovelace or Hopper GPUs (>= SM 89)", Red
Hat AI on huggingface.co/neuralmagic/DeepSeek-Coder-V2-Instruct-FP8/discussions/1); the
quantisation kernels per architecture are vLLM's "Supported Hardware" table
(https://docs.vllm.ai/en/latest/features/quantization/). Pure: no Pulumi.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gpus import GpuModel

PRECISIONS: tuple[str, ...] = (
    "bf16",
    "fp16",
    "fp32",
    "fp8",
    "int8",
    "awq-int4",
    "gptq-int4",
    "mxfp4",
    "nf4",
)
"""Checkpoint formats the memory model knows (`int4` is accepted as `awq-int4`)."""

PRECISION_ALIASES = {
    "int4": "awq-int4",
    "bfloat16": "bf16",
    "float16": "fp16",
    "half": "fp16",
    "float32": "fp32",
}
"""Other spellings of `PRECISIONS` (torch names; the library's older `int4`)."""

QUANTISED = frozenset({"fp8", "int8", "awq-int4", "gptq-int4", "mxfp4", "nf4"})
"""Formats whose weights are stored below 16 bits (activations stay 16-bit)."""

CHECKPOINT_DTYPE_ARG = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}
"""vLLM `--dtype` value that keeps a 16/32-bit checkpoint's own dtype."""
CONVERTED_TO_FP16_ARG = "half"
"""vLLM `--dtype` value when a checkpoint is served in float16 instead (vLLM's advice)."""

BF16_MIN_CC = (8, 0)
"""Compute capability vLLM requires for bfloat16 (`_check_if_gpu_supports_dtype`)."""
FP8_MIN_CC = (8, 9)
"""Compute capability for FP8 compute (W8A8) and an FP8 KV cache (vLLM FP8 docs)."""

_KERNEL_FOR = {
    "int8": ("int8_w8a8",),
    "awq-int4": ("awq", "marlin"),
    "gptq-int4": ("gptq", "marlin"),
    "mxfp4": ("mxfp4_marlin",),
    "nf4": ("bitsandbytes",),
}


def normalize_precision(name: str) -> str:
    """Canonical precision (`int4` -> `awq-int4`, `bfloat16` -> `bf16`); ValueError if unknown."""
    key = str(name).lower()
    key = PRECISION_ALIASES.get(key, key)
    if key not in PRECISIONS:
        raise ValueError(f"precision {name!r} is not supported; allowed: {', '.join(PRECISIONS)}")
    return key


@dataclass(frozen=True)
class FormatDecision:
    """Whether a checkpoint runs on a GPU: `runtime_dtype` (the activation dtype: bf16, fp16,
    fp32, or auto = the checkpoint's own 16-bit dtype), `dtype_arg` (vLLM's `--dtype` value)
    and the kernel path, or `reason` why not."""

    ok: bool
    runtime_dtype: str | None = None
    dtype_arg: str | None = None
    kernel: str | None = None
    reason: str | None = None

    def with_kernel(self, kernel: str) -> FormatDecision:
        return FormatDecision(True, self.runtime_dtype, self.dtype_arg, kernel)


def _has_bf16(gpu: GpuModel) -> bool:
    return "bf16" in gpu.dtypes and gpu.compute_capability >= BF16_MIN_CC


def _has_fp8(gpu: GpuModel) -> bool:
    return "fp8" in gpu.dtypes and gpu.compute_capability >= FP8_MIN_CC


def _gpu_text(gpu: GpuModel) -> str:
    assumed = (
        ""
        if gpu.formats_known
        else "; its formats are not in the catalogue, so fp16 only is "
        f"assumed: declare catalog.gpus.{gpu.name}.compute_capability, dtypes and kernels"
    )
    return f"{gpu.name} (compute capability {gpu.compute_capability_text}{assumed})"


def _reject(reason: str) -> FormatDecision:
    return FormatDecision(False, reason=reason)


def _activation(precision: str, dtype: str, gpu: GpuModel) -> FormatDecision:
    """The activation dtype: the checkpoint's 16-bit dtype, or fp16 where bf16 is missing."""
    if dtype == "fp16":
        arg = "float16" if precision == "fp16" else CONVERTED_TO_FP16_ARG
        return FormatDecision(True, "fp16", arg)
    if dtype == "bf16" or precision == "bf16":
        if _has_bf16(gpu):
            return FormatDecision(True, "bf16", "bfloat16")
        return _reject(
            f"{_gpu_text(gpu)} has no bfloat16 (needs compute capability 8.0); set dtype: "
            "fp16 to serve it in float16 (--dtype=half)"
        )
    if precision in ("fp16", "fp32"):
        return FormatDecision(True, precision, CHECKPOINT_DTYPE_ARG[precision])
    # Quantised checkpoints keep 16-bit activations: the checkpoint's own dtype where bf16 is
    # available, half where it is not (a bf16 torch_dtype would fail there).
    if _has_bf16(gpu):
        return FormatDecision(True, "auto", "auto")
    return FormatDecision(True, "fp16", CONVERTED_TO_FP16_ARG)


def check_format(
    precision: str,
    gpu: GpuModel,
    *,
    dtype: str = "auto",
    moe: bool = False,
    allow_weight_only_fp8: bool = False,
    kv_cache_dtype: str = "auto",
) -> FormatDecision:
    """Whether a `precision` checkpoint runs on `gpu`, and as what.

    `dtype` is auto (default: the checkpoint's), bf16 or fp16 (asks for float16, e.g. a bf16
    model on a T4). An fp8 checkpoint needs FP8 compute (compute capability >= 8.9) unless
    `allow_weight_only_fp8` lets a dense (`moe` False) model run as W8A16 on a GPU with the
    FP8 Marlin kernel. `kv_cache_dtype` fp8 needs compute capability >= 8.9.
    """
    precision = normalize_precision(precision)
    activation = _activation(precision, dtype, gpu)
    if not activation.ok:
        return activation
    if kv_cache_dtype == "fp8" and not _has_fp8(gpu):
        return _reject(
            f"kv_cache_dtype fp8 needs FP8 support (compute capability 8.9); {_gpu_text(gpu)} "
            "has none"
        )
    if precision in ("bf16", "fp16", "fp32"):
        return activation.with_kernel("dense")
    if precision == "fp8":
        if _has_fp8(gpu):
            return activation.with_kernel("fp8_w8a8")
        if allow_weight_only_fp8 and "fp8_weight_only" in gpu.kernels and not moe:
            return activation.with_kernel("fp8_weight_only")
        why = (
            "FP8 MoE checkpoints need FP8 compute"
            if moe and allow_weight_only_fp8
            else "set allow_weight_only_fp8 for W8A16 (FP8 Marlin) on Ampere/Turing"
        )
        return _reject(
            f"an fp8 checkpoint needs FP8 compute (L4, L40S, H100, H200); {_gpu_text(gpu)} "
            f"has none: {why}"
        )
    for kernel in _KERNEL_FOR[precision]:
        if kernel in gpu.kernels:
            return activation.with_kernel(kernel)
    if precision == "mxfp4" and "fp4" in gpu.dtypes:
        return activation.with_kernel("fp4")
    needs = " or ".join(_KERNEL_FOR[precision])
    extra = " (Turing does not support Marlin MXFP4)" if precision == "mxfp4" else ""
    return _reject(f"{precision} needs vLLM's {needs} kernel; {_gpu_text(gpu)} has none{extra}")
