"""Numeric formats: which checkpoint runs on which GPU, in which runtime dtype, and why not."""

from __future__ import annotations

import pytest

from pulumi_llmops.catalog import get_gpu_model
from pulumi_llmops.catalog.formats import check_format, normalize_precision
from pulumi_llmops.catalog.gpus import GpuModel

OK = "ok"

# (precision, options, GPU) -> (runtime dtype, --dtype, kernel) or the rejection reason.
TABLE = [
    ("bf16", {}, "A10G", ("bf16", "bfloat16", "dense")),
    ("bf16", {}, "H100-80GB", ("bf16", "bfloat16", "dense")),
    (
        "bf16",
        {},
        "T4",
        "T4 (compute capability 7.5) has no bfloat16 (needs compute capability 8.0); set dtype: "
        "fp16 to serve it in float16 (--dtype=half)",
    ),
    ("bf16", {"dtype": "fp16"}, "T4", ("fp16", "half", "dense")),
    ("bf16", {"dtype": "fp16"}, "L4", ("fp16", "half", "dense")),
    ("fp16", {}, "T4", ("fp16", "float16", "dense")),
    ("fp32", {}, "T4", ("fp32", "float32", "dense")),
    ("fp8", {}, "L4", ("auto", "auto", "fp8_w8a8")),
    ("fp8", {}, "H200-141GB", ("auto", "auto", "fp8_w8a8")),
    (
        "fp8",
        {},
        "A100-80GB",
        "an fp8 checkpoint needs FP8 compute (L4, L40S, H100, H200); A100-80GB (compute "
        "capability 8.0) has none: set allow_weight_only_fp8 for W8A16 (FP8 Marlin) on "
        "Ampere/Turing",
    ),
    ("fp8", {"allow_weight_only_fp8": True}, "A100-80GB", ("auto", "auto", "fp8_weight_only")),
    ("fp8", {"allow_weight_only_fp8": True}, "T4", ("fp16", "half", "fp8_weight_only")),
    (
        "fp8",
        {"allow_weight_only_fp8": True, "moe": True},
        "A10G",
        "an fp8 checkpoint needs FP8 compute (L4, L40S, H100, H200); A10G (compute capability "
        "8.6) has none: FP8 MoE checkpoints need FP8 compute",
    ),
    ("int8", {}, "T4", ("fp16", "half", "int8_w8a8")),
    ("awq-int4", {}, "T4", ("fp16", "half", "awq")),
    ("int4", {}, "A10G", ("auto", "auto", "awq")),
    ("gptq-int4", {}, "H100-80GB", ("auto", "auto", "gptq")),
    ("mxfp4", {}, "A100-40GB", ("auto", "auto", "mxfp4_marlin")),
    (
        "mxfp4",
        {},
        "T4",
        "mxfp4 needs vLLM's mxfp4_marlin kernel; T4 (compute capability 7.5) has none (Turing "
        "does not support Marlin MXFP4)",
    ),
    ("nf4", {}, "T4", ("fp16", "half", "bitsandbytes")),
    (
        "bf16",
        {"kv_cache_dtype": "fp8"},
        "A100-80GB",
        "kv_cache_dtype fp8 needs FP8 support (compute capability 8.9); A100-80GB (compute "
        "capability 8.0) has none",
    ),
    ("bf16", {"kv_cache_dtype": "fp8"}, "L40S", ("bf16", "bfloat16", "dense")),
]


@pytest.mark.parametrize(
    ("precision", "options", "gpu", "expected"),
    TABLE,
    ids=[
        f"{p}-{g}-{'-'.join(f'{k}={v}' for k, v in o.items()) or 'default'}" for p, o, g, _ in TABLE
    ],
)
def test_format_decisions(precision: str, options: dict, gpu: str, expected) -> None:
    decision = check_format(precision, get_gpu_model(gpu), **options)
    if isinstance(expected, str):
        assert (decision.ok, decision.reason) == (False, expected)
    else:
        assert decision.ok
        assert (decision.runtime_dtype, decision.dtype_arg, decision.kernel) == expected


def test_unknown_gpu_formats_assume_fp16_only_and_say_so() -> None:
    added = GpuModel("RTX-6000-ADA", 47.5, "config override", False)
    decision = check_format("bf16", added)
    assert decision.reason == (
        "RTX-6000-ADA (compute capability 7.0; its formats are not in the catalogue, so fp16 "
        "only is assumed: declare catalog.gpus.RTX-6000-ADA.compute_capability, dtypes and "
        "kernels) has no bfloat16 (needs compute capability 8.0); set dtype: fp16 to serve it "
        "in float16 (--dtype=half)"
    )
    assert check_format("awq-int4", added).ok is False


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("int4", "awq-int4"), ("BF16", "bf16"), ("bfloat16", "bf16"), ("half", "fp16")],
)
def test_precision_spellings(name: str, canonical: str) -> None:
    assert normalize_precision(name) == canonical
