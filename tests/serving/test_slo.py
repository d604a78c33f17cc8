"""SLO sizing: the pool, TP and replicas chosen from the throughput table, exactly, and the
path-named error with the best achievable figure when no pool meets the SLO."""

from __future__ import annotations

from typing import Any

import pytest
from tests.serving.test_sizing import EKS_POOLS, LLAMA_8B, LLAMA_70B, QWEN_32B, model, units

from pulumi_llmops.catalog.throughput import ThroughputRow, throughput_table
from pulumi_llmops.config.errors import ConfigError
from pulumi_llmops.serving.report import model_rows
from pulumi_llmops.serving.sizing import plan_sizing, size_model

EKS = units(EKS_POOLS, "eks")
ESTIMATE = (
    "bandwidth model of the catalog/data/throughput.yaml header (NVIDIA datasheet HBM "
    "bandwidth and dense TFLOPS, calibrated on the NIM 1.8.0 Llama-3.3-70B H100 row), not a "
    "measurement"
)


def slo(**fields: Any) -> dict[str, Any]:
    return {"slo": fields}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        # 1,000 output tokens/s at TPOT <= 50 ms: two TP2 replicas fill one g5.12xlarge (4 A10G)
        # for $5.672/h, cheaper than five L40S replicas ($9.305) or any H100 share.
        (
            {**LLAMA_8B, **slo(requests_per_second=5, tpot_ms=50, ttft_ms=1000)},
            ("a10g4", 2, 2, 2, 1067.4, 46.84, 273.0, 5.672, 1.5756),
        ),
        # 4,000 tokens/s at 30 ms: three single-GPU H100 replicas (3/8 of a p5.48xlarge).
        (
            {**LLAMA_8B, **slo(requests_per_second=20, tpot_ms=30, ttft_ms=500)},
            ("h100", 1, 3, 3, 4469.7, 16.78, 69.0, 20.64, 1.4333),
        ),
        # A light, relaxed SLO: one A10G at full load.
        (
            {**LLAMA_8B, **slo(requests_per_second=0.5, tpot_ms=100)},
            ("a10g4", 1, 1, 1, 266.9, 93.68, 546.0, 1.418, 3.9389),
        ),
        # The configured pool is the only candidate: five L40S replicas at TPOT exactly 50 ms.
        (
            {**LLAMA_8B, "pool": "l40s", **slo(requests_per_second=5, tpot_ms=50)},
            ("l40s", 1, 5, 5, 1143.7, 50.0, 154.2, 9.305, 2.5847),
        ),
        (
            {**QWEN_32B, **slo(requests_per_second=1, tpot_ms=60)},
            ("h100", 2, 1, 1, 729.5, 34.27, 141.0, 13.76, 19.1111),
        ),
        # bf16 70B needs TP4 on H100 (memory); the fp8 checkpoint gets the measured TP2 row.
        (
            {**LLAMA_70B, **slo(requests_per_second=2, tpot_ms=50, ttft_ms=2000)},
            ("h100", 4, 1, 1, 677.9, 36.88, 151.7, 27.52, 19.1111),
        ),
        (
            {**LLAMA_70B, "precision": "fp8", **slo(requests_per_second=2, tpot_ms=50)},
            ("h100", 2, 1, 1, 623.4, 38.75, 137.7, 13.76, 9.5556),
        ),
        # More replicas configured than the SLO needs: the configured floor stands.
        (
            {
                **LLAMA_8B,
                "min_replicas": 3,
                "max_replicas": 4,
                **slo(requests_per_second=0.5, tpot_ms=100),
            },
            ("a10g4", 1, 3, 4, 266.9, 93.68, 546.0, 1.418, 3.9389),
        ),
    ],
)
def test_slo_choice(fields: dict[str, Any], expected: tuple[Any, ...]) -> None:
    sized = size_model("m", model(**fields), *EKS)
    choice = sized.slo
    assert choice is not None
    assert sized.pool_chosen_by == "slo"
    assert (
        sized.pool,
        sized.tensor_parallel,
        sized.min_replicas,
        sized.max_replicas,
        round(choice.tokens_per_second, 1),
        round(choice.per_replica.tpot_ms, 2),
        round(choice.per_replica.ttft_ms, 1),
        round(choice.usd_per_hour, 4),
        round(choice.usd_per_million_tokens, 4),
    ) == expected


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {**LLAMA_8B, "pool": "l4", **slo(requests_per_second=5, tpot_ms=50)},
            "models.m.slo: no pool meets TPOT <= 50 ms at 1000 prompt tokens; best achievable: "
            f"l4 (L4, TP 1) with TPOT 89.2 ms, TTFT 332 ms for a single stream (estimate, {ESTIMATE}, "
            "2026-12-02)",
        ),
        (
            {**LLAMA_8B, **slo(requests_per_second=5, tpot_ms=0.5, ttft_ms=100)},
            "models.m.slo: no pool meets TPOT <= 0.5 ms, TTFT <= 100 ms at 1000 prompt tokens; best "
            f"achievable: h100 (H100-80GB, TP 8) with TPOT 1.0 ms, TTFT 5 ms for a single stream "
            f"(estimate, {ESTIMATE}, 2026-12-02)",
        ),
        (
            {**LLAMA_8B, "precision": "nf4", **slo(requests_per_second=5, tpot_ms=50)},
            "models.m.slo: the throughput table has no rows for precision nf4 (it covers dense "
            "bf16/fp16, fp8 and int4 models up to 80 B parameters): size on memory (remove slo)",
        ),
        (
            {"params_billion": 120, **slo(requests_per_second=5, tpot_ms=50)},
            "models.m.slo: the throughput table has no rows for 120 B parameters (it covers dense "
            "bf16/fp16, fp8 and int4 models up to 80 B parameters): size on memory (remove slo)",
        ),
    ],
)
def test_slo_no_pool_names_the_best_achievable(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        size_model("m", model(**fields), *EKS)
    assert [p.render() for p in info.value.problems] == [message]


def test_missing_rows_are_named() -> None:
    # An fp8 checkpoint runs weight-only on A10G, which has no fp8 rows; 70B bf16 holds no
    # replica on one L4.
    fp8 = {**LLAMA_8B, "precision": "fp8", "allow_weight_only_fp8": True, "pool": "a10g4"}
    with pytest.raises(ConfigError) as info:
        size_model("m", model(**fp8, **slo(requests_per_second=1, tpot_ms=200)), *EKS)
    assert [p.render() for p in info.value.problems] == [
        "models.m.slo: no pool both holds a replica and has throughput rows for this model "
        "(8b fp8): a10g4: no throughput row for A10G fp8 8b TP 1, 2, 4. Add rows under "
        "catalog.throughput"
    ]
    with pytest.raises(ConfigError) as info:
        size_model(
            "m", model(**LLAMA_70B, pool="l4", **slo(requests_per_second=1, tpot_ms=200)), *EKS
        )
    assert [p.render() for p in info.value.problems] == [
        "models.m.slo: no pool both holds a replica and has throughput rows for this model "
        "(70b bf16): l4: no tensor-parallel degree holds a replica in its GPU memory. Add rows "
        "under catalog.throughput"
    ]


def test_a_stack_row_overrides_the_builtin_one() -> None:
    builtin = throughput_table()[("L4", "bf16", "8b", 1)]
    measured = ThroughputRow(
        **{
            **builtin.__dict__,
            "single_tpot_ms": 25.0,
            "loaded_tpot_ms": 40.0,
            "loaded_tokens_per_second": 600.0,
            "basis": "measured",
            "source": "catalog.throughput: bench",
            "date": "2026-12-01",
        }
    )
    models = {"m": model(**LLAMA_8B, **slo(requests_per_second=5, tpot_ms=50))}
    contracts, shapes = _contracts_and_shapes()
    plan = plan_sizing(models, contracts, shapes, throughput=[measured])
    sized = plan.models["m"]
    assert (sized.pool, sized.tensor_parallel, sized.min_replicas) == ("l4", 1, 2)
    (row,) = model_rows(plan.models)
    assert row.slo is not None
    assert row.to_dict()["slo"] == {
        "tpot_ms": 40.0,
        "ttft_ms": 564.1,
        "replicas": 2,
        "tensor_parallel": 1,
        "tokens_per_second": 1200.0,
        "demand_tokens_per_second": 1000.0,
        "usd_per_million_tokens": 0.4471,
        "basis": "measured",
        "source": "catalog.throughput: bench (2026-12-01)",
    }


def test_models_without_slo_report_exactly_as_before() -> None:
    contracts, shapes = _contracts_and_shapes()
    plan = plan_sizing({"m": model(**LLAMA_8B)}, contracts, shapes)
    (row,) = model_rows(plan.models)
    assert plan.models["m"].slo is None
    assert "slo" not in row.to_dict() and "pipeline_parallel" not in row.to_dict()


def _contracts_and_shapes():
    from pulumi_llmops.catalog.shape import resolve_pool
    from pulumi_llmops.cluster.contracts import pool_contract
    from pulumi_llmops.config.node_pool import GpuPoolSpec

    specs = {k: GpuPoolSpec.model_validate(v) for k, v in EKS_POOLS.items()}
    shapes = {k: resolve_pool("aws", s.machine_type, s.gpu, "us-east-1") for k, s in specs.items()}
    contracts = {k: pool_contract("eks", k, s, shapes[k]) for k, s in specs.items()}
    return contracts, shapes


def test_plan_prints_the_slo_table_only_for_slo_models() -> None:
    import io
    from types import SimpleNamespace

    from rich.console import Console, Group

    from pulumi_llmops.offline.render import slo_section

    contracts, shapes = _contracts_and_shapes()
    models = {
        "chat": model(**LLAMA_8B, **slo(requests_per_second=5, tpot_ms=50, ttft_ms=1000)),
        "plain": model(**LLAMA_8B),
    }
    rows = model_rows(plan_sizing(models, contracts, shapes).models)
    assert slo_section(SimpleNamespace(models=[r for r in rows if r.model == "plain"])) == []
    buffer = io.StringIO()
    Console(file=buffer, width=400, color_system=None).print(
        Group(*slo_section(SimpleNamespace(models=rows)))
    )
    text = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
    assert text == (
        "\n"
        "SLO sizing (expected, from the throughput table)\n"
        "model  TP  replicas  tokens/s  needed     TPOT    TTFT  $/1M tok\n"
        "chat    2         2     1,067   1,000  46.8 ms  273 ms     $1.58\n"
        "Throughput rows:\n"
        f"  chat: estimate, {ESTIMATE} (2026-12-02)"
    )
