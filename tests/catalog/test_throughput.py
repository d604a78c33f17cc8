"""The throughput table: every row sourced and dated, the measured row as published, the
estimate rows exactly what the documented bandwidth model gives, and the interpolation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pulumi_llmops.catalog.throughput import (
    at_slo,
    best_latency,
    builtin_rows,
    precision_class,
    size_class,
    throughput_table,
)

GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "throughput_estimates.py"


def _generator():
    spec = importlib.util.spec_from_file_location("throughput_estimates", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_row_has_basis_source_and_date() -> None:
    rows = builtin_rows()
    assert len(rows) == 170
    assert {r.basis for r in rows} == {"measured", "estimate"}
    for row in rows:
        assert row.source and row.date == "2026-12-02"
        assert row.single_tpot_ms <= row.loaded_tpot_ms
        assert row.single_ttft_ms <= row.loaded_ttft_ms
        assert row.loaded_tokens_per_second > row.single_tokens_per_second


def test_the_measured_row_is_the_published_figure() -> None:
    (row,) = [r for r in builtin_rows() if r.basis == "measured"]
    assert row.key == ("H100-80GB", "fp8", "70b", 2)
    assert (row.input_tokens, row.output_tokens, row.loaded_concurrency) == (5000, 500, 25)
    assert (row.single_tpot_ms, row.single_ttft_ms) == (18.58, 406.77)
    assert (row.loaded_tpot_ms, row.loaded_ttft_ms, row.loaded_tokens_per_second) == (
        38.75,
        688.69,
        623.4,
    )
    assert row.source.startswith("NVIDIA NIM LLM benchmarking, Performance page")


def test_estimate_rows_are_the_bandwidth_model() -> None:
    generated = {
        (r["gpu"], r["precision"], r["size_class"], r["tensor_parallel"]): r
        for r in _generator().rows()
    }
    estimates = [r for r in builtin_rows() if r.basis == "estimate"]
    assert len(estimates) == len(generated) - 1  # the measured row replaces one estimate
    for row in estimates:
        g = generated[row.key]
        assert (row.single_tpot_ms, row.single_ttft_ms) == (
            g["single_stream"]["tpot_ms"],
            g["single_stream"]["ttft_ms"],
        )
        assert (row.loaded_tpot_ms, row.loaded_ttft_ms, row.loaded_tokens_per_second) == (
            g["loaded"]["tpot_ms"],
            g["loaded"]["ttft_ms"],
            g["loaded"]["output_tokens_per_second"],
        )
    # The model's prediction for the measured configuration, as the data file states.
    model = generated[("H100-80GB", "fp8", "70b", 2)]["single_stream"]
    assert model["tpot_ms"] == 17.56  # measured 18.58


@pytest.mark.parametrize(
    ("params", "klass"),
    [(0.5, "8b"), (10, "8b"), (10.1, "32b"), (35, "32b"), (80, "70b"), (80.1, None)],
)
def test_size_classes(params: float, klass: str | None) -> None:
    assert size_class(params) == klass


@pytest.mark.parametrize(
    ("precision", "column"),
    [
        ("bf16", "bf16"),
        ("fp16", "bf16"),
        ("fp8", "fp8"),
        ("int4", "int4"),
        ("gptq-int4", "int4"),
        ("int8", None),
        ("nf4", None),
        ("mxfp4", None),
    ],
)
def test_precision_columns(precision: str, column: str | None) -> None:
    assert precision_class(precision) == column


def test_at_slo_interpolates_between_the_operating_points() -> None:
    row = throughput_table()[("H100-80GB", "fp8", "70b", 2)]
    # TPOT 30 ms: (30 - 18.58) / (38.75 - 18.58) of the way to the loaded point.
    perf = at_slo(row, 30.0, None, 5000)
    assert perf is not None
    assert round(perf.load, 4) == 0.5662
    assert round(perf.tokens_per_second, 2) == 376.31
    assert round(perf.ttft_ms, 2) == 566.39
    # A TTFT bound binds first; 1000 prompt tokens scale TTFT by 1/5.
    perf = at_slo(row, 30.0, 100.0, 1000)
    assert perf is not None and round(perf.load, 4) == 0.3307 and round(perf.ttft_ms, 2) == 100.0
    # Looser than the loaded point: the loaded point, never extrapolated.
    assert at_slo(row, 100.0, 10_000.0, 5000) == best_latency(row, 5000).__class__(
        623.4, 38.75, 688.69, 1.0
    )
    assert at_slo(row, 18.0, None, 5000) is None
    assert at_slo(row, None, 400.0, 5000) is None
