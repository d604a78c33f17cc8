"""`models.<name>.slo` and `catalog.throughput`: valid specs load; each invalid one fails
with its YAML path, the value given and the rule."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import onprem_platform
from pulumi_llmops.catalog.throughput import size_classes
from pulumi_llmops.config.errors import ConfigError
from pulumi_llmops.config.platform import load_platform_config
from pulumi_llmops.config.slo import SloSpec, ThroughputRowSpec

MODEL = {"storage_uri": "hf://meta-llama/Llama-3.1-8B-Instruct", "params_billion": 8}
ROW = {
    "gpu": "l40s",
    "precision": "bf16",
    "size_class": "8b",
    "tensor_parallel": 1,
    "input_tokens": 1000,
    "output_tokens": 200,
    "single_stream": {"tpot_ms": 30, "ttft_ms": 120},
    "loaded": {"concurrency": 32, "tpot_ms": 45, "ttft_ms": 300, "output_tokens_per_second": 700},
    "source": "bench job 2026-12-01, vLLM 0.11",
    "date": "2026-12-01",
}


def problems(data: dict[str, Any]) -> list[str]:
    try:
        load_platform_config(data)
    except ConfigError as error:
        return [p.render() for p in error.problems]
    return []


def with_slo(slo: Any, **fields: Any) -> dict[str, Any]:
    return onprem_platform(models={"llama": {**MODEL, "slo": slo, **fields}})


def test_slo_loads_with_documented_defaults() -> None:
    config = load_platform_config(with_slo({"requests_per_second": 4, "tokens_per_second": 25}))
    slo = config.models["llama"].slo
    assert slo == SloSpec(requests_per_second=4, tokens_per_second=25)
    assert (slo.ttft_ms, slo.input_tokens, slo.output_tokens) == (None, 1000, 200)
    assert (slo.tpot_limit_ms, slo.output_tokens_per_second) == (40.0, 800.0)


def test_no_slo_by_default() -> None:
    assert (
        load_platform_config(onprem_platform(models={"llama": MODEL})).models["llama"].slo is None
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            with_slo({"tpot_ms": 50}),
            ["models.llama.slo.requests_per_second: required key is missing"],
        ),
        (
            with_slo({"requests_per_second": 2}),
            ["models.llama.slo: set exactly one of tpot_ms or tokens_per_second"],
        ),
        (
            with_slo({"requests_per_second": 2, "tpot_ms": 50, "tokens_per_second": 20}),
            ["models.llama.slo: set exactly one of tpot_ms or tokens_per_second"],
        ),
        (
            with_slo({"requests_per_second": 0, "tpot_ms": 50}),
            ["models.llama.slo.requests_per_second: Input should be greater than 0 (got 0)"],
        ),
        (
            with_slo({"requests_per_second": 1, "tpot_ms": 50, "ttft": 200}),
            [
                "models.llama.slo.ttft: unknown key; allowed keys: input_tokens, output_tokens, "
                "requests_per_second, tokens_per_second, tpot_ms, ttft_ms"
            ],
        ),
        (
            with_slo({"requests_per_second": 1, "tpot_ms": 50}, cpu_only=True),
            ["models.llama.slo: sizes GPU replicas; not with cpu_only: true"],
        ),
    ],
    ids=lambda value: "" if isinstance(value, list) else None,
)
def test_invalid_slo_names_path_value_and_rule(data: dict[str, Any], expected: list[str]) -> None:
    assert problems(data) == expected


def catalog(*rows: dict[str, Any]) -> dict[str, Any]:
    return onprem_platform(models={"llama": MODEL}, catalog={"throughput": list(rows)})


def test_throughput_rows_become_catalogue_rows_with_canonical_gpu() -> None:
    config = load_platform_config(catalog(ROW))
    (row,) = config.catalog.to_overrides().throughput
    assert row.key == ("L40S", "bf16", "8b", 1)
    assert (row.basis, row.source) == (
        "measured",
        "catalog.throughput: bench job 2026-12-01, vLLM 0.11",
    )
    assert (row.single_tpot_ms, row.loaded_tokens_per_second) == (30.0, 700.0)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            catalog({**ROW, "gpu": "b300"}),
            [
                "catalog.throughput.0.gpu: unknown GPU model 'b300'; known models: A100-40GB, "
                "A100-80GB, A10G, H100-80GB, H100-NVL-94GB, H200-141GB, L4, L40S, T4. Add others "
                "under `catalog.gpus` in config (memory_gib, mig_capable). (got 'b300')"
            ],
        ),
        (
            catalog(ROW, {**ROW, "gpu": "L40S", "source": "again"}),
            [
                "catalog.throughput.1: same gpu, precision, size_class and tensor_parallel as "
                "throughput.0"
            ],
        ),
        (
            catalog({**ROW, "loaded": {**ROW["loaded"], "tpot_ms": 20}}),
            [
                "catalog.throughput.0.loaded.tpot_ms: must be >= single_stream.tpot_ms (30): "
                "more requests in flight never decode faster (got 20.0)"
            ],
        ),
        (
            catalog({**ROW, "loaded": {**ROW["loaded"], "output_tokens_per_second": 20}}),
            [
                "catalog.throughput.0.loaded.output_tokens_per_second: must be >= one stream's "
                "33.3 tokens/s (got 20.0)"
            ],
        ),
        (
            catalog({**ROW, "size_class": "405b"}),
            ["catalog.throughput.0.size_class: Input should be '8b', '32b' or '70b' (got '405b')"],
        ),
        (
            catalog({**ROW, "date": "December"}),
            ["catalog.throughput.0.date: must be a date YYYY-MM or YYYY-MM-DD (got 'December')"],
        ),
    ],
    ids=lambda value: "" if isinstance(value, list) else None,
)
def test_invalid_throughput_rows(data: dict[str, Any], expected: list[str]) -> None:
    assert problems(data) == expected


def test_config_size_classes_are_the_tables() -> None:
    allowed = ThroughputRowSpec.model_fields["size_class"].annotation.__args__  # type: ignore[union-attr]
    assert tuple(size_classes()) == allowed == ("8b", "32b", "70b")
