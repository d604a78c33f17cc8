"""Alert thresholds from config, the recording rules, and GPU prices for the cost dashboard."""

from __future__ import annotations

import re

from pulumi_llmops.addons.observability.cost import (
    cost_expression,
    dcgm_model_regex,
    gpu_hourly_prices,
)
from pulumi_llmops.addons.observability.rules import alert_rules, recording_rules
from pulumi_llmops.catalog.shape import PoolShape, resolve_pool
from pulumi_llmops.config.node_pool import GpuShapeSpec
from pulumi_llmops.config.observability import AlertThresholdsSpec


def _alerts(**thresholds) -> dict[str, dict]:
    return {a["alert"]: a for a in alert_rules(AlertThresholdsSpec(**thresholds))}


def test_alert_set_and_default_thresholds() -> None:
    alerts = _alerts()
    assert sorted(alerts) == [
        "LlmOpsGpuMemoryNearFull",
        "LlmOpsGpuXidError",
        "LlmOpsGpusIdle",
        "LlmOpsQueueDepthHigh",
        "LlmOpsTtftSloBreached",
    ]
    assert alerts["LlmOpsTtftSloBreached"]["expr"] == (
        "llmops:vllm_time_to_first_token_seconds:p95 > 2"
    )
    assert alerts["LlmOpsGpusIdle"]["for"] == "60m"
    assert alerts["LlmOpsGpuXidError"]["labels"] == {"severity": "critical"}


def test_thresholds_come_from_config() -> None:
    alerts = _alerts(
        ttft_p95_slo_seconds=0.75,
        queue_depth_max=32,
        gpu_idle_minutes=90,
        gpu_memory_used_percent=97,
    )
    assert alerts["LlmOpsTtftSloBreached"]["expr"].endswith("> 0.75")
    assert alerts["LlmOpsQueueDepthHigh"]["expr"] == (
        "sum by (model_name) (vllm:num_requests_waiting) > 32"
    )
    assert alerts["LlmOpsGpusIdle"]["for"] == "90m"
    assert alerts["LlmOpsGpuMemoryNearFull"]["expr"].endswith("> 97")


def test_cost_rules_only_exist_with_prices() -> None:
    assert "llmops:gpu_hourly_cost_usd" not in {r["record"] for r in recording_rules(None)}
    records = {r["record"]: r["expr"] for r in recording_rules(cost_expression({"L4": 0.8}, {}))}
    assert records["llmops:usd_per_million_generated_tokens"] == (
        "llmops:gpu_hourly_cost_usd / (llmops:vllm_generation_tokens:rate5m * 3600 > 0) * 1e6"
    )


def test_cost_expression_multiplies_gpu_counts_by_price() -> None:
    assert cost_expression({"L4": 0.8}, {}) == (
        'sum((count(group by (Hostname, gpu) (DCGM_FI_DEV_FB_USED{modelName=~".*\\\\bL4\\\\b.*"}))'
        " * 0.8 or vector(0)))"
    )
    assert cost_expression({}, {}) is None
    custom = cost_expression({"H100-NVL-94GB": 3.0}, {"H100-NVL-94GB": "NVIDIA H100 NVL"})
    assert 'modelName=~"NVIDIA H100 NVL"' in custom


def test_dcgm_regex_matches_whole_tokens_only() -> None:
    l4 = re.compile(dcgm_model_regex("L4"))
    assert l4.fullmatch("NVIDIA L4") and not l4.fullmatch("NVIDIA L40S")
    a100 = re.compile(dcgm_model_regex("A100-80GB"))
    assert a100.fullmatch("NVIDIA A100-SXM4-80GB") and a100.fullmatch("NVIDIA A100 80GB PCIe")
    assert not a100.fullmatch("NVIDIA A100-SXM4-40GB")


def _shape(machine: str | None, region: str = "us-east-1", gpu: str = "L40S") -> PoolShape:
    cloud = "aws" if machine else None
    declared = None if machine else GpuShapeSpec(model=gpu, count=1)
    return resolve_pool(cloud, machine, declared, region)


def test_catalogue_price_per_gpu_from_the_pool_machine_type() -> None:
    # g5.xlarge: 1 x A10G, $1.006/h in us-east-1 (catalog/data/instances.yaml).
    assert gpu_hourly_prices([_shape("g5.xlarge")], {}) == {"A10G": 1.006}
    assert gpu_hourly_prices([_shape("g5.xlarge", "mars-1")], {}) == {}
    # g5.12xlarge: 4 x A10G at $5.672/h: the price is per GPU.
    assert gpu_hourly_prices([_shape("g5.12xlarge")], {}) == {"A10G": 1.418}


def test_config_price_wins_and_onprem_needs_one() -> None:
    assert gpu_hourly_prices([_shape("g5.xlarge")], {"A10G": 0.5}) == {"A10G": 0.5}
    onprem = [_shape(None, "lab")]
    assert gpu_hourly_prices(onprem, {}) == {}
    assert gpu_hourly_prices(onprem, {"l40s": 0.95}) == {"L40S": 0.95}


def test_gpu_counts_and_idleness_survive_mig() -> None:
    """DCGM_FI_DEV_GPU_UTIL is not reported for MIG instances (NVIDIA/dcgm-exporter#216,
    #430): GPUs are counted from a field MIG instances report (one group per physical GPU)
    and busyness comes from the graphics-engine activity, GPU_UTIL only as a fallback."""
    records = {r["record"]: r["expr"] for r in recording_rules(None)}
    assert records["llmops:gpu_count"] == (
        "count by (modelName) (group by (Hostname, gpu, modelName) (DCGM_FI_DEV_FB_USED))"
    )
    assert records["llmops:gpu_busy_percent"] == (
        "max by (Hostname, gpu, modelName) (DCGM_FI_PROF_GR_ENGINE_ACTIVE) * 100 "
        "or max by (Hostname, gpu, modelName) (DCGM_FI_DEV_GPU_UTIL)"
    )
    assert _alerts()["LlmOpsGpusIdle"]["expr"] == (
        "max by (Hostname) (llmops:gpu_busy_percent) == 0"
    )
    every = [r["expr"] for r in recording_rules(cost_expression({"A100-80GB": 1.0}, {}))]
    every += [a["expr"] for a in alert_rules(AlertThresholdsSpec())]
    # GPU_UTIL appears only as the fallback of the busy rule.
    assert [e for e in every if "DCGM_FI_DEV_GPU_UTIL" in e] == [records["llmops:gpu_busy_percent"]]
