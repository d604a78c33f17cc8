"""An independent re-check of a placement against the memory model's published formulas.

The sizing benchmark places each model with `pulumi_llmops.catalog` and then recomputes,
here, every term of one GPU of each placed replica straight from the reference model's row
(catalog/data/models.yaml) and the GPU's catalogue memory, with the formulas of docs/serving.md
written out again rather than called. A placement passes when that recomputed need fits the
usable share and the CUDA context (+ NCCL) fits outside it. It catches wiring mistakes: a
replica on the wrong GPU, a TP or PP that is not the one checked, a term left out.
"""

from __future__ import annotations

import math
from typing import Any

GIB = 2**30
BYTES = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "awq-int4": 0.51953, "mxfp4": 0.53125}


def _weights_gib(row: dict[str, Any], precision: str) -> float:
    published = (row["checkpoints"].get(precision) or {}).get("published_gib")
    if published is not None:
        return published
    arch = row["architecture"]
    kept = arch["vocab_size"] * arch["hidden_size"] * (1 if arch["tie_word_embeddings"] else 2)
    if precision == "mxfp4":
        heads, kv, hd = arch["num_attention_heads"], arch["num_kv_heads"], arch["head_dim"]
        kept += arch["num_layers"] * arch["hidden_size"] * hd * (2 * heads + 2 * kv)
    if BYTES[precision] == 2.0:
        return row["params"] * 2 / GIB
    return ((row["params"] - kept) * BYTES[precision] + kept * 2) / GIB


def need_gib(
    row: dict[str, Any],
    precision: str,
    gpu: str,
    gpu_gib: float,
    tp: int,
    pp: int,
    context: int,
    sequences: int,
) -> tuple[float, float]:
    """(need inside vLLM's share, need outside it) in GiB on one GPU of the replica."""
    arch = row["architecture"]
    layers = arch["num_layers"]
    large = gpu_gib >= 70 and "A100" not in gpu
    batch, seqs = (8192, 1024) if large else (2048, 256)
    # Weights: even TP split; with PP the largest stage has ceil(L/PP) layers + one end.
    weights = _weights_gib(row, precision)
    if pp > 1:
        # Each end stage holds one vocab x hidden matrix (embeddings or lm_head, 16-bit); the
        # checkpoint holds one of them when tied, two otherwise.
        matrix = arch["vocab_size"] * arch["hidden_size"] * 2 / GIB
        stored = matrix if arch["tie_word_embeddings"] else 2 * matrix
        body = weights - min(stored, weights)
        weights = body * math.ceil(layers / pp) / layers + matrix
    weights /= tp
    # KV cache: whole 16-token blocks; window layers hold window - 1 + one batch (+1 block).
    if arch["attention"] == "mla":
        per_layer, share = (arch.get("kv_lora_rank", 512) + arch.get("qk_rope_head_dim", 64)) * 2, 1
    else:
        kv = arch["num_kv_heads"]
        per_layer, share = 2 * kv * arch["head_dim"] * 2, math.ceil(kv / tp) / kv
    window = arch.get("window") or {}
    window_layers = window.get("layers", 0)
    full_tokens = math.ceil(context / 16) * 16
    tokens = math.ceil((layers - window_layers) / pp) * full_tokens
    if window_layers:
        held = min(window["tokens"] - 1 + batch, context)
        tokens += math.ceil(window_layers / pp) * (math.ceil(held / 16) + 1) * 16
    kv_gib = per_layer * share * tokens * sequences / GIB
    # Activation peak: MLP (gate/up of the widest of dense and routed + shared experts) and
    # fp32 logits + probs of the sampler warm-up, at vLLM's batching defaults.
    hidden = arch["hidden_size"]
    inter = arch.get("intermediate_size") or 4 * hidden
    moe = arch.get("moe")
    if moe:
        inter = max(
            arch.get("intermediate_size") or 0,
            (moe["top_k"] + moe.get("shared", 0)) * moe["intermediate_size"],
        )
    peak = batch * (4 * inter / tp + 4 * hidden) * 2 + min(seqs, batch) * arch["vocab_size"] * 8
    activation = max(peak / GIB, 0.5)
    graphs = (
        1.5 if moe and row["params"] >= 100e9 else (1.0 if moe or row["params"] >= 20e9 else 0.5)
    )
    inside = weights + kv_gib + activation + graphs + 0.4
    outside = 0.5 + (0.5 if tp * pp > 1 else 0)
    return inside, outside


def fits(
    row: dict[str, Any],
    precision: str,
    gpu: str,
    gpu_gib: float,
    tp: int,
    pp: int,
    context: int,
    sequences: int,
    utilization: float = 0.9,
) -> bool:
    inside, outside = need_gib(row, precision, gpu, gpu_gib, tp, pp, context, sequences)
    return inside <= gpu_gib * utilization + 1e-9 and outside <= gpu_gib * (1 - utilization) + 1e-9
