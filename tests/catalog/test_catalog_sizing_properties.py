"""Properties (hypothesis): more of anything never needs fewer GPUs; placement is optimal
on small problems, never above the naive baseline, and greedy never beats exhaustive."""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_llmops.catalog import list_gpu_models
from pulumi_llmops.catalog.packing import (
    Demand,
    ReplicaOption,
    Shape,
    pack_pool,
)
from pulumi_llmops.catalog.placement import naive_baseline, place
from pulumi_llmops.catalog.sizing import (
    QUANT_BYTES,
    TENSOR_PARALLEL_DEGREES,
    ModelShape,
    ServingParams,
    estimate_memory,
)

SETTINGS = settings(max_examples=200, deadline=None, database=None)

params = st.floats(min_value=0.1e9, max_value=1000e9, allow_nan=False)
architectures = st.one_of(
    st.just({}),
    st.fixed_dictionaries(
        {
            "num_layers": st.integers(1, 160),
            "num_kv_heads": st.integers(1, 128),
            "head_dim": st.sampled_from([64, 80, 96, 128, 256]),
        }
    ),
)
contexts = st.integers(1, 1_048_576)
sequences = st.integers(1, 512)
precisions = st.sampled_from(sorted(QUANT_BYTES))
gpus = st.sampled_from(list_gpu_models())
node_gpus = st.sampled_from([1, 2, 4, 8])


def degree(shape: ModelShape, serving: ServingParams, gpu, node: int) -> float:
    """Smallest TP that fits on one node, infinity when none does."""
    estimate = estimate_memory(shape, serving)
    for tp in TENSOR_PARALLEL_DEGREES:
        if tp <= node and estimate.need(gpu.name, gpu.memory_gib, tp).fits:
            return tp
    return math.inf


@SETTINGS
@given(params, architectures, contexts, contexts, sequences, precisions, gpus, node_gpus)
def test_more_context_never_needs_fewer_gpus(p, arch, c1, c2, seqs, prec, gpu, node) -> None:
    low, high = sorted((c1, c2))
    shape = ModelShape(total_params=p, precision=prec, **arch)
    assert degree(shape, ServingParams(max_model_len=low, concurrency=seqs), gpu, node) <= degree(
        shape, ServingParams(max_model_len=high, concurrency=seqs), gpu, node
    )


@SETTINGS
@given(params, architectures, contexts, sequences, sequences, precisions, gpus, node_gpus)
def test_more_sequences_never_need_fewer_gpus(p, arch, ctx, s1, s2, prec, gpu, node) -> None:
    low, high = sorted((s1, s2))
    shape = ModelShape(total_params=p, precision=prec, **arch)
    assert degree(shape, ServingParams(max_model_len=ctx, concurrency=low), gpu, node) <= degree(
        shape, ServingParams(max_model_len=ctx, concurrency=high), gpu, node
    )


@SETTINGS
@given(params, architectures, contexts, sequences, precisions, precisions, gpus, node_gpus)
def test_more_bytes_per_param_never_need_fewer_gpus(p, arch, ctx, seqs, a, b, gpu, node) -> None:
    low, high = sorted((a, b), key=QUANT_BYTES.__getitem__)
    serving = ServingParams(max_model_len=ctx, concurrency=seqs)
    assert degree(ModelShape(total_params=p, precision=low, **arch), serving, gpu, node) <= degree(
        ModelShape(total_params=p, precision=high, **arch), serving, gpu, node
    )


@SETTINGS
@given(params, architectures, contexts, sequences, precisions, gpus)
def test_terms_add_up_and_more_gpus_never_need_more_each(p, arch, ctx, seqs, prec, gpu) -> None:
    estimate = estimate_memory(
        ModelShape(total_params=p, precision=prec, **arch),
        ServingParams(max_model_len=ctx, concurrency=seqs),
    )
    needs = [estimate.need(gpu.name, gpu.memory_gib, tp) for tp in TENSOR_PARALLEL_DEGREES]
    for need in needs:
        parts = (
            need.weights_gib,
            need.kv_cache_gib,
            need.activation_gib,
            need.cuda_graph_gib,
            need.non_torch_gib,
        )
        assert need.total_gib == sum(parts)
    totals = [n.total_gib for n in needs]
    assert totals == sorted(totals, reverse=True)
    assert estimate.kv_cache_estimated is (arch == {})


shapes = st.lists(
    st.builds(
        Shape,
        pool=st.sampled_from("abcdef"),
        gpu_model=st.just("X"),
        gpu_memory_gib=st.floats(10, 150),
        gpus_per_node=node_gpus,
        usd_per_hour=st.one_of(st.none(), st.floats(0.1, 100, allow_nan=False)),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda s: s.pool,
)


@st.composite
def problems(draw):
    pools = {s.pool: s for s in draw(shapes)}
    demands = []
    for index in range(draw(st.integers(1, 4))):
        options = []
        for pool in draw(st.lists(st.sampled_from(sorted(pools)), min_size=1, unique=True)):
            tp = draw(st.sampled_from([t for t in (1, 2, 4, 8) if t <= pools[pool].gpus_per_node]))
            options.append(ReplicaOption(pool, tp))
        low = draw(st.integers(0, 3))
        demands.append(Demand(f"m{index}", tuple(options), low, low + draw(st.integers(0, 3))))
    return demands, pools


def _cost(assignment, demands, pools) -> tuple[float, float]:
    """Brute-force cost of an assignment: FFD nodes x price at max then min replicas."""
    result = []
    for which in ("max", "min"):
        items: dict[str, list] = {}
        for demand in demands:
            option = assignment[demand.model]
            count = demand.max_replicas if which == "max" else demand.min_replicas
            items.setdefault(option.pool, []).extend([(demand.model, option.tp, 1)] * count)
        total = 0.0
        for pool, pool_items in items.items():
            nodes = len(pack_pool(pool, pools[pool].gpus_per_node, pool_items))
            total += nodes * (pools[pool].usd_per_hour or 0.0)
        result.append(round(total, 6))
    return tuple(result)


@SETTINGS
@given(problems())
def test_placement_is_the_cheapest_assignment(problem) -> None:
    demands, pools = problem
    placement = place(demands, pools)
    assert placement.search == "exhaustive"
    priced = {d.model for d in demands if any(pools[o.pool].usd_per_hour for o in d.options)}
    best = None
    for combo in itertools.product(*(d.options for d in demands)):
        assignment = {d.model: o for d, o in zip(demands, combo, strict=True)}
        unpriced = sum(1 for m in priced if pools[assignment[m].pool].usd_per_hour is None)
        key = (unpriced, *_cost(assignment, demands, pools))
        best = key if best is None or key < best else best
    chosen = placement.assignment
    unpriced = sum(1 for m in priced if pools[chosen[m].pool].usd_per_hour is None)
    assert (unpriced, *_cost(chosen, demands, pools)) == best
    greedy = place(demands, pools, exhaustive_limit=0)
    assert greedy.search == "greedy"
    g = greedy.assignment
    g_unpriced = sum(1 for m in priced if pools[g[m].pool].usd_per_hour is None)
    assert (g_unpriced, *_cost(g, demands, pools)) >= best


@SETTINGS
@given(problems())
def test_placement_never_costs_more_than_the_naive_baseline(problem) -> None:
    demands, pools = problem
    if not all(all(pools[o.pool].usd_per_hour for o in d.options) for d in demands):
        return  # the baseline is defined over priced options only
    placed = place(demands, pools).at_max.usd_per_hour(pools)
    naive = sum(naive_baseline(demands, pools).values())
    assert placed is not None and placed <= naive + 1e-9


@SETTINGS
@given(node_gpus, st.lists(st.sampled_from([1, 2, 4, 8]), max_size=30))
def test_ffd_fills_every_node_but_the_last_with_divisible_sizes(node, sizes) -> None:
    sizes = [s for s in sizes if s <= node]
    nodes = pack_pool("p", node, [(f"m{i}", s, 1) for i, s in enumerate(sizes)])
    assert len(nodes) == math.ceil(sum(sizes) / node)
    assert all(n.free >= 0 for n in nodes)
