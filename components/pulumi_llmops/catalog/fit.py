"""Which pools can hold one replica of a model, at which TP x PP, and why the others cannot.

For each pool: the numeric-format rule (`formats.check_format`), then the smallest tensor
parallel degree (1, 2, 4, 8, up to the node's GPUs) whose every GPU fits the memory model
(`sizing.MemoryEstimate.need`) and that vLLM accepts for the model's heads. When no single
node holds a replica, and multi-node replicas are allowed, the smallest pipeline-parallel
count of whole nodes (TP = the node's GPUs) that fits. Pure: no Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .formats import FormatDecision, check_format
from .gpus import GpuModel
from .packing import ReplicaOption, Shape
from .sizing import MAX_PIPELINE_PARALLEL, TENSOR_PARALLEL_DEGREES, GpuNeed, MemoryEstimate

MultiNode = Literal["never", "fallback", "always"]


@dataclass(frozen=True)
class Fit:
    """What `ReplicaOption.detail` holds: the memory terms and the format decision."""

    need: GpuNeed
    format: FormatDecision

    @property
    def multi_node(self) -> bool:
        return self.need.pipeline_parallel > 1


@dataclass(frozen=True)
class FitResult:
    """Options per pool (sorted by pool) and, for every pool without one, the reason.

    `multi_node_possible` names pools where a multi-node replica would fit although
    multi-node replicas were not allowed (so the error can say so).
    """

    options: tuple[ReplicaOption, ...]
    rejected: Mapping[str, str] = field(default_factory=dict)
    multi_node_possible: Mapping[str, ReplicaOption] = field(default_factory=dict)


def _degrees(shape: Shape, tensor_parallel: int | None) -> tuple[int, ...]:
    limit = shape.max_tensor_parallel or shape.gpus_per_node
    degrees = tuple(d for d in TENSOR_PARALLEL_DEGREES if d <= min(limit, shape.gpus_per_node))
    if tensor_parallel is not None:
        return (tensor_parallel,) if tensor_parallel in degrees else ()
    return degrees


def _memory_reason(estimate: MemoryEstimate, shape: Shape, need: GpuNeed | None) -> str:
    if need is None:
        return "no tensor-parallel degree is allowed on its nodes"
    if need.margin_gib >= 0:
        return (
            f"CUDA context + NCCL need {need.outside_gib:.2f} GiB outside vLLM's share, "
            f"gpu_memory_utilization {need.gpu_memory_utilization:g} leaves "
            f"{need.outside_allowed_gib:.2f} GiB: use <= "
            f"{_max_utilization(need):.2f}"
        )
    return f"needs {need.breakdown()}"


def _max_utilization(need: GpuNeed) -> float:
    return int((1 - need.outside_gib / need.gpu_memory_gib) * 100) / 100


def _single_node(
    estimate: MemoryEstimate, shape: Shape, decision: FormatDecision, tp: int | None
) -> tuple[ReplicaOption | None, str]:
    last: GpuNeed | None = None
    parallel: list[str] = []
    for degree in _degrees(shape, tp):
        problem = estimate.parallel_problem(degree)
        if problem is not None:
            parallel.append(problem)
            continue
        need = estimate.need(shape.gpu_model, shape.gpu_memory_gib, degree)
        last = need
        if need.fits:
            return ReplicaOption(shape.pool, degree, 1, Fit(need, decision)), ""
    if last is None and parallel:
        return None, "; ".join(parallel)
    if last is None and tp is not None:
        return None, f"tensor_parallel {tp} is not possible on {shape.gpus_per_node} GPUs per node"
    return None, _memory_reason(estimate, shape, last)


def _multi_node(
    estimate: MemoryEstimate, shape: Shape, decision: FormatDecision
) -> ReplicaOption | None:
    tp = shape.gpus_per_node
    if tp not in TENSOR_PARALLEL_DEGREES or (shape.max_tensor_parallel or tp) < tp:
        return None
    if estimate.parallel_problem(tp) is not None:
        return None
    for pp in range(2, MAX_PIPELINE_PARALLEL + 1):
        if shape.max_nodes is not None and pp > shape.max_nodes:
            return None
        if estimate.parallel_problem(tp, pp) is not None:
            return None
        need = estimate.need(shape.gpu_model, shape.gpu_memory_gib, tp, pp)
        if need.fits:
            return ReplicaOption(shape.pool, tp, pp, Fit(need, decision))
    return None


def replica_options(
    estimate: MemoryEstimate,
    shapes: Mapping[str, Shape],
    gpus: Mapping[str, GpuModel],
    *,
    dtype: str = "auto",
    allow_weight_only_fp8: bool = False,
    multi_node: MultiNode = "never",
    tensor_parallel: int | None = None,
) -> FitResult:
    """One option per pool that holds a replica of `estimate`'s model (smallest TP that fits;
    `tensor_parallel` forces one degree), multi-node options per `multi_node` (`fallback`:
    only when no pool holds a replica on one node), and why every other pool cannot.

    `gpus` maps each pool to its GPU model's catalogue entry (formats).
    """
    options: list[ReplicaOption] = []
    rejected: dict[str, str] = {}
    decisions: dict[str, FormatDecision] = {}
    for pool in sorted(shapes):
        shape = shapes[pool]
        decision = check_format(
            estimate.precision,
            gpus[pool],
            dtype=dtype,
            moe=estimate.shape.moe,
            allow_weight_only_fp8=allow_weight_only_fp8,
            kv_cache_dtype=estimate.params.kv_cache_dtype,
        )
        if not decision.ok:
            rejected[pool] = str(decision.reason)
            continue
        decisions[pool] = decision
        option, reason = _single_node(estimate, shape, decision, tensor_parallel)
        if option is not None:
            options.append(option)
        else:
            rejected[pool] = reason
    multi: dict[str, ReplicaOption] = {}
    single = {o.pool for o in options}
    if tensor_parallel is None and (multi_node == "always" or not options):
        for pool, decision in decisions.items():
            if pool in single:
                continue  # a whole node of this pool already holds a replica
            option = _multi_node(estimate, shapes[pool], decision)
            if option is not None:
                multi[pool] = option
    if multi_node == "never":
        return FitResult(tuple(options), rejected, multi)
    for pool, option in multi.items():
        rejected.pop(pool, None)
        options.append(option)
    options.sort(key=lambda o: (o.pool, o.pp))
    return FitResult(tuple(options), rejected)
