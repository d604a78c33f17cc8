"""Packing and placement: first-fit-decreasing nodes, whole-placement pool choice, costs."""

from __future__ import annotations

import pytest

from pulumi_llmops.catalog.packing import (
    Demand,
    NodeFill,
    ReplicaOption,
    Shape,
    pack_pool,
)
from pulumi_llmops.catalog.placement import naive_baseline, place

BIG = Shape("big", "L40S", 44.7, 8, usd_per_hour=8.0, spot_usd_per_hour=3.0)
SMALL = Shape("small", "L40S", 44.7, 1, usd_per_hour=1.5)
OWNED = Shape("owned", "L40S", 44.7, 4, capacity="owned")
SHAPES = {s.pool: s for s in (BIG, SMALL, OWNED)}


def test_ffd_largest_first_into_the_first_node_with_room() -> None:
    items = [("d", 1, 1), ("a", 4, 1), ("d", 1, 1), ("b", 2, 1), ("c", 2, 1), ("d", 1, 1)]
    assert pack_pool("big", 8, items) == (
        NodeFill("big", 0, 8, {"a": 4, "b": 2, "c": 2}),
        NodeFill("big", 1, 8, {"d": 3}),
    )


def test_ffd_with_sizes_that_do_not_divide_the_node() -> None:
    nodes = pack_pool("six", 6, [("a", 4, 1), ("b", 4, 1), ("c", 2, 1), ("d", 2, 1)])
    assert [dict(n.used) for n in nodes] == [{"a": 4, "c": 2}, {"b": 4, "d": 2}]


def test_multi_node_replicas_take_whole_nodes() -> None:
    nodes = pack_pool("big", 8, [("huge", 8, 2), ("small", 1, 1)])
    assert [dict(n.used) for n in nodes] == [{"huge": 8}, {"huge": 8}, {"small": 1}]


def test_one_replica_goes_to_the_node_that_is_billed_least() -> None:
    # Per-replica share ranks the 8-GPU node first ($1/GPU < $1.5); billed whole it costs $8.
    demand = Demand("m", (ReplicaOption("big", 1), ReplicaOption("small", 1)))
    placement = place([demand], SHAPES)
    assert placement.assignment["m"].pool == "small"
    assert placement.at_max.usd_per_hour(SHAPES) == 1.5
    assert placement.search == "exhaustive"


def test_eight_replicas_share_one_big_node() -> None:
    demand = Demand("m", (ReplicaOption("big", 1), ReplicaOption("small", 1)), 2, 8)
    placement = place([demand], SHAPES)
    assert placement.assignment["m"].pool == "big"
    assert placement.at_max.nodes_per_pool() == {"big": 1}
    assert placement.at_max.usd_per_hour(SHAPES) == 8.0
    assert placement.at_min.usd_per_hour(SHAPES) == 8.0
    assert placement.at_min.gpu_utilisation() == {"big": 0.25}
    assert placement.at_min.idle_usd_per_hour(SHAPES) == {"big": 6.0}


def test_models_are_packed_together_and_attributed_by_gpus() -> None:
    demands = [
        Demand("a", (ReplicaOption("big", 4), ReplicaOption("small", 1)), 1, 1),
        Demand("b", (ReplicaOption("big", 2),), 1, 1),
    ]
    placement = place(demands, SHAPES)
    # b alone needs a big node ($8); a fits beside it for free rather than on a $1.5 node.
    assert {m: o.pool for m, o in placement.assignment.items()} == {"a": "big", "b": "big"}
    packing = placement.at_max
    assert packing.model_usd_per_hour(SHAPES) == {"a": 4.0, "b": 2.0}
    assert packing.idle_usd_per_hour(SHAPES) == {"big": 2.0}
    assert packing.gpu_utilisation() == {"big": 0.75}
    assert packing.pool_usd_per_hour(SHAPES, "spot") == {"big": 3.0}
    assert packing.model_usd_per_hour(SHAPES, "spot") == {"a": 1.5, "b": 0.75}


def test_unpriced_pools_rank_after_priced_ones_and_are_never_zero() -> None:
    demand = Demand("m", (ReplicaOption("owned", 1), ReplicaOption("small", 1)))
    assert place([demand], SHAPES).assignment["m"].pool == "small"
    only_owned = place([Demand("m", (ReplicaOption("owned", 1),))], SHAPES)
    assert only_owned.at_max.usd_per_hour(SHAPES) is None
    assert only_owned.at_max.model_usd_per_hour(SHAPES) == {"m": None}
    assert only_owned.at_max.pool_usd_per_hour(SHAPES) == {"owned": None}


def test_unpriced_ties_go_to_the_least_gpu_memory_reserved() -> None:
    slices = Shape("slices", "A100-80GB MIG 3g.40gb", 37.25, 16, capacity="owned")
    shapes = {"owned": OWNED, "slices": slices}
    demand = Demand("m", (ReplicaOption("owned", 1), ReplicaOption("slices", 1)))
    assert place([demand], shapes).assignment["m"].pool == "slices"


def test_max_nodes_caps_are_honoured_and_reported_when_impossible() -> None:
    capped = Shape("capped", "L4", 22.35, 1, usd_per_hour=0.8, max_nodes=2)
    pricier = Shape("pricier", "L4", 22.35, 1, usd_per_hour=1.0)
    shapes = {"capped": capped, "pricier": pricier}
    demands = [
        Demand("a", (ReplicaOption("capped", 1), ReplicaOption("pricier", 1)), 1, 2),
        Demand("b", (ReplicaOption("capped", 1), ReplicaOption("pricier", 1)), 1, 1),
    ]
    placement = place(demands, shapes)
    assert placement.at_max.nodes_per_pool() == {"capped": 2, "pricier": 1}
    assert placement.over_capacity == {}
    stuck = place([Demand("a", (ReplicaOption("capped", 1),), 1, 3)], shapes)
    assert stuck.over_capacity == {"capped": 3}


def test_greedy_finds_the_exhaustive_answer_on_a_simple_case() -> None:
    demands = [
        Demand("a", (ReplicaOption("big", 4), ReplicaOption("small", 1)), 1, 1),
        Demand("b", (ReplicaOption("big", 2),), 1, 1),
        Demand("c", (ReplicaOption("big", 1), ReplicaOption("small", 1)), 1, 1),
    ]
    exhaustive = place(demands, SHAPES)
    greedy = place(demands, SHAPES, exhaustive_limit=1)
    assert greedy.search == "greedy"
    assert greedy.assignment == exhaustive.assignment
    assert greedy.at_max.usd_per_hour(SHAPES) == 8.0


def test_naive_baseline_bills_the_smallest_vm_whole_per_replica() -> None:
    demands = [
        Demand("a", (ReplicaOption("big", 4), ReplicaOption("small", 1)), 1, 2),
        Demand("b", (ReplicaOption("big", 2),), 1, 1),
        Demand("owned-only", (ReplicaOption("owned", 1),), 1, 1),
        Demand("huge", (ReplicaOption("big", 8, 2),), 1, 1),
    ]
    assert naive_baseline(demands, SHAPES) == {"a": 3.0, "b": 8.0, "huge": 16.0, "owned-only": None}
    assert naive_baseline(demands, SHAPES, "min")["a"] == 1.5


def test_empty_options_are_an_error() -> None:
    with pytest.raises(ValueError, match="^m: no replica options$"):
        place([Demand("m", ())], SHAPES)
