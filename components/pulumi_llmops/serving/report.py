"""Per-model rows of the offline plan: memory needed, pool, GPUs per replica, $/hour. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .sizing import ModelSizing
from .slo import SloChoice


@dataclass(frozen=True)
class SloRow:
    """What an SLO-sized model is expected to deliver (`llmops plan`'s SLO table)."""

    tpot_ms: float
    ttft_ms: float
    replicas: int
    tensor_parallel: int
    tokens_per_second: float
    demand_tokens_per_second: float
    usd_per_million_tokens: float | None
    basis: str
    source: str


def slo_row(choice: SloChoice) -> SloRow:
    """The expected figures of `choice`, rounded so plans diff cleanly."""
    return SloRow(
        tpot_ms=round(choice.per_replica.tpot_ms, 2),
        ttft_ms=round(choice.per_replica.ttft_ms, 1),
        replicas=choice.replicas,
        tensor_parallel=choice.tensor_parallel,
        tokens_per_second=round(choice.tokens_per_second, 1),
        demand_tokens_per_second=round(choice.demand_tokens_per_second, 1),
        usd_per_million_tokens=_money(choice.usd_per_million_tokens),
        basis=choice.row.basis,
        source=f"{choice.row.source} ({choice.row.date})",
    )


@dataclass(frozen=True)
class ModelRow:
    """One served model as `llmops plan` reports it (prices None when the pool is unpriced)."""

    model: str
    memory_needed_gib: float
    per_gpu_gib: float | None
    kv_cache_estimated: bool
    pool: str
    gpu: str
    chosen_by: str
    gpus_per_replica: int
    min_replicas: int
    max_replicas: int
    usd_per_hour_min: float | None
    usd_per_hour_max: float | None
    slo: SloRow | None = None
    pipeline_parallel: int = 1

    def to_dict(self) -> dict[str, Any]:
        """JSON form; `slo` and `pipeline_parallel` only when the model has them."""
        data = asdict(self)
        if self.slo is None:
            data.pop("slo")
        if self.pipeline_parallel == 1:
            data.pop("pipeline_parallel")
        return data


def model_rows(sizing: Mapping[str, ModelSizing]) -> list[ModelRow]:
    """Rows sorted by model name; figures rounded to 2 decimals so plans diff cleanly."""
    rows = []
    for name, s in sorted(sizing.items()):
        rows.append(
            ModelRow(
                model=name,
                memory_needed_gib=round(s.needed_gib, 2),
                per_gpu_gib=None if s.cpu_only else round(s.per_gpu_gib, 2),
                kv_cache_estimated=s.estimate.kv_cache_estimated,
                pool=s.pool or "cpu",
                gpu=s.gpu or "cpu",
                chosen_by=s.pool_chosen_by,
                gpus_per_replica=s.tensor_parallel * s.pipeline_parallel,
                min_replicas=s.min_replicas,
                max_replicas=s.max_replicas,
                usd_per_hour_min=_money(s.usd_per_hour_min),
                usd_per_hour_max=_money(s.usd_per_hour_max),
                slo=None if s.slo is None else slo_row(s.slo),
                pipeline_parallel=s.pipeline_parallel,
            )
        )
    return rows


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
