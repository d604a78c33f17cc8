"""`llmops plan` prints the packing and its cost: nodes per pool, $/h and $/month per pool and
per model, GPU utilisation, spot beside on-demand (issue 17, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_llmops.catalog import hourly_price, lookup_instance
from pulumi_llmops.catalog.pricing import HOURS_PER_MONTH
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.render import render_text
from pulumi_llmops.offline.stack_file import read_stack_file

ROOT = Path(__file__).resolve().parents[2]
EKS_EXAMPLE = ROOT / "examples" / "eks-llm-serving" / "Pulumi.dev.yaml"
WITH_MODELS = [
    ROOT / "stacks" / "Pulumi.dev-onprem.yaml",
    ROOT / "examples" / "aks-gpu-sharing" / "Pulumi.prod.yaml",
    EKS_EXAMPLE,
    ROOT / "examples" / "gke-rag" / "Pulumi.dev.yaml",
    ROOT / "examples" / "onprem-existing-cluster" / "Pulumi.lab.yaml",
]
_PLANS: dict[Path, object] = {}


def plan(path: Path):
    if path not in _PLANS:
        _PLANS[path] = plan_stack(read_stack_file(path))
    return _PLANS[path]


def test_the_eks_example_packs_three_replicas_onto_three_l4_nodes_and_prices_them() -> None:
    """mistral-7b 1-1 and qwen2-5-7b 1-2 replicas, 1 GPU each, on g6.xlarge (1 x L4)."""
    result = plan(EKS_EXAMPLE)
    on_demand = hourly_price(lookup_instance("aws", "g6.xlarge"), "us-east-1").usd_per_hour
    assert on_demand == 0.8048
    spot = 0.3821  # the catalogue's recorded us-east-1 median (2026-12-02)
    [pool] = result.packing
    assert (pool.pool, pool.gpu, pool.gpus_per_node, pool.capacity) == ("l4-spot", "L4", 1, "spot")
    assert (pool.nodes_min, pool.nodes_max, pool.max_nodes) == (2, 3, 3)
    assert (pool.gpu_utilisation_min, pool.gpu_utilisation_max) == (1.0, 1.0)
    assert pool.usd_per_hour_min == pytest.approx(2 * on_demand)
    assert pool.usd_per_hour_max == pytest.approx(3 * on_demand)
    assert pool.monthly_cost_max_usd == pytest.approx(3 * on_demand * HOURS_PER_MONTH)
    assert pool.spot_usd_per_hour_min == pytest.approx(2 * spot)
    assert pool.spot_usd_per_hour_max == pytest.approx(3 * spot)
    assert pool.idle_usd_per_hour_max == 0.0
    assert result.search == "exhaustive"
    costs = {c.model: c for c in result.model_costs}
    assert sorted(costs) == ["mistral-7b", "qwen2-5-7b"]
    qwen = costs["qwen2-5-7b"]
    assert (qwen.min_replicas, qwen.max_replicas) == (1, 2)
    assert (qwen.usd_per_hour_min, qwen.usd_per_hour_max) == (0.8048, 1.6096)
    assert qwen.monthly_cost_max_usd == round(1.6096 * HOURS_PER_MONTH, 4)
    assert (qwen.spot_usd_per_hour_min, qwen.spot_usd_per_hour_max) == (spot, 2 * spot)


def test_the_eks_example_plan_text_shows_packing_and_model_costs() -> None:
    text = render_text(plan(EKS_EXAMPLE))
    lines = text.splitlines()
    start = lines.index("GPU packing")
    assert lines[start + 1].split() == [
        "pool", "gpu", "nodes", "of", "max", "gpus", "used", "$/h", "$/mo", "spot", "$/h", "idle",
        "$/h",
    ]  # fmt: skip
    assert lines[start + 2].split() == [
        "l4-spot", "1", "x", "L4", "2-3", "3", "100%-100%", "$1.61-2.41", "$1,175-1,763",
        "$0.76-1.15", "$0.00",
    ]  # fmt: skip
    assert "(exhaustive search)" in text
    assert "l4-spot spot: skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv" in text
    costs = lines.index("Model costs")
    assert lines[costs + 2].split() == [
        "mistral-7b", "l4-spot", "1-1", "$0.80-0.80", "$588-588", "$0.38-0.38",
    ]  # fmt: skip
    assert lines[costs + 3].split() == [
        "qwen2-5-7b", "l4-spot", "1-2", "$0.80-1.61", "$588-1,175", "$0.38-0.76",
    ]  # fmt: skip


@pytest.mark.parametrize("path", WITH_MODELS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_a_pool_costs_its_models_shares_plus_its_idle_gpus(path: Path) -> None:
    result = plan(path)
    assert result.model_costs, "no model on a GPU pool"
    for pool in result.packing:
        shares = [c.usd_per_hour_max for c in result.model_costs if c.pool == pool.pool]
        if pool.usd_per_hour_max is None:
            assert all(s is None for s in shares)
            continue
        assert sum(shares) + pool.idle_usd_per_hour_max == pytest.approx(
            pool.usd_per_hour_max, abs=1e-3
        )
        used = pool.gpu_utilisation_max
        if pool.nodes_max:
            assert pool.idle_usd_per_hour_max == pytest.approx(
                (1 - used) * pool.usd_per_hour_max, abs=1e-6
            )


def test_the_json_plan_carries_the_packing() -> None:
    data = plan(EKS_EXAMPLE).to_dict()
    [pool] = data["gpu_packing"]
    assert pool["nodes_max"] == 3 and pool["usd_per_hour_max"] == 2.4144
    assert pool["over_capacity"] is False
    assert [c["model"] for c in data["model_costs"]] == ["mistral-7b", "qwen2-5-7b"]
    assert data["placement_search"] == "exhaustive"


def test_a_stack_without_models_prints_no_packing() -> None:
    result = plan_stack(read_stack_file(ROOT / "stacks" / "Pulumi.dev-eks.yaml"))
    assert result.model_costs == []
    assert "GPU packing" not in render_text(result)
