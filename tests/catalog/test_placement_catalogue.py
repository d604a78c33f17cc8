"""Placement vs the naive baseline on a fixed catalogue: AWS us-east-1's priced shapes."""

from __future__ import annotations

import pytest

from pulumi_llmops.catalog import get_gpu_model, hourly_price, list_instances
from pulumi_llmops.catalog.fit import replica_options
from pulumi_llmops.catalog.packing import Demand, Shape
from pulumi_llmops.catalog.placement import naive_baseline, place
from pulumi_llmops.catalog.reference import reference_model
from pulumi_llmops.catalog.sizing import ServingParams, estimate_memory


def aws_shapes() -> tuple[dict[str, Shape], dict]:
    shapes, gpus = {}, {}
    for instance in list_instances("aws"):
        price = hourly_price(instance, "us-east-1")
        if price is not None:
            shapes[instance.machine_type] = Shape(
                instance.machine_type,
                instance.gpu_model,
                instance.gpu_memory_gib,
                instance.gpu_count,
                usd_per_hour=price.usd_per_hour,
            )
            gpus[instance.machine_type] = get_gpu_model(instance.gpu_model)
    return shapes, gpus


MODELS = {
    "gemma9b": ("google/gemma-2-9b-it", "bf16"),
    "llama8b": ("meta-llama/Llama-3.1-8B-Instruct", "bf16"),
    "qwen3-235b": ("Qwen/Qwen3-235B-A22B", "fp8"),
    "qwen32b": ("Qwen/Qwen2.5-32B-Instruct", "bf16"),
}


def test_small_models_ride_in_the_big_models_free_gpus() -> None:
    shapes, gpus = aws_shapes()
    demands = []
    for name, (repo, precision) in MODELS.items():
        estimate = estimate_memory(
            reference_model(repo).shape(precision), ServingParams(concurrency=4)
        )
        demands.append(Demand(name, replica_options(estimate, shapes, gpus).options))
    placement = place(demands, shapes)
    # Qwen3-235B FP8 needs 4 H100s (half a p5.48xlarge, $55.04) or 2 H200s (p5en, $63.30);
    # the other three (1 + 1 + 2 GPUs) fill the node's 4 free H100s at no extra cost.
    assert {m: (o.pool, o.tp) for m, o in placement.assignment.items()} == {
        "gemma9b": ("p5.48xlarge", 1),
        "llama8b": ("p5.48xlarge", 1),
        "qwen3-235b": ("p5.48xlarge", 4),
        "qwen32b": ("p5.48xlarge", 2),
    }
    assert placement.search == "exhaustive"
    assert placement.at_max.usd_per_hour(shapes) == 55.04
    assert placement.at_max.idle_usd_per_hour(shapes) == {"p5.48xlarge": 0.0}
    # Naive: the smallest VM per model, billed whole: g6e.xlarge (1 x L40S) for the two small
    # ones, g5.12xlarge (4 x A10G) for Qwen2.5-32B, a whole p5.48xlarge for Qwen3-235B.
    naive = naive_baseline(demands, shapes)
    assert naive == {"gemma9b": 1.861, "llama8b": 1.861, "qwen3-235b": 55.04, "qwen32b": 5.672}
    assert 1 - 55.04 / sum(naive.values()) == pytest.approx(0.14579, abs=1e-5)
