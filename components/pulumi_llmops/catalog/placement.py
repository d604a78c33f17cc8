"""Choosing every model's pool for the whole placement: the cheapest total bill.

The objective, lowest first: nodes over a pool's `max_nodes`, models on unpriced pools that
had a priced option, $/hour at max replicas, $/hour at min replicas, GPU memory reserved,
nodes. Node counts per pool use `packing`'s first-fit-decreasing result, in O(1) when the
GPUs per replica divide one another and the node (then FFD fills every node but the last).
Up to `EXHAUSTIVE_LIMIT` assignments are tried one by one (depth-first, incremental counts);
beyond that a greedy pass (largest model first, least marginal cost given the nodes already
open; ties: fewer GPU GiB reserved, then pool name) is followed by up to
`IMPROVEMENT_PASSES` local-improvement passes (move one model to each of its other options,
keep the move when the objective drops): O(models x options) per pass. Pure: no Pulumi.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

from .packing import Demand, NodeFill, Packing, Placement, ReplicaOption, Shape, pack_pool

EXHAUSTIVE_LIMIT = 20_000
"""Most assignments `place` tries one by one before it searches greedily."""
IMPROVEMENT_PASSES = 3


@functools.lru_cache(maxsize=4096)
def _divisible(gpus_per_node: int, sizes: frozenset[int]) -> bool:
    """True when the sizes divide one another and the node: packing then fills every node."""
    ordered = sorted(sizes)
    chain = all(b % a == 0 for a, b in itertools.pairwise(ordered))
    return chain and all(gpus_per_node % s == 0 for s in ordered)


class _Load:
    """Replicas on one pool at one replica count: replicas per TP size, their GPUs, and whole
    nodes of multi-node replicas."""

    __slots__ = ("gpus", "gpus_per_node", "keys", "sizes", "whole")

    def __init__(self, gpus_per_node: int) -> None:
        self.gpus_per_node = gpus_per_node
        self.sizes: dict[int, int] = {}
        self.keys: frozenset[int] = frozenset()
        self.gpus = 0
        self.whole = 0

    def add(self, option: ReplicaOption, replicas: int) -> None:
        if option.pp > 1:
            self.whole += option.pp * replicas
            return
        count = self.sizes.get(option.tp, 0) + replicas
        self.gpus += option.tp * replicas
        if count:
            self.sizes[option.tp] = count
            self.keys = self.keys | {option.tp}
        else:
            self.sizes.pop(option.tp, None)
            self.keys = self.keys - {option.tp}

    def nodes(self, option: ReplicaOption | None = None, replicas: int = 0) -> int:
        """Nodes needed now, or with `replicas` more (fewer when negative) of `option`."""
        whole, gpus, keys = self.whole, self.gpus, self.keys
        if option is not None and replicas:
            if option.pp > 1:
                whole += option.pp * replicas
            else:
                gpus += option.tp * replicas
                count = self.sizes.get(option.tp, 0) + replicas
                keys = keys | {option.tp} if count else keys - {option.tp}
        if not keys:
            return whole
        if _divisible(self.gpus_per_node, keys):
            return -(-gpus // self.gpus_per_node) + whole
        sizes = dict(self.sizes)
        if option is not None and replicas and option.pp == 1:
            sizes[option.tp] = sizes.get(option.tp, 0) + replicas
        items = [("", s, 1) for s, n in sizes.items() for _ in range(n)]
        return len(pack_pool("", self.gpus_per_node, items)) + whole


class _State:
    """Nodes per pool at min and max replicas for a partial assignment, updated in O(1)."""

    def __init__(self, shapes: Mapping[str, Shape]) -> None:
        self.shapes = shapes
        self.loads: dict[tuple[str, str], _Load] = {}

    def _load(self, pool: str, which: str) -> _Load:
        key = (pool, which)
        load = self.loads.get(key)
        if load is None:
            load = self.loads[key] = _Load(self.shapes[pool].gpus_per_node)
        return load

    def delta(self, demand: Demand, option: ReplicaOption, sign: int = 1) -> tuple[float, ...]:
        """(over-cap nodes, $/h at max, $/h at min) change of adding (sign -1: removing)."""
        shape = self.shapes[option.pool]
        price = shape.usd_per_hour or 0.0
        over = cost_max = cost_min = 0.0
        if demand.max_replicas:
            load = self._load(option.pool, "max")
            before = load.nodes()
            after = load.nodes(option, sign * demand.max_replicas)
            cost_max = (after - before) * price
            if shape.max_nodes is not None:
                over = max(after - shape.max_nodes, 0) - max(before - shape.max_nodes, 0)
        if demand.min_replicas:
            load = self._load(option.pool, "min")
            cost_min = (load.nodes(option, sign * demand.min_replicas) - load.nodes()) * price
        return over, cost_max, cost_min

    def apply(self, demand: Demand, option: ReplicaOption, sign: int = 1) -> None:
        for which, replicas in (("max", demand.max_replicas), ("min", demand.min_replicas)):
            if replicas:
                self._load(option.pool, which).add(option, sign * replicas)

    def totals(self) -> tuple[float, float, float, int]:
        over = cost_max = cost_min = 0.0
        nodes = 0
        for (pool, which), load in self.loads.items():
            shape, count = self.shapes[pool], load.nodes()
            price = shape.usd_per_hour or 0.0
            if which == "max":
                nodes += count
                cost_max += count * price
                if shape.max_nodes is not None:
                    over += max(count - shape.max_nodes, 0)
            else:
                cost_min += count * price
        return over, cost_max, cost_min, nodes


def _priced_choice(demands: Sequence[Demand], shapes: Mapping[str, Shape]) -> frozenset[str]:
    return frozenset(
        d.model for d in demands if any(shapes[o.pool].usd_per_hour is not None for o in d.options)
    )


def _option_rank(
    state: _State, demand: Demand, option: ReplicaOption, priced: frozenset[str]
) -> tuple[Any, ...]:
    over, cost_max, cost_min = state.delta(demand, option)
    shape = state.shapes[option.pool]
    unpriced = int(demand.model in priced and shape.usd_per_hour is None)
    reserved = demand.max_replicas * option.gpus * shape.gpu_memory_gib
    return (over, unpriced, round(cost_max, 9), round(cost_min, 9), round(reserved, 9))


def _exhaustive(demands: Sequence[Demand], shapes: Mapping[str, Shape]) -> list[ReplicaOption]:
    priced = _priced_choice(demands, shapes)
    state = _State(shapes)
    best: tuple[tuple[Any, ...], list[ReplicaOption]] | None = None
    chosen: list[ReplicaOption] = []

    def visit(index: int, unpriced: int, reserved: float) -> None:
        nonlocal best
        if index == len(demands):
            over, cost_max, cost_min, nodes = state.totals()
            key = (
                over,
                unpriced,
                round(cost_max, 9),
                round(cost_min, 9),
                round(reserved, 9),
                nodes,
            )
            if best is None or key < best[0]:
                best = (key, list(chosen))
            return
        demand = demands[index]
        for option in demand.options:
            shape = shapes[option.pool]
            state.apply(demand, option)
            chosen.append(option)
            visit(
                index + 1,
                unpriced + int(demand.model in priced and shape.usd_per_hour is None),
                reserved + demand.max_replicas * option.gpus * shape.gpu_memory_gib,
            )
            chosen.pop()
            state.apply(demand, option, -1)

    visit(0, 0, 0.0)
    assert best is not None
    return best[1]


def _greedy(demands: Sequence[Demand], shapes: Mapping[str, Shape]) -> list[ReplicaOption]:
    priced = _priced_choice(demands, shapes)
    state = _State(shapes)
    chosen: dict[str, ReplicaOption] = {}
    order = sorted(
        demands, key=lambda d: (-min(o.gpus for o in d.options) * d.max_replicas, d.model)
    )
    for demand in order:
        option = min(
            demand.options,
            key=lambda o: (*_option_rank(state, demand, o, priced), o.pool, o.tp, o.pp),
        )
        state.apply(demand, option)
        chosen[demand.model] = option
    for _ in range(IMPROVEMENT_PASSES):
        improved = False
        for demand in order:
            current = chosen[demand.model]
            if len(demand.options) == 1:
                continue
            state.apply(demand, current, -1)
            here = _option_rank(state, demand, current, priced)
            best = min(
                demand.options,
                key=lambda o: (*_option_rank(state, demand, o, priced), o.pool, o.tp, o.pp),
            )
            if _option_rank(state, demand, best, priced) < here:
                chosen[demand.model], improved = best, True
            state.apply(demand, chosen[demand.model])
        if not improved:
            break
    return [chosen[d.model] for d in demands]


def _packing(
    assignment: Mapping[str, ReplicaOption],
    demands: Sequence[Demand],
    shapes: Mapping[str, Shape],
    which: str,
) -> Packing:
    items: dict[str, list[tuple[str, int, int]]] = {}
    for demand in demands:
        option = assignment[demand.model]
        replicas = demand.max_replicas if which == "max" else demand.min_replicas
        items.setdefault(option.pool, []).extend([(demand.model, option.tp, option.pp)] * replicas)
    nodes: list[NodeFill] = []
    for pool in sorted(items):
        nodes += pack_pool(pool, shapes[pool].gpus_per_node, items[pool])
    return Packing(tuple(nodes))


def place(
    demands: Sequence[Demand],
    shapes: Mapping[str, Shape],
    *,
    exhaustive_limit: int = EXHAUSTIVE_LIMIT,
) -> Placement:
    """The cheapest whole placement of `demands` on `shapes` (see the module docstring).

    Each demand needs at least one option; assignments that exceed a pool's `max_nodes`
    rank after every one that does not (and are reported in `over_capacity`).
    """
    demands = sorted(demands, key=lambda d: d.model)
    for demand in demands:
        if not demand.options:
            raise ValueError(f"{demand.model}: no replica options")
    combinations = math.prod(len(d.options) for d in demands)
    if combinations <= exhaustive_limit:
        chosen, search = _exhaustive(demands, shapes), "exhaustive"
    else:
        chosen, search = _greedy(demands, shapes), "greedy"
    assignment = {d.model: o for d, o in zip(demands, chosen, strict=True)}
    at_max = _packing(assignment, demands, shapes, "max")
    over = {
        pool: count
        for pool, count in at_max.nodes_per_pool().items()
        if shapes[pool].max_nodes is not None and count > shapes[pool].max_nodes  # type: ignore[operator]
    }
    return Placement(
        assignment=assignment,
        at_min=_packing(assignment, demands, shapes, "min"),
        at_max=at_max,
        search=search,
        over_capacity=over,
    )


def naive_baseline(
    demands: Sequence[Demand], shapes: Mapping[str, Shape], which: str = "max"
) -> dict[str, float | None]:
    """Per model: the smallest single VM that holds one replica (fewest GPUs per node, then
    least GPU memory, then price), one whole VM (x `pp` for multi-node) per replica. Only
    priced options count; None when a model has none."""
    result: dict[str, float | None] = {}
    for demand in demands:
        priced = [o for o in demand.options if shapes[o.pool].usd_per_hour is not None]
        replicas = demand.max_replicas if which == "max" else demand.min_replicas
        if not priced:
            result[demand.model] = None
            continue
        smallest = min(
            priced,
            key=lambda o: (
                shapes[o.pool].gpus_per_node * o.pp,
                shapes[o.pool].gpu_memory_gib,
                shapes[o.pool].usd_per_hour,
                o.pool,
            ),
        )
        result[demand.model] = shapes[smallest.pool].usd_per_hour * smallest.pp * replicas  # type: ignore[operator]
    return dict(sorted(result.items()))
