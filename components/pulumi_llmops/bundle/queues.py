"""How the bundle wires Kueue: team queues on the GPU pools and the fine-tuning runs they
admit. Everything here can be done by hand with `addons.kueue` (Kueue, FinetuneRuns).

`plan_queues` is pure and runs inside `prepare`: each pool's flavor from its contract, each
run sized by the training memory model (`catalog/training.py`) on its pool, and every rule
(GPU resource Kueue can count, a run that fits one node and its team's quota) as a problem
of the one `ConfigError`. `build_queues` creates Kueue, then the runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from ..addons.kueue import (
    FinetuneRun,
    FinetuneRuns,
    FinetuneRunsArgs,
    Kueue,
    KueueArgs,
    PoolFlavor,
    RunPlacement,
    pool_flavor,
)
from ..catalog.shape import PoolShape
from ..catalog.training import TrainingNeed, TrainingRun, TrainingShape, fewest_gpus, training_need
from ..cluster.contracts import GpuPoolContract
from ..cluster.handle import ClusterHandle
from ..config.errors import Problem
from ..config.finetune import FinetuneSpec
from ..config.platform import PlatformConfig
from ..serving.manifests import gpu_resource_name


@dataclass(frozen=True)
class QueuePlan:
    """What `plan_queues` decided: whether Kueue is installed, each pool's flavor, each
    run's placement and memory need (per GPU, term by term)."""

    kueue: bool
    flavors: Mapping[str, PoolFlavor] = field(default_factory=dict)
    runs: Mapping[str, FinetuneRun] = field(default_factory=dict)
    needs: Mapping[str, TrainingNeed] = field(default_factory=dict)


def kueue_on(config: PlatformConfig) -> bool:
    enabled = config.addons.kueue.enabled
    return bool(config.teams or config.finetune) if enabled is None else enabled


def training_shape(run: FinetuneSpec) -> TrainingShape:
    """The training memory model's shape of `run`: `params_billion` as a parameter count
    and, from `architecture`, layers, hidden and MLP widths, KV width (`num_kv_heads *
    head_dim`) and vocabulary. Without `architecture` (the default) only the count is set and
    `TrainingShape.resolved` estimates the rest, as it does any size `architecture` omits."""
    arch = run.architecture
    if arch is None:
        return TrainingShape(params=run.params_billion * 1e9)
    return TrainingShape(
        params=run.params_billion * 1e9,
        num_layers=arch.num_layers,
        hidden_size=arch.hidden_size,
        intermediate_size=arch.intermediate_size,
        kv_size=arch.num_kv_heads * arch.head_dim,
        vocab_size=arch.vocab_size,
    )


def training_run(run: FinetuneSpec) -> TrainingRun:
    """The memory model's knobs of `run`, the values its Job's `LLMOPS_*` variables carry:
    method, seq_len, micro_batch_size, gradient_checkpointing and lora_rank (spec defaults:
    lora, 2048 tokens, micro-batch 1, checkpointing on, rank 16). Precision is left out: bf16
    and fp16 take the same 2 bytes a value."""
    return TrainingRun(
        method=run.method,
        seq_len=run.seq_len,
        micro_batch_size=run.micro_batch_size,
        gradient_checkpointing=run.gradient_checkpointing,
        lora_rank=run.lora_rank,
    )


def plan_queues(
    config: PlatformConfig,
    contracts: Mapping[str, GpuPoolContract],
    shapes: Mapping[str, PoolShape],
    mig_strategy: str,
) -> tuple[QueuePlan, list[Problem]]:
    """Flavors, sized runs and every problem of `teams` and `finetune`."""
    if not kueue_on(config):
        return QueuePlan(kueue=False), []
    problems: list[Problem] = []
    used = {p for t in config.teams.values() for p in t.quotas} | {
        r.pool for r in config.finetune.values()
    }
    flavors: dict[str, PoolFlavor] = {}
    for pool in sorted(used & set(contracts)):
        contract = contracts[pool]
        if contract.allocation == "dra":
            problems.append(
                Problem(
                    f"node_pools.{pool}.gpu.allocation",
                    "dra: the pool's GPUs are handed out by ResourceClaims, which a Kueue "
                    "quota counts only through Kueue's own DRA configuration (not generated); "
                    "give teams' quotas and fine-tuning runs a device-plugin pool",
                    "dra",
                )
            )
            continue
        resource = gpu_resource_name(
            contract.gpu_resource, contract.sharing, contract.mig_slice, mig_strategy
        )
        if resource is None:
            if contract.sharing == "mig-mixed":
                problems.append(
                    Problem(
                        f"node_pools.{pool}.sharing.mig.profile",
                        "a mixed MIG profile advertises one resource per slice size, which a "
                        "Kueue quota cannot count as GPUs; use a single-size profile "
                        "(all-3g.40gb)",
                        "all-balanced",
                    )
                )
            else:
                problems.append(
                    Problem(
                        f"node_pools.{pool}",
                        "advertises no GPU count resource (nvidia.com/gpu) a Kueue quota can "
                        "count; teams' quotas and fine-tuning runs need a device-plugin pool",
                    )
                )
            continue
        instance = shapes[pool].instance if pool in shapes else None
        flavors[pool] = pool_flavor(
            contract,
            resource,
            vcpus_per_node=instance.vcpu if instance else None,
            memory_gib_per_node=instance.memory_gib if instance else None,
        )
    for team, spec in sorted(config.teams.items()):
        resources = sorted({flavors[p].gpu_resource for p in spec.quotas if p in flavors})
        if len(resources) > 1:
            problems.append(
                Problem(
                    f"teams.{team}.quotas",
                    f"pools with different GPU resources ({', '.join(resources)}) in one "
                    "team's queue; give the team quota on pools of one kind",
                    sorted(spec.quotas),
                )
            )
    runs: dict[str, FinetuneRun] = {}
    needs: dict[str, TrainingNeed] = {}
    for name, run in sorted(config.finetune.items()):
        if run.pool not in flavors or run.team not in config.teams:
            continue  # unknown pool or team: reported by the config rules
        planned = _plan_run(config, name, run, contracts[run.pool], flavors[run.pool])
        if isinstance(planned, Problem):
            problems.append(planned)
            continue
        placement, need = planned
        problems += _quota_problems(config, name, run, placement.gpus)
        runs[name] = FinetuneRun(
            spec=run,
            placement=placement,
            namespace=config.teams[run.team].namespace_of(run.team),
            data_region=run.data_region or config.region,
        )
        needs[name] = need
    return QueuePlan(kueue=True, flavors=flavors, runs=runs, needs=needs), problems


def _plan_run(
    config: PlatformConfig,
    name: str,
    run: FinetuneSpec,
    contract: GpuPoolContract,
    flavor: PoolFlavor,
) -> tuple[RunPlacement, TrainingNeed] | Problem:
    where = f"finetune.{name}"
    if contract.sharing == "time-slicing":
        return Problem(
            f"{where}.pool",
            "time-sliced GPUs share memory without isolation; fine-tune on whole GPUs or "
            "MIG slices",
            run.pool,
        )
    memory = contract.memory_per_schedulable_gpu_gib
    units = contract.schedulable_gpus_per_node
    if memory is None or units is None:
        return Problem(
            f"node_pools.{run.pool}.gpu",
            f"GPU count or memory unknown, so {where} cannot be sized; declare gpu.count "
            "and gpu.memory_gib",
        )
    shape, knobs = training_shape(run), training_run(run)
    if run.gpus is not None:
        need = training_need(shape, knobs, run.gpus)
        if run.gpus > units:
            return Problem(
                f"{where}.gpus",
                f"pool {run.pool} has {units} GPUs per node; multi-node fine-tuning is not "
                "generated",
                run.gpus,
            )
        if need.total_gib > memory:
            return Problem(
                f"{where}.gpus",
                f"needs {need.total_gib} GiB per GPU on {run.gpus} GPUs ({_terms(need)}); "
                f"{contract.gpu_model} has {round(memory, 2)} GiB: raise gpus or leave it unset",
                run.gpus,
            )
    else:
        found = fewest_gpus(shape, knobs, memory, units)
        if found is None:
            widest = training_need(shape, knobs, min(units, 8))
            return Problem(
                where,
                f"does not fit one node of pool {run.pool}: {widest.total_gib} GiB per GPU "
                f"on {widest.gpus} GPUs ({_terms(widest)}), {round(memory, 2)} GiB each; use "
                "method: lora, a shorter seq_len, or a pool with larger GPUs",
            )
        need = found
    placement = RunPlacement(
        pool=run.pool,
        gpus=need.gpus,
        gpu_resource=flavor.gpu_resource,
        node_selector=contract.node_selector,
        tolerations=contract.tolerations,
    )
    return placement, need


def _terms(need: TrainingNeed) -> str:
    return (
        f"weights {need.weights_gib}, gradients {need.gradients_gib}, optimizer "
        f"{need.optimizer_gib}, activations {need.activations_gib}, overhead {need.overhead_gib}"
    )


def _quota_problems(
    config: PlatformConfig, name: str, run: FinetuneSpec, gpus: int
) -> list[Problem]:
    """A run larger than all its team can ever get on the pool would wait forever."""
    team = config.teams[run.team]
    quota = team.quotas.get(run.pool)
    if quota is None:
        return []  # reported by the config rules
    if team.cohort is None or quota.borrowing_limit is not None:
        reach = quota.gpus + (quota.borrowing_limit or 0)
    else:
        reach = quota.gpus + sum(
            (q.lending_limit if q.lending_limit is not None else q.gpus)
            for other, t in config.teams.items()
            if other != run.team and t.cohort == team.cohort
            for pool, q in t.quotas.items()
            if pool == run.pool
        )
    if gpus <= reach:
        return []
    return [
        Problem(
            f"finetune.{name}",
            f"needs {gpus} GPUs but team {run.team} can get at most {reach} on pool "
            f"{run.pool} (quota plus what it may borrow), so Kueue would never admit it",
        )
    ]


@dataclass
class Queues:
    """The queue components the bundle created (None when skipped)."""

    plan: QueuePlan
    kueue: Kueue | None = None
    finetune: FinetuneRuns | None = None


def build_queues(
    name: str,
    config: PlatformConfig,
    cluster: ClusterHandle,
    plan: QueuePlan,
    opts: pulumi.ResourceOptions,
    *,
    chart_overrides: Mapping[str, Mapping[str, str]],
    prometheus: bool = False,
    depends_on: list[pulumi.Resource] | None = None,
    gpu_depends_on: list[pulumi.Resource] | None = None,
) -> Queues:
    """Create Kueue with the teams' queues, then the fine-tuning runs, as `plan` says."""
    queues = Queues(plan)
    if not plan.kueue:
        return queues
    queues.kueue = Kueue(
        f"{name}-kueue",
        KueueArgs(
            cluster=cluster,
            spec=config.addons.kueue,
            teams=config.teams,
            flavors=plan.flavors,
            chart_overrides=chart_overrides,
            prometheus=prometheus,
            depends_on=depends_on or [],
            labels=config.tags,
        ),
        opts=opts,
    )
    if plan.runs:
        queues.finetune = FinetuneRuns(
            f"{name}-finetune",
            FinetuneRunsArgs(
                cluster=cluster,
                runs=plan.runs,
                kueue=queues.kueue,
                gpu_depends_on=gpu_depends_on or [],
                labels=config.tags,
            ),
            opts=opts,
        )
    return queues
