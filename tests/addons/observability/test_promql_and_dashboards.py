"""Dashboards are valid JSON whose PromQL names only reference-sheet metrics (DCGM_*, vllm:*)
or the library's own recording rules; the same holds for every rule expression."""

from __future__ import annotations

import json

import pytest

from helpers.promql import ALLOWED, metric_names
from pulumi_llmops.addons.observability.cost import cost_expression
from pulumi_llmops.addons.observability.dashboards import (
    dashboard_configmap,
    dashboard_json,
    dashboards,
)
from pulumi_llmops.addons.observability.rules import prometheus_rule
from pulumi_llmops.config.observability import AlertThresholdsSpec

PRICES = {"A100-80GB": 4.1, "L4": 0.8}


def test_metric_name_parser_finds_names_and_skips_functions_labels_and_numbers() -> None:
    expr = (
        'histogram_quantile(0.95, sum by (le, model_name) (rate(foo_bucket{a="b:c"}[5m]))) '
        "/ on(x) group_left(y) bar:baz * 1e6 > bool 2 or vector(0)"
    )
    assert metric_names(expr) == {"foo_bucket", "bar:baz"}


def _expressions(dashboard: dict) -> list[str]:
    return [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]


@pytest.mark.parametrize("key", ["gpu-fleet", "llm-serving", "cost"])
def test_dashboard_is_valid_json_with_only_known_metrics(key: str) -> None:
    dashboard = dashboards(PRICES)[key]
    assert json.loads(dashboard_json(dashboard)) == dashboard
    exprs = _expressions(dashboard)
    assert exprs, "a dashboard without queries"
    used = set().union(*(metric_names(e) for e in exprs))
    assert used and used <= ALLOWED, f"unknown metrics: {used - ALLOWED}"
    assert dashboard["uid"] == f"llmops-{key}"
    ids = [p["id"] for p in dashboard["panels"]]
    assert ids == list(range(1, len(ids) + 1))


def test_serving_dashboard_covers_ttft_itl_throughput_queue_and_kv_cache() -> None:
    used = set().union(*(metric_names(e) for e in _expressions(dashboards({})["llm-serving"])))
    assert {
        "llmops:vllm_time_to_first_token_seconds:p95",
        "vllm:time_to_first_token_seconds_bucket",
        "vllm:inter_token_latency_seconds_bucket",
        "vllm:generation_tokens_total",
        "vllm:num_requests_waiting",
        "vllm:kv_cache_usage_perc",
    } <= used


def test_cost_dashboard_states_its_prices_or_how_to_set_them() -> None:
    assert "A100-80GB $4.1/GPU-h, L4 $0.8/GPU-h" in dashboards(PRICES)["cost"]["description"]
    assert "gpu_usd_per_hour" in dashboards({})["cost"]["description"]


def test_rule_expressions_use_only_known_metrics() -> None:
    rule = prometheus_rule("monitoring", AlertThresholdsSpec(), cost_expression(PRICES, {}), {})
    exprs = [r["expr"] for group in rule["spec"]["groups"] for r in group["rules"]]
    used = set().union(*(metric_names(e) for e in exprs))
    assert used <= ALLOWED, f"unknown metrics: {used - ALLOWED}"
    assert "DCGM_FI_DEV_XID_ERRORS" in used and "vllm:num_requests_waiting" in used


def test_dashboard_configmap_is_labelled_for_the_grafana_sidecar() -> None:
    cm = dashboard_configmap("cost", dashboards(PRICES)["cost"], "monitoring", {"team": "ml"})
    assert cm["metadata"]["labels"] == {"team": "ml", "grafana_dashboard": "1"}
    assert list(cm["data"]) == ["llmops-cost.json"]
    json.loads(cm["data"]["llmops-cost.json"])
