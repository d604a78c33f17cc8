"""GPU sizing glue: models + pool contracts -> pool and GPUs per replica per model.

Pure functions, no Pulumi. Memory per replica comes from `catalog.sizing.estimate_memory`;
the pool is the one the model names or, by default, the cheapest configured pool that fits
(`catalog.sizing.choose_pool`). Sizing runs on the config alone, before anything registers,
so a model that fits nowhere is a `ConfigError` at `models.<name>`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..catalog.shape import PoolShape
from ..catalog.sizing import (
    MemoryEstimate,
    NoPoolFitsError,
    PoolCandidate,
    choose_pool,
    estimate_memory,
    max_tensor_parallel,
)
from ..cluster.contracts import GpuPoolContract
from ..config.errors import ConfigError, Problem
from ..config.models import ModelSpec

CPU_ONLY_MAX_WEIGHTS_GIB = 8.0
"""Largest model (weights) served on CPU: bigger ones are too slow to be useful."""


@dataclass(frozen=True)
class PoolUnit:
    """What one model replica can be given on a pool: a schedulable GPU unit and its price.

    For whole GPUs `candidate.gpus_per_node` is the GPU count (tensor parallel up to it);
    a MIG slice or a time slice is one unit with no tensor parallelism across units.
    `gpu_memory_utilization_scale` scales vLLM's share of the GPU (1 / slots for time
    slicing, where replicas share one GPU's memory without isolation).
    """

    candidate: PoolCandidate
    sharing: str
    mig_profile: str | None = None
    gpu_memory_utilization_scale: float = 1.0


@dataclass(frozen=True)
class ModelSizing:
    """How one model is served: pool, GPUs per replica and the replica's hourly price."""

    model: str
    cpu_only: bool
    estimate: MemoryEstimate
    pool: str | None
    pool_chosen_by: str
    tensor_parallel: int
    gpu_memory_utilization: float
    usd_per_hour_per_replica: float | None
    min_replicas: int
    max_replicas: int
    mig_profile: str | None = None
    gpu: str | None = None

    @property
    def needed_gib(self) -> float:
        """Memory one replica needs on one GPU (TP 1), in GiB."""
        return self.estimate.total_gib

    @property
    def per_gpu_gib(self) -> float:
        """Memory each GPU needs at the chosen tensor-parallel degree."""
        return self.estimate.per_gpu_gib(max(self.tensor_parallel, 1))

    @property
    def usd_per_hour_min(self) -> float | None:
        price = self.usd_per_hour_per_replica
        return None if price is None else price * self.min_replicas

    @property
    def usd_per_hour_max(self) -> float | None:
        price = self.usd_per_hour_per_replica
        return None if price is None else price * self.max_replicas


def pool_units(
    contracts: Mapping[str, GpuPoolContract], shapes: Mapping[str, PoolShape]
) -> tuple[dict[str, PoolUnit], dict[str, str]]:
    """(pool -> unit a replica can use, pool -> why models cannot use it).

    `contracts` and `shapes` are keyed by pool name (the bundle's `PlatformPlan` has both);
    a pool's node price is its shape's.
    """
    units: dict[str, PoolUnit] = {}
    unusable: dict[str, str] = {}
    for name, contract in sorted(contracts.items()):
        model, count, memory = contract.gpu_model, contract.gpus_per_node, contract.gpu_memory_gib
        if model is None or count is None:
            unusable[name] = "its GPU model and count are unknown: declare gpu: {model, count}"
            continue
        if memory is None:
            unusable[name] = (
                f"the memory of GPU model {model!r} is unknown: declare gpu.memory_gib or add "
                "the model under catalog.gpus"
            )
            continue
        if contract.sharing == "mig-mixed":
            unusable[name] = (
                "MIG all-balanced mixes slice sizes, so the pool has no single GPU resource"
            )
            continue
        node_price = shapes[name].usd_per_hour if name in shapes else None
        slots = contract.schedulable_gpus_per_node or count
        unit_price = None if node_price is None else node_price / slots
        if contract.sharing == "none":
            candidate = PoolCandidate(name, model, memory, count, node_price)
            units[name] = PoolUnit(candidate, "none")
        elif contract.sharing == "mig-single":
            slice_name = contract.mig_slice
            unit_memory = contract.memory_per_schedulable_gpu_gib or memory
            candidate = PoolCandidate(name, f"{model} MIG {slice_name}", unit_memory, 1, unit_price)
            units[name] = PoolUnit(candidate, "mig-single", mig_profile=slice_name)
        else:
            replicas = contract.slots_per_gpu
            candidate = PoolCandidate(
                name, f"{model} time-slice 1/{replicas}", memory / replicas, 1, unit_price
            )
            units[name] = PoolUnit(candidate, "time-slicing", None, 1 / replicas)
    return units, unusable


def estimate_for(model: ModelSpec) -> MemoryEstimate:
    """The catalogue's memory estimate of one replica of `model`."""
    arch = model.architecture
    return estimate_memory(
        params_billion=model.params_billion,
        weights_gb=model.weights_gb,
        precision=model.precision,
        num_layers=arch.num_layers if arch else None,
        num_kv_heads=arch.num_kv_heads if arch else None,
        head_dim=arch.head_dim if arch else None,
        max_context_tokens=model.max_context_tokens,
        concurrent_sequences=model.concurrent_sequences,
        gpu_memory_utilization=model.gpu_memory_utilization,
    )


def size_model(
    name: str,
    model: ModelSpec,
    units: Mapping[str, PoolUnit],
    unusable: Mapping[str, str],
) -> ModelSizing:
    """Size one model; raise `ConfigError` (paths `models.<name>...`) when it cannot be placed."""
    where = f"models.{name}"
    estimate = estimate_for(model)
    common: dict[str, Any] = {
        "model": name,
        "estimate": estimate,
        "min_replicas": model.min_replicas,
        "max_replicas": model.max_replicas,
    }
    if model.cpu_only:
        if estimate.weights_gib > CPU_ONLY_MAX_WEIGHTS_GIB:
            raise ConfigError(
                [
                    Problem(
                        f"{where}.cpu_only",
                        f"weights are {estimate.weights_gib:.1f} GiB; CPU serving is for models "
                        f"up to {CPU_ONLY_MAX_WEIGHTS_GIB:g} GiB of weights: use a GPU pool",
                        True,
                    )
                ]
            )
        return ModelSizing(
            cpu_only=True,
            pool=None,
            pool_chosen_by="cpu_only",
            tensor_parallel=0,
            gpu_memory_utilization=model.gpu_memory_utilization,
            usd_per_hour_per_replica=None,
            **common,
        )
    if model.pool is not None and model.pool in unusable:
        raise ConfigError(
            [
                Problem(
                    f"{where}.pool",
                    f"models cannot use this pool: {unusable[model.pool]}",
                    model.pool,
                )
            ]
        )
    names = [model.pool] if model.pool is not None else sorted(units)
    candidates = [units[n].candidate for n in names]
    try:
        choice = choose_pool(estimate, candidates)
    except NoPoolFitsError as exc:
        skipped = (
            ""
            if model.pool is not None
            else "".join(
                f" Not usable: {pool} ({reason})." for pool, reason in sorted(unusable.items())
            )
        )
        raise ConfigError([Problem(where, str(exc) + skipped)]) from None
    unit = units[choice.pool.name]
    degree = choice.tensor_parallel
    price = choice.usd_per_hour_per_replica
    if model.tensor_parallel is not None:
        limit = max_tensor_parallel(unit.candidate.gpus_per_node)
        if model.tensor_parallel > limit or model.tensor_parallel < degree:
            raise ConfigError(
                [
                    Problem(
                        f"{where}.tensor_parallel",
                        f"pool {unit.candidate.name} allows {degree} to {limit} GPUs per replica "
                        f"for this model ({estimate.total_gib:.1f} GiB at TP 1, "
                        f"{unit.candidate.gpu_memory_gib:.1f} GiB per GPU)",
                        model.tensor_parallel,
                    )
                ]
            )
        degree = model.tensor_parallel
        if unit.candidate.usd_per_hour is not None:
            price = degree * unit.candidate.usd_per_hour / unit.candidate.gpus_per_node
    return ModelSizing(
        cpu_only=False,
        pool=unit.candidate.name,
        pool_chosen_by=_chosen_by(model, price),
        tensor_parallel=degree,
        gpu_memory_utilization=round(
            model.gpu_memory_utilization * unit.gpu_memory_utilization_scale, 4
        ),
        usd_per_hour_per_replica=price,
        mig_profile=unit.mig_profile,
        gpu=unit.candidate.gpu_model,
        **common,
    )


def _chosen_by(model: ModelSpec, price: float | None) -> str:
    if model.pool is not None:
        return "config"
    # choose_pool ranks unpriced pools by GPUs per replica, then name.
    return "cheapest" if price is not None else "unpriced"


def size_models(
    models: Mapping[str, ModelSpec],
    contracts: Mapping[str, GpuPoolContract],
    shapes: Mapping[str, PoolShape],
) -> dict[str, ModelSizing]:
    """Size every model; one `ConfigError` lists every model that cannot be placed."""
    if not models:
        return {}
    units, unusable = pool_units(contracts, shapes)
    sized: dict[str, ModelSizing] = {}
    problems: list[Problem] = []
    for name, model in sorted(models.items()):
        try:
            sized[name] = size_model(name, model, units, unusable)
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems, "llmops:platform")
    return sized


def cache_size_gib(estimate: MemoryEstimate) -> int:
    """Cache volume share of one model: its weights plus 10% (tokenizer, configs), whole GiB."""
    return max(1, math.ceil(estimate.weights_gib * 1.1))
