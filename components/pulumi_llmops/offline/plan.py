"""`llmops plan`: the stack program run offline, summarised as a resource tree and GPU inventory."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..catalog.pricing import monthly_cost
from ..catalog.shape import PoolShape
from ..config.platform import PlatformConfig
from ..config.reservations import ReservationCost, reservation_cost
from ..serving.costs import PoolCost
from ..serving.report import ModelRow, model_rows
from .engine import run_program
from .recording import Recording, Secret, Unknown
from .stack_file import StackFile, platform_config

CAVEATS = (
    "Offline plan on Pulumi's mock engine: no cloud account, no Pulumi CLI, no provider plugins.",
    "Shows what the program registers, with its inputs. It does not show provider defaults, "
    "cloud look-ups, computed outputs or the objects inside Helm charts (charts are not "
    "rendered).",
    "Secret config values cannot be decrypted offline: they are placeholders and never printed.",
)


@dataclass(frozen=True)
class PoolInventory:
    """One GPU pool as the plan reports it."""

    pool: str
    gpu_model: str | None
    gpus_per_node: int | None
    min_nodes: int
    max_nodes: int
    sharing: str
    spot: bool
    machine_type: str | None
    schedulable_gpus_per_node: int | None
    capacity: str
    usd_per_hour: float | None = None
    price_source: str | None = None
    allocation: str = "device-plugin"

    @property
    def max_gpus(self) -> int | None:
        return None if self.gpus_per_node is None else self.gpus_per_node * self.max_nodes

    @property
    def monthly_cost_min_usd(self) -> float | None:
        """On-demand cost of min_nodes for a month (730 h); None when unpriced."""
        if self.usd_per_hour is None:
            return None
        return monthly_cost(self.usd_per_hour, self.min_nodes)

    @property
    def monthly_cost_max_usd(self) -> float | None:
        """On-demand cost of max_nodes for a month (730 h); None when unpriced."""
        if self.usd_per_hour is None:
            return None
        return monthly_cost(self.usd_per_hour, self.max_nodes)


@dataclass(frozen=True)
class ModelCost:
    """One model's share of the bill (attribution): its GPUs on each node it uses x the
    node's price / GPUs per node, at min and max replicas; spot where the pool's machine
    type has a recorded spot price. Pool cost = the shares of its models + its idle GPUs."""

    model: str
    pool: str
    min_replicas: int
    max_replicas: int
    usd_per_hour_min: float | None
    usd_per_hour_max: float | None
    monthly_cost_min_usd: float | None
    monthly_cost_max_usd: float | None
    spot_usd_per_hour_min: float | None
    spot_usd_per_hour_max: float | None


@dataclass
class Plan:
    """The result of an offline run of one stack."""

    stack: str
    source: str
    config: PlatformConfig
    recording: Recording
    inventory: list[PoolInventory] = field(default_factory=list)
    models: list[ModelRow] = field(default_factory=list)
    reservations: list[ReservationCost] = field(default_factory=list)
    queues: dict[str, Any] = field(default_factory=dict)
    packing: list[PoolCost] = field(default_factory=list)
    """Per pool: the nodes the packed models need at min and max replicas, their cost and
    GPU utilisation (pools no model uses: 0 nodes)."""
    model_costs: list[ModelCost] = field(default_factory=list)
    search: str | None = None
    """How the placement was found (exhaustive or greedy); None without models on GPUs."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "source": self.source,
            "offline": True,
            "caveats": list(CAVEATS),
            "environment": self.config.environment,
            "target": self.config.target,
            "region": self.config.region,
            "resource_count": len(self.recording),
            "type_counts": self.recording.type_counts(),
            "resources": [
                {
                    "urn": r.urn,
                    "type": r.type,
                    "name": r.name,
                    "parent": r.parent,
                    "provider": r.provider,
                    "protect": r.protect,
                    "retain_on_delete": r.retain_on_delete,
                    # As `pulumi preview --json` shows them; secrets as "[secret]".
                    "inputs": _jsonable(r.inputs),
                }
                for r in sorted(self.recording, key=lambda r: r.urn)
            ],
            "gpu_inventory": [
                {
                    **pool.__dict__,
                    "max_gpus": pool.max_gpus,
                    "monthly_cost_min_usd": pool.monthly_cost_min_usd,
                    "monthly_cost_max_usd": pool.monthly_cost_max_usd,
                }
                for pool in self.inventory
            ],
            "models": [row.to_dict() for row in self.models],
            "reservations": [
                {**r.__dict__, "usd_per_month": r.usd_per_month} for r in self.reservations
            ],
            "gpu_packing": [_rounded(pool.to_dict()) for pool in self.packing],
            "model_costs": [cost.__dict__ for cost in self.model_costs],
            "placement_search": self.search,
            "outputs": _jsonable(self.recording.outputs),
            # Only with Kueue installed (teams or finetune), so other plans are unchanged.
            **({"queues": self.queues} if self.queues else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


def plan_stack(stack_file: StackFile) -> Plan:
    """Validate the stack config, run the stack program offline, and summarise it.

    Config is validated before the engine starts, so bad input registers nothing.
    """
    from .. import program

    config = platform_config(stack_file)
    recording, platform = run_program(
        program.main,
        config=stack_file.config,
        secret_keys=stack_file.secret_keys,
        stack=stack_file.stack,
    )
    inventory = [
        PoolInventory(
            pool=c.pool,
            gpu_model=c.gpu_model,
            gpus_per_node=c.gpus_per_node,
            min_nodes=c.min_nodes,
            max_nodes=c.max_nodes,
            sharing=c.sharing,
            spot=c.spot,
            machine_type=c.machine_type,
            schedulable_gpus_per_node=c.schedulable_gpus_per_node,
            capacity=_capacity(config, name, c.target, c.spot),
            **pool_price(platform.plan.shapes[name], c.machine_type, config.region),
            allocation=c.allocation,
        )
        for name, c in sorted(platform.contracts.items())
    ]
    models = model_rows(platform.serving.plan.sizing)
    reservations = [
        reservation_cost(config.target, name, pool.reservation, platform.plan.shapes.get(name))
        for name, pool in sorted(config.node_pools.items())
        if pool.reservation is not None
    ]
    from .queues_report import queue_report

    queues = queue_report(config, platform.plan.queues)
    placement = platform.serving.plan.placement
    packing, costs, search = _packing(placement) if placement is not None else ([], [], None)
    return Plan(
        stack_file.stack,
        str(stack_file.path),
        config,
        recording,
        inventory,
        models,
        reservations,
        queues,
        packing,
        costs,
        search,
    )


def _packing(plan: Any) -> tuple[list[PoolCost], list[ModelCost], str | None]:
    """Pool costs of the placement and each GPU model's share (`plan` a `SizingPlan`)."""
    if plan.placement is None:
        return [], [], None
    costs = []
    for name, s in sorted(plan.models.items()):
        if s.cpu_only or s.pool is None:
            continue
        spot = s.spot_usd_per_hour_per_replica
        costs.append(
            ModelCost(
                model=name,
                pool=s.pool,
                min_replicas=s.min_replicas,
                max_replicas=s.max_replicas,
                usd_per_hour_min=_round(s.usd_per_hour_min),
                usd_per_hour_max=_round(s.usd_per_hour_max),
                monthly_cost_min_usd=_round(s.monthly_cost_min_usd),
                monthly_cost_max_usd=_round(s.monthly_cost_max_usd),
                spot_usd_per_hour_min=_round(None if spot is None else spot * s.min_replicas),
                spot_usd_per_hour_max=_round(None if spot is None else spot * s.max_replicas),
            )
        )
    return [plan.pools[p] for p in sorted(plan.pools)], costs, plan.placement.search


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _capacity(config: PlatformConfig, pool: str, target: str, spot: bool) -> str:
    """owned (on-prem), spot, reserved (a specific reservation), else on-demand."""
    if target == "onprem":
        return "owned"
    if spot:
        return "spot"
    reservation = config.node_pools[pool].reservation
    if reservation is not None and reservation.affinity == "specific":
        return "reserved"
    return "on-demand"


def pool_price(shape: PoolShape, machine_type: str | None, region: str) -> dict[str, Any]:
    """On-demand $/hour of one node of a pool in the stack's region, with its source.

    From the pool's shape (the catalogue with the stack's `catalog` overrides);
    `usd_per_hour` is None and the source says why when there is no price: a price is never
    invented. Pools without a machine type are owned hardware (on-prem).
    """
    if machine_type is None:
        return {"usd_per_hour": None, "price_source": "n/a (owned hardware)"}
    if shape.instance is None:
        return {"usd_per_hour": None, "price_source": f"n/a ({machine_type} not in the catalogue)"}
    price = shape.price
    if price is None:
        return {
            "usd_per_hour": None,
            "price_source": f"n/a (no catalogue price for {machine_type} in {region})",
        }
    dated = f", {price.date}" if price.date and price.date not in price.source else ""
    source = f"{price.source}{dated}, {price.region}"
    return {"usd_per_hour": price.usd_per_hour, "price_source": source}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (Secret, Unknown)):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
