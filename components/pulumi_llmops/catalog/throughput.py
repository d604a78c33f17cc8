"""Serving throughput per GPU model, precision, size class and TP, and what it gives at an SLO.

Data: `catalog/data/throughput.yaml` (every row with its basis, source and date; the header
documents the bandwidth model behind the `estimate` rows), plus the stack's
`catalog.throughput` rows, which replace a built-in row with the same key or add one.
A row gives two operating points of one replica: a single stream, and `loaded.concurrency`
requests in flight. Between them TPOT, TTFT and output tokens/s are interpolated linearly
in the load; beyond the loaded point nothing is extrapolated. Upstream of the figures:
https://docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance. Pure: no Pulumi.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .formats import normalize_precision
from .gpus import CatalogError, read_data_file

ThroughputKey = tuple[str, str, str, int]
"""(gpu, precision, size_class, tensor_parallel)."""

PRECISION_CLASS = {
    "bf16": "bf16",
    "fp16": "bf16",
    "fp8": "fp8",
    "awq-int4": "int4",
    "gptq-int4": "int4",
}
"""Checkpoint precision -> the table's precision column (16-bit formats decode alike)."""
TABLE_PRECISIONS = ("bf16", "fp8", "int4")
BASES = ("measured", "estimate")


@dataclass(frozen=True)
class ThroughputRow:
    """One replica's figures (ms, output tokens/s) for `input_tokens` / `output_tokens`."""

    gpu: str
    precision: str
    size_class: str
    tensor_parallel: int
    input_tokens: int
    output_tokens: int
    single_tpot_ms: float
    single_ttft_ms: float
    loaded_concurrency: int
    loaded_tpot_ms: float
    loaded_ttft_ms: float
    loaded_tokens_per_second: float
    basis: str
    source: str
    date: str

    @property
    def key(self) -> ThroughputKey:
        return (self.gpu, self.precision, self.size_class, self.tensor_parallel)

    @property
    def single_tokens_per_second(self) -> float:
        return 1000.0 / self.single_tpot_ms


@dataclass(frozen=True)
class Performance:
    """What one replica delivers at the highest load that keeps the SLO (`load` 0..1
    between the single-stream and the loaded point)."""

    tokens_per_second: float
    tpot_ms: float
    ttft_ms: float
    load: float


@functools.cache
def _data() -> dict[str, Any]:
    return read_data_file("throughput.yaml")


def size_classes() -> dict[str, float]:
    """Size class -> largest parameter count (billions) it covers, smallest first."""
    raw = _data().get("size_classes")
    if not isinstance(raw, dict) or not raw:
        raise CatalogError("catalogue data throughput.yaml: `size_classes` must be a mapping")
    classes = {str(k): float(v["max_params_billion"]) for k, v in raw.items()}
    return dict(sorted(classes.items(), key=lambda kv: kv[1]))


def size_class(params_billion: float) -> str | None:
    """The smallest class covering `params_billion`, or None above the largest."""
    for name, largest in size_classes().items():
        if params_billion <= largest:
            return name
    return None


def precision_class(precision: str) -> str | None:
    """The table's precision column for a checkpoint precision (None: not in the table)."""
    return PRECISION_CLASS.get(normalize_precision(precision))


def _row(index: int, raw: Any, sources: Mapping[str, str]) -> ThroughputRow:
    where = f"catalogue data throughput.yaml: rows.{index}"
    try:
        single, loaded = raw["single_stream"], raw["loaded"]
        source = str(raw["source"])
        row = ThroughputRow(
            gpu=str(raw["gpu"]),
            precision=str(raw["precision"]),
            size_class=str(raw["size_class"]),
            tensor_parallel=int(raw["tensor_parallel"]),
            input_tokens=int(raw["input_tokens"]),
            output_tokens=int(raw["output_tokens"]),
            single_tpot_ms=float(single["tpot_ms"]),
            single_ttft_ms=float(single["ttft_ms"]),
            loaded_concurrency=int(loaded["concurrency"]),
            loaded_tpot_ms=float(loaded["tpot_ms"]),
            loaded_ttft_ms=float(loaded["ttft_ms"]),
            loaded_tokens_per_second=float(loaded["output_tokens_per_second"]),
            basis=str(raw["basis"]),
            source=sources.get(source, source),
            date=str(raw["date"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"{where}: missing or invalid field ({exc})") from None
    if row.basis not in BASES or row.precision not in TABLE_PRECISIONS:
        raise CatalogError(f"{where}: basis must be measured or estimate, precision bf16/fp8/int4")
    return row


@functools.cache
def builtin_rows() -> tuple[ThroughputRow, ...]:
    """The shipped table, in file order; each key once."""
    data = _data()
    sources = {str(k): " ".join(str(v).split()) for k, v in (data.get("sources") or {}).items()}
    rows = tuple(_row(i, raw, sources) for i, raw in enumerate(data.get("rows") or []))
    keys = [r.key for r in rows]
    if len(set(keys)) != len(keys):
        raise CatalogError("catalogue data throughput.yaml: a row key appears twice")
    return rows


def throughput_table(overrides: Iterable[ThroughputRow] = ()) -> dict[ThroughputKey, ThroughputRow]:
    """Built-in rows by key, with `overrides` (the stack's rows) replacing or adding."""
    table = {row.key: row for row in builtin_rows()}
    for row in overrides:
        table[row.key] = row
    return table


def _at(row: ThroughputRow, load: float, ttft_scale: float) -> Performance:
    def mix(a: float, b: float) -> float:
        return a + load * (b - a)

    return Performance(
        tokens_per_second=mix(row.single_tokens_per_second, row.loaded_tokens_per_second),
        tpot_ms=mix(row.single_tpot_ms, row.loaded_tpot_ms),
        ttft_ms=mix(row.single_ttft_ms, row.loaded_ttft_ms) * ttft_scale,
        load=load,
    )


def best_latency(row: ThroughputRow, input_tokens: int) -> Performance:
    """The row's single-stream figures: the lowest TPOT and TTFT one replica reaches."""
    return _at(row, 0.0, input_tokens / row.input_tokens)


def at_slo(
    row: ThroughputRow, tpot_ms: float | None, ttft_ms: float | None, input_tokens: int
) -> Performance | None:
    """The highest load (0..1) at which the row keeps TPOT <= `tpot_ms` and TTFT <=
    `ttft_ms` (None: unconstrained), TTFT scaled by `input_tokens` / the row's (prefill is
    linear in prompt tokens); None when even a single stream misses the SLO."""
    scale = input_tokens / row.input_tokens
    load = 1.0
    for limit, low, high in (
        (tpot_ms, row.single_tpot_ms, row.loaded_tpot_ms),
        (ttft_ms, row.single_ttft_ms * scale, row.loaded_ttft_ms * scale),
    ):
        if limit is None:
            continue
        if low > limit:
            return None
        if high > limit:
            load = min(load, (limit - low) / (high - low))
    return _at(row, load, scale)
