"""Properties of the sizing functions (hypothesis): more of anything never needs fewer GPUs."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pulumi_llmops.catalog import (
    BYTES_PER_PARAM,
    TENSOR_PARALLEL_DEGREES,
    PoolCandidate,
    choose_pool,
    estimate_memory,
    gpus_per_replica,
    list_gpu_models,
)
from pulumi_llmops.catalog.sizing import NoPoolFitsError

SETTINGS = settings(max_examples=300, deadline=None, database=None)

params = st.floats(min_value=0.1, max_value=1000, allow_nan=False)
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
precisions = st.sampled_from(sorted(BYTES_PER_PARAM))
gpu_memory = st.sampled_from(sorted({m.memory_gib for m in list_gpu_models()}))
node_gpus = st.sampled_from([1, 2, 4, 8, 16])


def degree(**kwargs) -> float:
    """GPUs per replica, with 'does not fit' as infinity so comparisons stay total."""
    gpu, node = kwargs.pop("gpu"), kwargs.pop("node")
    found = gpus_per_replica(estimate_memory(**kwargs), gpu, node)
    return math.inf if found is None else found


@SETTINGS
@given(params, architectures, contexts, contexts, sequences, precisions, gpu_memory, node_gpus)
def test_more_context_never_needs_fewer_gpus(p, arch, c1, c2, seqs, prec, gpu, node) -> None:
    low, high = sorted((c1, c2))
    common = {"params_billion": p, "precision": prec, "concurrent_sequences": seqs, **arch}
    assert degree(max_context_tokens=low, gpu=gpu, node=node, **common) <= degree(
        max_context_tokens=high, gpu=gpu, node=node, **common
    )


@SETTINGS
@given(params, architectures, contexts, sequences, sequences, precisions, gpu_memory, node_gpus)
def test_more_sequences_never_need_fewer_gpus(p, arch, ctx, s1, s2, prec, gpu, node) -> None:
    low, high = sorted((s1, s2))
    common = {"params_billion": p, "precision": prec, "max_context_tokens": ctx, **arch}
    assert degree(concurrent_sequences=low, gpu=gpu, node=node, **common) <= degree(
        concurrent_sequences=high, gpu=gpu, node=node, **common
    )


@SETTINGS
@given(params, architectures, contexts, sequences, precisions, precisions, gpu_memory, node_gpus)
def test_more_bytes_per_param_never_need_fewer_gpus(p, arch, ctx, seqs, a, b, gpu, node) -> None:
    low, high = sorted((a, b), key=BYTES_PER_PARAM.__getitem__)
    common = {
        "params_billion": p,
        "max_context_tokens": ctx,
        "concurrent_sequences": seqs,
        **arch,
    }
    assert degree(precision=low, gpu=gpu, node=node, **common) <= degree(
        precision=high, gpu=gpu, node=node, **common
    )


@SETTINGS
@given(params, architectures, contexts, sequences, precisions)
def test_parts_add_up_and_more_gpus_never_need_more_memory_each(p, arch, ctx, seqs, prec) -> None:
    estimate = estimate_memory(
        params_billion=p,
        precision=prec,
        max_context_tokens=ctx,
        concurrent_sequences=seqs,
        **arch,
    )
    assert estimate.total_gib == estimate.weights_gib + estimate.kv_cache_gib + 2.0
    assert estimate.per_gpu_gib(1) == estimate.total_gib
    needs = [estimate.per_gpu_gib(d) for d in TENSOR_PARALLEL_DEGREES]
    assert needs == sorted(needs, reverse=True)
    assert estimate.kv_cache_estimated is (arch == {})


pools = st.lists(
    st.builds(
        PoolCandidate,
        name=st.text("abcdefgh", min_size=1, max_size=6),
        gpu_model=st.just("X"),
        gpu_memory_gib=gpu_memory,
        gpus_per_node=node_gpus,
        usd_per_hour=st.one_of(st.none(), st.floats(0.01, 100, allow_nan=False)),
    ),
    max_size=6,
)


@SETTINGS
@given(params, contexts, sequences, precisions, pools)
def test_choice_fits_and_no_fitting_priced_pool_is_cheaper(p, ctx, seqs, prec, candidates) -> None:
    estimate = estimate_memory(
        params_billion=p, precision=prec, max_context_tokens=ctx, concurrent_sequences=seqs
    )
    fitting = {
        pool: gpus_per_replica(estimate, pool.gpu_memory_gib, pool.gpus_per_node)
        for pool in candidates
    }
    fitting = {pool: d for pool, d in fitting.items() if d is not None}
    try:
        choice = choose_pool(estimate, candidates)
    except NoPoolFitsError:
        assert not fitting
        return
    assert estimate.fits(choice.pool.gpu_memory_gib, choice.tensor_parallel)
    assert fitting[choice.pool] == choice.tensor_parallel
    priced = [
        d * pool.usd_per_hour / pool.gpus_per_node
        for pool, d in fitting.items()
        if pool.usd_per_hour is not None
    ]
    if priced:
        assert choice.usd_per_hour_per_replica == min(priced)
    else:
        assert choice.usd_per_hour_per_replica is None
