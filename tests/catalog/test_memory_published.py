"""The memory model against published figures (tests/catalog/data/published_memory.yaml).

Each row is a deployment, measurement or estimate someone published (model cards, KAITO,
NVIDIA NIM, vLLM's blog and logs), with its source; the case id is the row id and a failure
prints our breakdown next to the source. A second test checks the checkpoint-size formula
against every size models.yaml records as published.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_llmops.catalog import get_gpu_model
from pulumi_llmops.catalog.fit import replica_options
from pulumi_llmops.catalog.packing import Shape
from pulumi_llmops.catalog.reference import reference_model, reference_models
from pulumi_llmops.catalog.sizing import GIB, ServingParams, estimate_memory, quant_bytes

ROWS = yaml.safe_load(
    (Path(__file__).parent / "data" / "published_memory.yaml").read_text(encoding="utf-8")
)["rows"]


def _estimate(row: dict[str, Any]):
    check = row["check"]
    params = ServingParams(
        max_model_len=check.get("max_model_len", 8192),
        concurrency=check.get("concurrency", 1),
        max_num_batched_tokens=check.get("max_num_batched_tokens"),
        max_num_seqs=check.get("max_num_seqs"),
    )
    shape = reference_model(row["model"]).shape(row["precision"])
    return estimate_memory(shape, params)


def _fits(row: dict[str, Any]) -> tuple[bool, str]:
    """Whether the whole rule (formats, heads, memory) accepts the row's deployment."""
    check = row["check"]
    gpu = get_gpu_model(check["gpu"])
    tp = check.get("tensor_parallel", 1)
    shape = Shape(row["id"], gpu.name, gpu.memory_gib, max(tp, 8))
    found = replica_options(
        _estimate(row), {row["id"]: shape}, {row["id"]: gpu}, tensor_parallel=tp
    )
    if found.options:
        return True, found.options[0].detail.need.breakdown()
    return False, found.rejected[row["id"]]


def _term(row: dict[str, Any]) -> tuple[float, str]:
    check = row["check"]
    gpu = get_gpu_model(check["gpu"])
    need = _estimate(row).need(gpu.name, gpu.memory_gib, check.get("tensor_parallel", 1))
    value = {
        "activation": need.activation_gib,
        "cuda_graph": need.cuda_graph_gib,
        "non_torch": need.non_torch_gib,
        "activation_plus_graphs": need.activation_gib + need.cuda_graph_gib,
        "total": need.total_gib,
    }[check.get("term", "total")]
    return value, need.breakdown()


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_published_figure(row: dict[str, Any]) -> None:
    check = row["check"]
    context = f"published {row['published']!r} ({row['source']}, {row['date']})"
    kind = check["kind"]
    if kind in ("fits", "not_fits"):
        fits, detail = _fits(row)
        assert fits == (kind == "fits"), f"{detail}; {context}"
    elif kind == "at_least_gib":
        value, detail = _term(row)
        assert value >= check["value"], f"{check['term']} {value:.2f} GiB: {detail}; {context}"
    elif kind == "looser_than_us":
        value, detail = _term(row)
        assert value >= check["value"], f"we need {value:.2f} GiB: {detail}; {context}"
    else:
        assert kind == "known_gap"
        value, detail = _term(row)
        assert value < check["value"], f"gap closed? {value:.2f} GiB: {detail}; {context}"
        assert check["remedy"] in ("activation_gib", "cuda_graph_gib", "non_torch_gib")


def test_every_row_has_source_date_and_a_known_model() -> None:
    kinds = {"fits", "not_fits", "at_least_gib", "looser_than_us", "known_gap"}
    for row in ROWS:
        assert row["source"] and row["date"] and row["published"], row["id"]
        assert row["check"]["kind"] in kinds, row["id"]
        assert row["model"] in reference_models(), row["id"]
    assert len(ROWS) >= 20


PUBLISHED = [
    (model.repo, fmt, gib)
    for model in reference_models().values()
    for fmt, (gib, _) in model.published_gib.items()
]


@pytest.mark.parametrize(
    ("repo", "precision", "gib"), PUBLISHED, ids=[f"{r}-{p}" for r, p, _ in PUBLISHED]
)
def test_checkpoint_formula_matches_published_sizes(repo: str, precision: str, gib: float) -> None:
    computed, how = quant_bytes(reference_model(repo).shape(precision, published=False))
    assert computed / GIB == pytest.approx(gib, rel=0.01), how


def test_at_least_fourteen_published_sizes() -> None:
    assert len(PUBLISHED) >= 14
