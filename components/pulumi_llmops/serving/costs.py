"""What the bill sees per GPU pool after placement: nodes, $/hour, $/month, spot, utilisation.

Pure: no Pulumi. A pool costs the whole nodes its models' replicas need (first-fit-decreasing,
`catalog.packing`) x the node price, at min and at max replicas; spot is shown beside
on-demand where the catalogue records a spot price; idle is the cost of free GPUs on those
nodes, so per-model shares + idle = the pool's cost. Prices None mean unknown, never $0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..catalog.packing import Packing, Placement, Shape
from ..catalog.pricing import HOURS_PER_MONTH


@dataclass(frozen=True)
class PoolCost:
    """One pool's share of the bill (`*_min` at min replicas, `*_max` at max replicas).

    `max_nodes` is the pool's configured cap; `over_capacity` is True when the max-replica
    packing needs more nodes than that (replicas would stay pending at peak).
    """

    pool: str
    gpu: str
    gpus_per_node: int
    capacity: str
    nodes_min: int
    nodes_max: int
    max_nodes: int | None
    usd_per_hour_min: float | None
    usd_per_hour_max: float | None
    monthly_cost_min_usd: float | None
    monthly_cost_max_usd: float | None
    spot_usd_per_hour_min: float | None
    spot_usd_per_hour_max: float | None
    gpu_utilisation_min: float | None
    gpu_utilisation_max: float | None
    idle_usd_per_hour_max: float | None
    price_source: str | None
    spot_price_source: str | None

    @property
    def over_capacity(self) -> bool:
        return self.max_nodes is not None and self.nodes_max > self.max_nodes

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "over_capacity": self.over_capacity}


def _times(price: float | None, nodes: int) -> float | None:
    return None if price is None else price * nodes


def _monthly(hourly: float | None) -> float | None:
    return None if hourly is None else hourly * HOURS_PER_MONTH


def pool_costs(shapes: Mapping[str, Shape], placement: Placement | None) -> dict[str, PoolCost]:
    """Every pool's cost under `placement` (pools no model uses: 0 nodes, $0 when priced)."""
    empty = Packing(())
    at_min = placement.at_min if placement else empty
    at_max = placement.at_max if placement else empty
    nodes_min, nodes_max = at_min.nodes_per_pool(), at_max.nodes_per_pool()
    use_min, use_max = at_min.gpu_utilisation(), at_max.gpu_utilisation()
    idle = at_max.idle_usd_per_hour(shapes)
    result = {}
    for pool, shape in sorted(shapes.items()):
        low, high = nodes_min.get(pool, 0), nodes_max.get(pool, 0)
        result[pool] = PoolCost(
            pool=pool,
            gpu=shape.gpu_model,
            gpus_per_node=shape.gpus_per_node,
            capacity=shape.capacity,
            nodes_min=low,
            nodes_max=high,
            max_nodes=shape.max_nodes,
            usd_per_hour_min=_times(shape.usd_per_hour, low),
            usd_per_hour_max=_times(shape.usd_per_hour, high),
            monthly_cost_min_usd=_monthly(_times(shape.usd_per_hour, low)),
            monthly_cost_max_usd=_monthly(_times(shape.usd_per_hour, high)),
            spot_usd_per_hour_min=_times(shape.spot_usd_per_hour, low),
            spot_usd_per_hour_max=_times(shape.spot_usd_per_hour, high),
            gpu_utilisation_min=use_min.get(pool),
            gpu_utilisation_max=use_max.get(pool),
            idle_usd_per_hour_max=idle.get(pool, None if shape.usd_per_hour is None else 0.0),
            price_source=shape.price_source,
            spot_price_source=shape.spot_source,
        )
    return result
