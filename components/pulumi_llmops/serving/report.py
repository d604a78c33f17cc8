"""Per-model rows of the offline plan: memory needed, pool, GPUs per replica, $/hour. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .sizing import ModelSizing


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
                gpus_per_replica=s.tensor_parallel,
                min_replicas=s.min_replicas,
                max_replicas=s.max_replicas,
                usd_per_hour_min=_money(s.usd_per_hour_min),
                usd_per_hour_max=_money(s.usd_per_hour_max),
            )
        )
    return rows


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
