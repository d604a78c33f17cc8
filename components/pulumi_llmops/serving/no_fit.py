"""The config error of a model no pool can hold: why each pool was rejected, by YAML path."""

from __future__ import annotations

from collections.abc import Mapping

from ..catalog.fit import FitResult
from ..catalog.sizing import MemoryEstimate
from ..config.errors import Problem
from ..config.models import ModelSpec

_ADVICE = (
    "Use a lower precision, a shorter max context, fewer concurrent sequences, or GPUs with "
    "more memory."
)
OUTSIDE_SHARE = "CUDA context + NCCL need"
"""How `catalog.fit` starts the reason of a pool rejected for the memory outside vLLM's share."""


def _summary(model: ModelSpec, estimate: MemoryEstimate) -> str:
    sequences = "sequence" if model.concurrent_sequences == 1 else "sequences"
    return (
        f"weights {estimate.weights_gib:.2f} GiB ({estimate.weights_source}), KV cache "
        f"{estimate.kv_cache_gib:.2f} GiB ({model.concurrent_sequences} {sequences} x "
        f"{model.max_context_tokens:,} tokens, {estimate.sources['kv_cache']})"
    )


def no_fit_problem(
    name: str,
    model: ModelSpec,
    estimate: MemoryEstimate,
    fit: FitResult,
    free: FitResult | None,
    unusable: Mapping[str, str],
) -> Problem:
    """The problem for a model without options; `free` is the fit without the configured
    `tensor_parallel` (None when none is configured)."""
    where = f"models.{name}"
    considered = "; ".join(f"{pool}: {why}" for pool, why in sorted(fit.rejected.items()))
    skipped = "".join(
        f" Not usable: {pool} ({why})."
        for pool, why in sorted(unusable.items())
        if model.pool is None
    )
    multi = ""
    if fit.multi_node_possible:
        hint = ", ".join(
            f"{o.pp} nodes of {pool} (TP {o.tp} x PP {o.pp})"
            for pool, o in sorted(fit.multi_node_possible.items())
        )
        multi = (
            f" A replica fits across whole nodes: {hint}; set allow_multi_node: true "
            "(multi-node serving needs KServe's multi-node runtime)."
        )
    if model.tensor_parallel is not None and free is not None and free.options:
        fits = ", ".join(f"{o.pool} at TP {o.tp}" for o in free.options if o.pp == 1)
        return Problem(
            f"{where}.tensor_parallel",
            f"no pool holds a replica at tensor parallel {model.tensor_parallel} "
            f"({considered}); it fits {fits}",
            model.tensor_parallel,
        )
    reasons = list(fit.rejected.values())
    if reasons and all(r.startswith(OUTSIDE_SHARE) for r in reasons):
        return Problem(
            f"{where}.gpu_memory_utilization",
            f"leaves too little memory outside vLLM's share: {considered}",
            model.gpu_memory_utilization,
        )
    pools = considered or "none given"
    advice = f" {_ADVICE}" if not reasons or any(r.startswith("needs ") for r in reasons) else ""
    return Problem(
        where,
        f"no GPU pool fits one replica ({_summary(model, estimate)}). Pools considered: "
        f"{pools}.{skipped}{multi}{advice}",
    )
