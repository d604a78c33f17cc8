"""The library's PrometheusRule: recording rules the dashboards use, and alerts for GPUs and
LLM serving. Pure functions; metric names from DCGM exporter and vLLM only.

DCGM fields: https://docs.nvidia.com/datacenter/dcgm/latest/user-guide/feature-overview.html
vLLM metrics: https://docs.vllm.ai/en/latest/design/metrics.html
"""

from __future__ import annotations

from typing import Any

from ...config.observability import AlertThresholdsSpec
from .cost import COST_RULE, GPU_COUNT_RULE, physical_gpus

GPU_BUSY_RULE = "llmops:gpu_busy_percent"
"""Per physical GPU: graphics-engine activity (DCGM_FI_PROF_GR_ENGINE_ACTIVE, reported for
MIG instances, the busiest instance counts) as a percentage, else DCGM_FI_DEV_GPU_UTIL
(GPUs without profiling metrics, pre-Volta). GPU_UTIL alone reads absent or 0 under MIG."""
GPU_BUSY_EXPR = (
    "max by (Hostname, gpu, modelName) (DCGM_FI_PROF_GR_ENGINE_ACTIVE) * 100 "
    "or max by (Hostname, gpu, modelName) (DCGM_FI_DEV_GPU_UTIL)"
)
TTFT_P95_RULE = "llmops:vllm_time_to_first_token_seconds:p95"
GENERATION_RATE_RULE = "llmops:vllm_generation_tokens:rate5m"
COST_PER_MTOK_RULE = "llmops:usd_per_million_generated_tokens"

RECORDING_RULES = (
    COST_RULE,
    GPU_COUNT_RULE,
    GPU_BUSY_RULE,
    TTFT_P95_RULE,
    GENERATION_RATE_RULE,
    COST_PER_MTOK_RULE,
)


def recording_rules(cost_expr: str | None) -> list[dict[str, Any]]:
    rules = [
        {"record": GPU_COUNT_RULE, "expr": f"count by (modelName) ({physical_gpus()})"},
        {"record": GPU_BUSY_RULE, "expr": GPU_BUSY_EXPR},
        {
            "record": TTFT_P95_RULE,
            "expr": "histogram_quantile(0.95, sum by (le, model_name) "
            "(rate(vllm:time_to_first_token_seconds_bucket[5m])))",
        },
        {
            "record": GENERATION_RATE_RULE,
            "expr": "sum(rate(vllm:generation_tokens_total[5m]))",
        },
    ]
    if cost_expr is not None:
        rules.append({"record": COST_RULE, "expr": cost_expr})
        # USD/hour divided by tokens/hour, per million tokens; absent while nothing is generated.
        rules.append(
            {
                "record": COST_PER_MTOK_RULE,
                "expr": f"{COST_RULE} / ({GENERATION_RATE_RULE} * 3600 > 0) * 1e6",
            }
        )
    return rules


def alert_rules(thresholds: AlertThresholdsSpec) -> list[dict[str, Any]]:
    t = thresholds
    return [
        {
            "alert": "LlmOpsGpuXidError",
            "expr": "max by (Hostname, gpu, modelName) (DCGM_FI_DEV_XID_ERRORS) > 0",
            "for": "0m",
            "labels": {"severity": "critical"},
            "annotations": {
                "summary": "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported XID "
                "error {{ $value }}",
                "description": "XID errors signal driver or hardware faults (XID 48/79: "
                "double-bit ECC / GPU fell off the bus). Drain the node and check dmesg.",
            },
        },
        {
            "alert": "LlmOpsGpuMemoryNearFull",
            "expr": "DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE) * 100 "
            f"> {t.gpu_memory_used_percent}",
            "for": "15m",
            "labels": {"severity": "warning"},
            "annotations": {
                "summary": "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} framebuffer above "
                f"{t.gpu_memory_used_percent}%",
                "description": "Out-of-memory errors are likely; check batch size, context "
                "length and --gpu-memory-utilization.",
            },
        },
        {
            "alert": "LlmOpsGpusIdle",
            "expr": f"max by (Hostname) ({GPU_BUSY_RULE}) == 0",
            "for": f"{t.gpu_idle_minutes}m",
            "labels": {"severity": "info"},
            "annotations": {
                "summary": "GPUs on {{ $labels.Hostname }} idle for "
                f"{t.gpu_idle_minutes} minutes while the node runs",
                "description": "Paid-for GPUs do no work: scale the pool down or schedule work.",
            },
        },
        {
            "alert": "LlmOpsTtftSloBreached",
            "expr": f"{TTFT_P95_RULE} > {t.ttft_p95_slo_seconds:g}",
            "for": "10m",
            "labels": {"severity": "warning"},
            "annotations": {
                "summary": "p95 time to first token of {{ $labels.model_name }} above "
                f"{t.ttft_p95_slo_seconds:g}s",
                "description": "Add replicas, check queue depth and KV-cache use.",
            },
        },
        {
            "alert": "LlmOpsQueueDepthHigh",
            "expr": f"sum by (model_name) (vllm:num_requests_waiting) > {t.queue_depth_max}",
            "for": "5m",
            "labels": {"severity": "warning"},
            "annotations": {
                "summary": "{{ $value }} requests waiting for {{ $labels.model_name }}",
                "description": "The model is saturated: scale out or raise max_num_seqs.",
            },
        },
    ]


def prometheus_rule(
    namespace: str, thresholds: AlertThresholdsSpec, cost_expr: str | None, labels: dict[str, str]
) -> dict[str, Any]:
    """The PrometheusRule object (monitoring.coreos.com/v1)."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "llmops", "namespace": namespace, "labels": labels},
        "spec": {
            "groups": [
                {"name": "llmops.recording", "interval": "1m", "rules": recording_rules(cost_expr)},
                {"name": "llmops.alerts", "rules": alert_rules(thresholds)},
            ]
        },
    }
