"""Costs as the bill sees them: replicas packed onto whole nodes, pools chosen for the placement.

A replica is `tp` GPUs of one pool's node (or `tp` GPUs on each of `pp` whole nodes, pipeline
parallel across nodes). Inside a pool, replicas are packed first-fit-decreasing: sorted by
GPUs per replica, largest first, each goes to the first node with enough free GPUs, else a
new node. With GPU counts that divide each other and the node size (1, 2, 4, 8 on nodes of
1-16 GPUs) first-fit-decreasing fills every node but the last (bin packing with divisible
item sizes, Coffman, Garey & Johnson 1987), so a pool needs `ceil(GPUs / GPUs per node)`
nodes; other sizes are packed node by node. A pool costs its nodes x node price.

The pool of every model is chosen for the whole placement, not per replica
(`catalog.placement.place`); `Packing` and `Placement` here are its result: nodes per pool,
$/hour per pool and per model (attributed by GPUs used), idle cost and GPU utilisation.
Pools without a price are never counted as $0. Pure: no Pulumi.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .pricing import HOURS_PER_MONTH


@dataclass(frozen=True)
class Shape:
    """One pool's node as placement sees it: `gpus_per_node` schedulable units of
    `gpu_memory_gib` each, the on-demand and recorded spot price of one node (None:
    unknown), its capacity (on-demand, spot or owned) and its `max_nodes` cap (None: none)."""

    pool: str
    gpu_model: str
    gpu_memory_gib: float
    gpus_per_node: int
    usd_per_hour: float | None = None
    spot_usd_per_hour: float | None = None
    capacity: str = "on-demand"
    max_nodes: int | None = None
    max_tensor_parallel: int | None = None
    price_source: str | None = None
    spot_source: str | None = None

    def price(self, kind: str = "on-demand") -> float | None:
        return self.spot_usd_per_hour if kind == "spot" else self.usd_per_hour


@dataclass(frozen=True)
class ReplicaOption:
    """How one replica of a model runs on one pool: `tp` GPUs on each of `pp` nodes.

    `detail` carries the caller's record of the fit (the memory terms, the runtime dtype).
    """

    pool: str
    tp: int
    pp: int = 1
    detail: Any = field(default=None, compare=False)

    @property
    def gpus(self) -> int:
        return self.tp * self.pp


@dataclass(frozen=True)
class Demand:
    """One model: its options (at least one) and its replica counts."""

    model: str
    options: tuple[ReplicaOption, ...]
    min_replicas: int = 1
    max_replicas: int = 1


@dataclass(frozen=True)
class NodeFill:
    """One node of a pool and the GPUs each model uses on it."""

    pool: str
    index: int
    gpus: int
    used: Mapping[str, int]

    @property
    def free(self) -> int:
        return self.gpus - sum(self.used.values())


def pack_pool(
    pool: str, gpus_per_node: int, items: Sequence[tuple[str, int, int]]
) -> tuple[NodeFill, ...]:
    """First-fit-decreasing packing of `(model, tp, pp)` replicas onto nodes of one pool.

    Multi-node replicas (`pp` > 1) take `pp` whole nodes each; the others are sorted by `tp`
    (largest first, then model name) and each goes to the first node with `tp` free GPUs.
    """
    nodes: list[dict[str, int]] = []
    free: list[int] = []
    for model, tp, pp in sorted(items, key=lambda i: (-i[1] * i[2], i[0])):
        if tp > gpus_per_node:
            raise ValueError(f"{model}: {tp} GPUs per node do not fit {gpus_per_node}")
        if pp > 1:
            for _ in range(pp):
                nodes.append({model: tp})
                free.append(gpus_per_node - tp)
            continue
        for index, room in enumerate(free):
            if room >= tp:
                nodes[index][model] = nodes[index].get(model, 0) + tp
                free[index] -= tp
                break
        else:
            nodes.append({model: tp})
            free.append(gpus_per_node - tp)
    return tuple(
        NodeFill(pool, i, gpus_per_node, dict(sorted(used.items()))) for i, used in enumerate(nodes)
    )


@dataclass(frozen=True)
class Packing:
    """The nodes of one replica count (min or max) for a placement's assignment."""

    nodes: tuple[NodeFill, ...]

    def nodes_per_pool(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for node in self.nodes:
            counts[node.pool] = counts.get(node.pool, 0) + 1
        return dict(sorted(counts.items()))

    def pool_usd_per_hour(
        self, shapes: Mapping[str, Shape], kind: str = "on-demand"
    ) -> dict[str, float | None]:
        """Nodes x node price per pool in use (None: the pool has no such price)."""
        result: dict[str, float | None] = {}
        for pool, count in self.nodes_per_pool().items():
            price = shapes[pool].price(kind)
            result[pool] = None if price is None else count * price
        return result

    def usd_per_hour(self, shapes: Mapping[str, Shape], kind: str = "on-demand") -> float | None:
        """Sum over pools in use; None when any pool in use has no price (never a silent $0)."""
        costs = self.pool_usd_per_hour(shapes, kind).values()
        return None if any(c is None for c in costs) else sum(costs)  # type: ignore[misc]

    def model_usd_per_hour(
        self, shapes: Mapping[str, Shape], kind: str = "on-demand"
    ) -> dict[str, float | None]:
        """Each model's share: its GPUs on each node x node price / GPUs per node."""
        result: dict[str, float | None] = {}
        for node in self.nodes:
            price = shapes[node.pool].price(kind)
            for model, gpus in node.used.items():
                if price is None or result.get(model, 0.0) is None:
                    result[model] = None
                else:
                    result[model] = result.get(model, 0.0) + gpus * price / node.gpus
        return dict(sorted(result.items()))

    def idle_usd_per_hour(
        self, shapes: Mapping[str, Shape], kind: str = "on-demand"
    ) -> dict[str, float | None]:
        """Per pool: free GPUs x node price / GPUs per node (pool $ = model shares + idle)."""
        result: dict[str, float | None] = {}
        for node in self.nodes:
            price = shapes[node.pool].price(kind)
            if price is None or result.get(node.pool, 0.0) is None:
                result[node.pool] = None
            else:
                result[node.pool] = result.get(node.pool, 0.0) + node.free * price / node.gpus
        return dict(sorted(result.items()))

    def gpu_utilisation(self) -> dict[str, float]:
        """Per pool: GPUs used / GPUs on the nodes it needs."""
        used: dict[str, int] = {}
        total: dict[str, int] = {}
        for node in self.nodes:
            used[node.pool] = used.get(node.pool, 0) + node.gpus - node.free
            total[node.pool] = total.get(node.pool, 0) + node.gpus
        return {pool: used[pool] / total[pool] for pool in sorted(total)}


@dataclass(frozen=True)
class Placement:
    """Each model's option and the packings at min and max replicas; `search` says how it
    was found (exhaustive or greedy) and `over_capacity` lists pools whose `max_nodes` the
    max-replica packing exceeds (pool -> nodes needed)."""

    assignment: Mapping[str, ReplicaOption]
    at_min: Packing
    at_max: Packing
    search: str
    over_capacity: Mapping[str, int] = field(default_factory=dict)

    def monthly_usd(self, shapes: Mapping[str, Shape], which: str = "max") -> float | None:
        hourly = (self.at_max if which == "max" else self.at_min).usd_per_hour(shapes)
        return None if hourly is None else hourly * HOURS_PER_MONTH
