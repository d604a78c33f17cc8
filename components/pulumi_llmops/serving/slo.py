"""SLO-driven sizing: the pool, tensor-parallel degree and replicas that meet `models.<m>.slo`
at the lowest cost, from the catalogue's throughput table (`catalog.throughput`).

For every pool whose whole GPUs hold a replica (the memory model, `catalog.fit`) and every
tensor-parallel degree from 1 to the node's GPUs (or the configured one), the table row of
the pool's GPU, the model's precision and size class gives what one replica delivers at the
highest load that keeps TPOT and TTFT within the SLO (`catalog.throughput.at_slo`);
replicas = ceil(requests/s x output tokens / that rate). The choice is the cheapest
($/hour of the replicas' GPU share of their nodes; unpriced pools after priced ones), then
fewest GPUs, then pool name and degree. Pure: no Pulumi.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..catalog.fit import replica_options
from ..catalog.packing import ReplicaOption
from ..catalog.sizing import TENSOR_PARALLEL_DEGREES, MemoryEstimate
from ..catalog.throughput import (
    Performance,
    ThroughputKey,
    ThroughputRow,
    at_slo,
    best_latency,
    precision_class,
    size_class,
)
from ..config.errors import ConfigError, Problem
from ..config.models import ModelSpec
from .pools import PoolUnit


@dataclass(frozen=True)
class SloChoice:
    """What SLO sizing chose for one model and what it expects the replicas to deliver.

    `tokens_per_second` is the output capacity of all replicas at the chosen load,
    `demand_tokens_per_second` what the SLO asks for; `usd_per_hour` the replicas' GPU share
    of their nodes (None on unpriced pools) and `usd_per_million_tokens` that cost per
    million output tokens served at the SLO's request rate.
    """

    pool: str
    gpu: str
    tensor_parallel: int
    replicas: int
    per_replica: Performance
    demand_tokens_per_second: float
    usd_per_hour: float | None
    row: ThroughputRow

    @property
    def tokens_per_second(self) -> float:
        return self.per_replica.tokens_per_second * self.replicas

    @property
    def usd_per_million_tokens(self) -> float | None:
        if self.usd_per_hour is None:
            return None
        return self.usd_per_hour / (self.demand_tokens_per_second * 3600) * 1e6


def _degrees(unit: PoolUnit, model: ModelSpec) -> tuple[int, ...]:
    shape = unit.shape
    limit = min(shape.max_tensor_parallel or shape.gpus_per_node, shape.gpus_per_node)
    degrees = tuple(d for d in TENSOR_PARALLEL_DEGREES if d <= limit)
    if model.tensor_parallel is not None:
        return (model.tensor_parallel,) if model.tensor_parallel in degrees else ()
    return degrees


def _rank(choice: SloChoice) -> tuple[Any, ...]:
    price = choice.usd_per_hour
    return (
        price is None,
        round(price, 9) if price is not None else 0.0,
        choice.replicas * choice.tensor_parallel,
        choice.pool,
        choice.tensor_parallel,
    )


def choose_slo(
    name: str,
    model: ModelSpec,
    estimate: MemoryEstimate,
    units: Mapping[str, PoolUnit],
    table: Mapping[ThroughputKey, ThroughputRow],
) -> tuple[ReplicaOption, SloChoice]:
    """The cheapest option that meets `model.slo`; `ConfigError` at `models.<name>.slo`
    naming the best achievable figure (or what is missing) when none does."""
    slo = model.slo
    assert slo is not None
    where = f"models.{name}.slo"
    precision = precision_class(model.precision)
    params = estimate.shape.total_params / 1e9
    klass = size_class(params)
    if precision is None or klass is None or estimate.shape.moe:
        what = (
            f"precision {model.precision}"
            if precision is None
            else "mixture-of-experts models"
            if estimate.shape.moe
            else f"{params:g} B parameters"
        )
        raise ConfigError(
            [
                Problem(
                    where,
                    f"the throughput table has no rows for {what} (it covers dense bf16/fp16, "
                    "fp8 and int4 models up to 80 B parameters): size on memory (remove slo)",
                )
            ]
        )
    tpot, ttft = slo.tpot_limit_ms, slo.ttft_ms
    names = [model.pool] if model.pool is not None else sorted(units)
    choices: list[tuple[SloChoice, ReplicaOption]] = []
    best: tuple[float, str, Performance, ThroughputRow] | None = None
    reasons: dict[str, str] = {}
    for pool in names:
        unit = units[pool]
        if unit.sharing != "none":
            reasons[pool] = "throughput rows are for whole GPUs, not shared ones"
            continue
        shape = unit.shape
        missing: list[int] = []
        fits = 0
        for tp in _degrees(unit, model):
            fit = replica_options(
                estimate,
                {pool: shape},
                {pool: unit.gpu},
                dtype=model.dtype,
                allow_weight_only_fp8=model.allow_weight_only_fp8,
                tensor_parallel=tp,
            )
            if not fit.options:
                continue
            fits += 1
            row = table.get((shape.gpu_model, precision, klass, tp))
            if row is None:
                missing.append(tp)
                continue
            floor = best_latency(row, slo.input_tokens)
            if best is None or (floor.tpot_ms, pool) < (best[0], best[1]):
                best = (floor.tpot_ms, f"{pool} ({shape.gpu_model}, TP {tp})", floor, row)
            perf = at_slo(row, tpot, ttft, slo.input_tokens)
            if perf is None:
                continue
            replicas = math.ceil(slo.output_tokens_per_second / perf.tokens_per_second - 1e-9)
            price = shape.usd_per_hour
            share = None if price is None else replicas * tp / shape.gpus_per_node * price
            choice = SloChoice(
                pool, shape.gpu_model, tp, replicas, perf, slo.output_tokens_per_second, share, row
            )
            choices.append((choice, fit.options[0]))
        if not fits:
            reasons[pool] = "no tensor-parallel degree holds a replica in its GPU memory"
        elif missing and not any(c.pool == pool for c, _ in choices):
            degrees = ", ".join(str(d) for d in missing)
            reasons.setdefault(
                pool, f"no throughput row for {shape.gpu_model} {precision} {klass} TP {degrees}"
            )
    if choices:
        choice, option = min(choices, key=lambda c: _rank(c[0]))
        return option, choice
    target = f"TPOT <= {tpot:g} ms" + (f", TTFT <= {ttft:g} ms" if ttft is not None else "")
    considered = "; ".join(f"{p}: {why}" for p, why in sorted(reasons.items()))
    if best is None:
        raise ConfigError(
            [
                Problem(
                    where,
                    f"no pool both holds a replica and has throughput rows for this model "
                    f"({klass} {precision}): {considered}. Add rows under catalog.throughput",
                )
            ]
        )
    _, label, floor, row = best
    raise ConfigError(
        [
            Problem(
                where,
                f"no pool meets {target} at {slo.input_tokens} prompt tokens; best achievable: "
                f"{label} with TPOT {floor.tpot_ms:.1f} ms, TTFT {floor.ttft_ms:.0f} ms for a "
                f"single stream ({row.basis}, {row.source}, {row.date})"
                + (f". Not considered: {considered}" if considered else ""),
            )
        ]
    )
