"""GPU sizing glue: models + pool contracts -> pool, TP x PP, runtime dtype and billed cost.

Pure functions, no Pulumi. Each model's memory comes from `catalog.sizing.estimate_memory`
(vLLM's own accounting), the pools that can hold one replica from `catalog.fit`, and the
pool of every model from `catalog.packing.place`: the cheapest placement of all models'
replicas on whole nodes (a model's configured `pool`/`tensor_parallel` is its only option).
Sizing runs on the config alone, before anything registers, so a model that fits nowhere is
a `ConfigError` at `models.<name>`. `plan_sizing` also returns what the bill sees per pool:
nodes, $/hour and $/month at min and max replicas, spot beside on-demand, GPU utilisation
and idle cost (`PoolCost`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..catalog.fit import Fit, replica_options
from ..catalog.formats import normalize_precision
from ..catalog.packing import Demand, Placement, Shape
from ..catalog.placement import place
from ..catalog.pricing import HOURS_PER_MONTH
from ..catalog.shape import PoolShape
from ..catalog.sizing import (
    QUANT_BYTES,
    GpuNeed,
    MemoryEstimate,
    MemoryOverrides,
    ModelShape,
    ServingParams,
    estimate_memory,
)
from ..catalog.throughput import ThroughputKey, ThroughputRow, throughput_table
from ..cluster.contracts import GpuPoolContract
from ..config.errors import ConfigError, Problem
from ..config.models import ModelSpec
from .costs import PoolCost, pool_costs
from .multinode import eligible_options
from .no_fit import no_fit_problem
from .pools import PoolUnit, pool_units
from .slo import SloChoice, choose_slo

CPU_ONLY_MAX_WEIGHTS_GIB = 8.0
"""Largest model (weights) served on CPU: bigger ones are too slow to be useful."""


@dataclass(frozen=True)
class ModelSizing:
    """How one model is served: pool, GPUs per replica (`tensor_parallel` on each of
    `pipeline_parallel` nodes), the vLLM arguments the memory model assumed, and its share of
    the bill (`usd_per_hour_per_replica`: its GPUs x node price / GPUs per node)."""

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
    pipeline_parallel: int = 1
    need: GpuNeed | None = None
    tp1_gib: float | None = None
    runtime_dtype: str | None = None
    dtype_arg: str | None = None
    kernel: str | None = None
    spot_usd_per_hour_per_replica: float | None = None
    slo: SloChoice | None = None

    @property
    def needed_gib(self) -> float:
        """Memory one replica needs on one GPU of its pool (TP 1), in GiB."""
        return self.tp1_gib if self.tp1_gib is not None else self.estimate.weights_gib

    @property
    def per_gpu_gib(self) -> float:
        """Memory each GPU needs at the chosen TP x PP (inside vLLM's share)."""
        return self.need.total_gib if self.need is not None else 0.0

    @property
    def multi_node(self) -> bool:
        return self.pipeline_parallel > 1

    @property
    def gpus_per_replica(self) -> int:
        return self.tensor_parallel * self.pipeline_parallel

    @property
    def usd_per_hour_min(self) -> float | None:
        price = self.usd_per_hour_per_replica
        return None if price is None else price * self.min_replicas

    @property
    def usd_per_hour_max(self) -> float | None:
        price = self.usd_per_hour_per_replica
        return None if price is None else price * self.max_replicas

    @property
    def monthly_cost_min_usd(self) -> float | None:
        hourly = self.usd_per_hour_min
        return None if hourly is None else hourly * HOURS_PER_MONTH

    @property
    def monthly_cost_max_usd(self) -> float | None:
        hourly = self.usd_per_hour_max
        return None if hourly is None else hourly * HOURS_PER_MONTH


@dataclass(frozen=True)
class SizingPlan:
    """Every model's sizing, the placement behind it and each pool's cost (pure data)."""

    models: Mapping[str, ModelSizing]
    pools: Mapping[str, PoolCost] = field(default_factory=dict)
    placement: Placement | None = None
    shapes: Mapping[str, Shape] = field(default_factory=dict)


def model_shape(model: ModelSpec) -> ModelShape:
    """The catalogue's view of a model spec's checkpoint."""
    arch = model.architecture
    params = model.params_billion * 1e9 if model.params_billion is not None else None
    weights = model.weights_gb * 1e9 if model.weights_gb is not None else None
    if params is None:
        # Only the checkpoint size is known: the parameter count it implies sets just the
        # CUDA-graph tier and the 16-bit share.
        params = weights / QUANT_BYTES[normalize_precision(model.precision)]  # type: ignore[operator]
    fields: dict[str, Any] = {}
    if arch is not None:
        fields = arch.model_dump(exclude={"window", "moe"})
        if arch.window is not None:
            fields |= {"window_layers": arch.window.layers, "window_tokens": arch.window.tokens}
        if arch.moe is not None:
            fields |= {
                "moe_experts": arch.moe.experts,
                "moe_top_k": arch.moe.top_k,
                "moe_intermediate_size": arch.moe.intermediate_size,
                "moe_shared_experts": arch.moe.shared,
            }
    return ModelShape(
        total_params=params, precision=model.precision, weights_bytes=weights, **fields
    )


def estimate_for(model: ModelSpec) -> MemoryEstimate:
    """The catalogue's memory model of one replica of `model`."""
    memory = model.memory
    return estimate_memory(
        model_shape(model),
        ServingParams(
            max_model_len=model.max_context_tokens,
            concurrency=model.concurrent_sequences,
            gpu_memory_utilization=model.gpu_memory_utilization,
            max_num_seqs=model.max_num_seqs,
            max_num_batched_tokens=model.max_num_batched_tokens,
            kv_cache_dtype=model.kv_cache_dtype,
            enforce_eager=model.enforce_eager,
            activation_dtype="fp32" if model.precision == "fp32" else "bf16",
        ),
        MemoryOverrides(
            activation_gib=memory.activation_gib,
            cuda_graph_gib=memory.cuda_graph_gib,
            non_torch_gib=memory.non_torch_gib,
            cuda_context_gib=memory.cuda_context_gib,
            nccl_gib=memory.nccl_gib,
        ),
    )


def _demand(
    name: str,
    model: ModelSpec,
    estimate: MemoryEstimate,
    units: Mapping[str, PoolUnit],
    unusable: Mapping[str, str],
    table: Mapping[ThroughputKey, ThroughputRow] | None = None,
) -> tuple[Demand, SloChoice | None]:
    """The model's replica options (one, with its replica count, for an SLO model) and its
    SLO choice; `ConfigError` naming why each pool was rejected."""
    where = f"models.{name}"
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
    if model.slo is not None:
        usable = {n: u for n, u in units.items() if n not in unusable}
        option, choice = choose_slo(name, model, estimate, usable, table or throughput_table())
        low = max(model.min_replicas, choice.replicas)
        return Demand(name, (option,), low, max(model.max_replicas, low)), choice
    names = [model.pool] if model.pool is not None else sorted(units)
    kwargs: dict[str, Any] = {
        "dtype": model.dtype,
        "allow_weight_only_fp8": model.allow_weight_only_fp8,
        "multi_node": "fallback" if model.allow_multi_node else "never",
    }
    shapes = {n: units[n].shape for n in names}
    gpus = {n: units[n].gpu for n in names}
    fit = replica_options(estimate, shapes, gpus, tensor_parallel=model.tensor_parallel, **kwargs)
    if not fit.options:
        free = None
        if model.tensor_parallel is not None:
            free = replica_options(estimate, shapes, gpus, **kwargs)
        raise ConfigError([no_fit_problem(name, model, estimate, fit, free, unusable)])
    options, problem = eligible_options(name, fit.options, units)
    if problem is not None:
        raise ConfigError([problem])
    return Demand(name, options, model.min_replicas, model.max_replicas), None


def _cpu_sizing(name: str, model: ModelSpec, estimate: MemoryEstimate) -> ModelSizing:
    if estimate.weights_gib > CPU_ONLY_MAX_WEIGHTS_GIB:
        raise ConfigError(
            [
                Problem(
                    f"models.{name}.cpu_only",
                    f"weights are {estimate.weights_gib:.1f} GiB; CPU serving is for models "
                    f"up to {CPU_ONLY_MAX_WEIGHTS_GIB:g} GiB of weights: use a GPU pool",
                    True,
                )
            ]
        )
    return ModelSizing(
        model=name,
        cpu_only=True,
        estimate=estimate,
        pool=None,
        pool_chosen_by="cpu_only",
        tensor_parallel=0,
        gpu_memory_utilization=model.gpu_memory_utilization,
        usd_per_hour_per_replica=None,
        min_replicas=model.min_replicas,
        max_replicas=model.max_replicas,
        dtype_arg={"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}.get(
            model.precision, "auto"
        ),
    )


def _gpu_sizing(
    name: str,
    model: ModelSpec,
    estimate: MemoryEstimate,
    unit: PoolUnit,
    placement: Placement,
    demand: Demand,
    slo: SloChoice | None = None,
) -> ModelSizing:
    option = placement.assignment[name]
    fit: Fit = option.detail
    shape = unit.shape
    share = option.gpus / shape.gpus_per_node
    price, spot = shape.usd_per_hour, shape.spot_usd_per_hour
    chosen = "config" if model.pool is not None else ("cheapest" if price else "unpriced")
    if slo is not None:
        chosen = "slo"
    return ModelSizing(
        model=name,
        cpu_only=False,
        estimate=estimate,
        pool=option.pool,
        pool_chosen_by=chosen,
        tensor_parallel=option.tp,
        pipeline_parallel=option.pp,
        gpu_memory_utilization=round(
            model.gpu_memory_utilization * unit.gpu_memory_utilization_scale, 4
        ),
        usd_per_hour_per_replica=None if price is None else share * price,
        spot_usd_per_hour_per_replica=None if spot is None else share * spot,
        min_replicas=demand.min_replicas,
        max_replicas=demand.max_replicas,
        mig_profile=unit.mig_profile,
        gpu=shape.gpu_model,
        need=fit.need,
        tp1_gib=estimate.need(shape.gpu_model, shape.gpu_memory_gib).total_gib,
        runtime_dtype=fit.format.runtime_dtype,
        dtype_arg=fit.format.dtype_arg,
        kernel=fit.format.kernel,
        slo=slo,
    )


def size_model(
    name: str,
    model: ModelSpec,
    units: Mapping[str, PoolUnit],
    unusable: Mapping[str, str],
) -> ModelSizing:
    """Size one model on its own (placement of its replicas alone); `ConfigError` at
    `models.<name>...` when it cannot be placed."""
    estimate = estimate_for(model)
    if model.cpu_only:
        return _cpu_sizing(name, model, estimate)
    demand, slo = _demand(name, model, estimate, units, unusable)
    placement = place([demand], {n: u.shape for n, u in units.items()})
    unit = units[placement.assignment[name].pool]
    return _gpu_sizing(name, model, estimate, unit, placement, demand, slo)


def plan_sizing(
    models: Mapping[str, ModelSpec],
    contracts: Mapping[str, GpuPoolContract],
    shapes: Mapping[str, PoolShape],
    *,
    throughput: Iterable[ThroughputRow] = (),
) -> SizingPlan:
    """Size every model and place them all; one `ConfigError` lists every model that cannot
    be placed (paths `models.<name>...`). `throughput`: the stack's `catalog.throughput`
    rows over the built-in table (models with an `slo`)."""
    if not models:
        return SizingPlan({})
    units, unusable = pool_units(contracts, shapes)
    sized: dict[str, ModelSizing] = {}
    estimates: dict[str, MemoryEstimate] = {}
    demands: list[Demand] = []
    slos: dict[str, SloChoice] = {}
    problems: list[Problem] = []
    table = throughput_table(throughput) if any(m.slo for m in models.values()) else None
    for name, model in sorted(models.items()):
        try:
            estimate = estimate_for(model)
            if model.cpu_only:
                sized[name] = _cpu_sizing(name, model, estimate)
            else:
                estimates[name] = estimate
                demand, slo = _demand(name, model, estimate, units, unusable, table)
                demands.append(demand)
                if slo is not None:
                    slos[name] = slo
        except ConfigError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ConfigError(problems, "llmops:platform")
    unit_shapes = {name: unit.shape for name, unit in units.items()}
    placement = place(demands, unit_shapes) if demands else None
    if placement is not None:
        by_model = {d.model: d for d in demands}
        for name, option in placement.assignment.items():
            sized[name] = _gpu_sizing(
                name,
                models[name],
                estimates[name],
                units[option.pool],
                placement,
                by_model[name],
                slos.get(name),
            )
    return SizingPlan(
        models=dict(sorted(sized.items())),
        pools=pool_costs(unit_shapes, placement),
        placement=placement,
        shapes=unit_shapes,
    )


def size_models(
    models: Mapping[str, ModelSpec],
    contracts: Mapping[str, GpuPoolContract],
    shapes: Mapping[str, PoolShape],
) -> dict[str, ModelSizing]:
    """Size every model (see `plan_sizing`): model -> its sizing."""
    return dict(plan_sizing(models, contracts, shapes).models)


def cache_size_gib(estimate: MemoryEstimate) -> int:
    """Cache volume share of one model: its weights plus 10% (tokenizer, configs), whole GiB."""
    return max(1, math.ceil(estimate.weights_gib * 1.1))
