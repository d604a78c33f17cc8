"""The library's Grafana dashboards as JSON (pure functions): GPU fleet, LLM serving, cost.

Shipped as ConfigMaps labelled `grafana_dashboard: "1"` for Grafana's dashboard sidecar
(no gnetId imports: those need internet from Grafana).
Dashboard model: https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
"""

from __future__ import annotations

import json
from typing import Any

from .cost import COST_RULE, GPU_COUNT_RULE
from .rules import COST_PER_MTOK_RULE, GENERATION_RATE_RULE, GPU_BUSY_RULE, TTFT_P95_RULE

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
FOLDER = "LLMOps"


def _panel(
    title: str,
    targets: list[tuple[str, str]],
    *,
    unit: str = "short",
    kind: str = "timeseries",
    description: str = "",
) -> dict[str, Any]:
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": DATASOURCE,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {
                "refId": chr(ord("A") + i),
                "expr": expr,
                "legendFormat": legend,
                "datasource": DATASOURCE,
            }
            for i, (expr, legend) in enumerate(targets)
        ],
    }


def _layout(panels: list[dict[str, Any]], width: int = 12, height: int = 8) -> list[dict[str, Any]]:
    per_row = 24 // width
    out = []
    for i, panel in enumerate(panels):
        out.append(
            {
                **panel,
                "id": i + 1,
                "gridPos": {
                    "x": (i % per_row) * width,
                    "y": (i // per_row) * height,
                    "w": width,
                    "h": height,
                },
            }
        )
    return out


def _dashboard(
    uid: str, title: str, panels: list[dict[str, Any]], description: str
) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "description": description,
        "tags": ["llmops", "pulumi-llmops"],
        "editable": False,
        "schemaVersion": 39,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "30s",
        "timezone": "utc",
        "templating": {
            "list": [
                {
                    "name": "datasource",
                    "label": "Data source",
                    "type": "datasource",
                    "query": "prometheus",
                }
            ]
        },
        "panels": _layout(panels),
    }


def gpu_fleet_dashboard() -> dict[str, Any]:
    panels = [
        _panel("GPUs by model", [(GPU_COUNT_RULE, "{{modelName}}")], kind="stat"),
        _panel(
            "GPU utilisation",
            [(GPU_BUSY_RULE, "{{Hostname}} gpu{{gpu}}")],
            unit="percent",
            description="Graphics-engine activity (busiest MIG instance on MIG GPUs).",
        ),
        _panel(
            "Framebuffer used",
            [
                (
                    "DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE) * 100",
                    "{{Hostname}} gpu{{gpu}}",
                )
            ],
            unit="percent",
        ),
        _panel(
            "Tensor core / graphics engine / DRAM activity",
            [
                ("avg by (Hostname) (DCGM_FI_PROF_PIPE_TENSOR_ACTIVE)", "tensor {{Hostname}}"),
                ("avg by (Hostname) (DCGM_FI_PROF_GR_ENGINE_ACTIVE)", "engine {{Hostname}}"),
                ("avg by (Hostname) (DCGM_FI_PROF_DRAM_ACTIVE)", "dram {{Hostname}}"),
            ],
            unit="percentunit",
        ),
        _panel(
            "Temperature", [("DCGM_FI_DEV_GPU_TEMP", "{{Hostname}} gpu{{gpu}}")], unit="celsius"
        ),
        _panel("Power", [("DCGM_FI_DEV_POWER_USAGE", "{{Hostname}} gpu{{gpu}}")], unit="watt"),
        _panel(
            "XID errors (last code)",
            [("max by (Hostname, gpu) (DCGM_FI_DEV_XID_ERRORS) > 0", "{{Hostname}} gpu{{gpu}}")],
            description="Non-zero: the driver reported an XID (see alert LlmOpsGpuXidError).",
        ),
        _panel(
            "Idle GPUs (0% utilisation)",
            [(f"count({GPU_BUSY_RULE} == 0)", "idle GPUs")],
            kind="stat",
        ),
    ]
    return _dashboard("llmops-gpu-fleet", "LLMOps / GPU fleet", panels, "DCGM exporter metrics.")


def _quantile(q: float, metric: str) -> str:
    return f"histogram_quantile({q}, sum by (le, model_name) (rate({metric}_bucket[5m])))"


def llm_serving_dashboard() -> dict[str, Any]:
    panels = [
        _panel(
            "Time to first token (p50 / p95)",
            [
                (_quantile(0.5, "vllm:time_to_first_token_seconds"), "p50 {{model_name}}"),
                (TTFT_P95_RULE, "p95 {{model_name}}"),
            ],
            unit="s",
        ),
        _panel(
            "Inter-token latency (p50 / p95)",
            [
                (_quantile(0.5, "vllm:inter_token_latency_seconds"), "p50 {{model_name}}"),
                (_quantile(0.95, "vllm:inter_token_latency_seconds"), "p95 {{model_name}}"),
            ],
            unit="s",
        ),
        _panel(
            "End-to-end request latency p95",
            [(_quantile(0.95, "vllm:e2e_request_latency_seconds"), "{{model_name}}")],
            unit="s",
        ),
        _panel(
            "Throughput (tokens/s)",
            [
                (
                    "sum by (model_name) (rate(vllm:generation_tokens_total[5m]))",
                    "generated {{model_name}}",
                ),
                (
                    "sum by (model_name) (rate(vllm:prompt_tokens_total[5m]))",
                    "prompt {{model_name}}",
                ),
            ],
            unit="short",
        ),
        _panel(
            "Requests running / waiting (queue)",
            [
                ("sum by (model_name) (vllm:num_requests_running)", "running {{model_name}}"),
                ("sum by (model_name) (vllm:num_requests_waiting)", "waiting {{model_name}}"),
            ],
        ),
        _panel(
            "Queue time p95",
            [(_quantile(0.95, "vllm:request_queue_time_seconds"), "{{model_name}}")],
            unit="s",
        ),
        _panel(
            "KV-cache use",
            [("avg by (model_name) (vllm:kv_cache_usage_perc)", "{{model_name}}")],
            unit="percentunit",
        ),
        _panel(
            "Prefix-cache hit rate",
            [
                (
                    "sum by (model_name) (rate(vllm:prefix_cache_hits[5m])) / "
                    "sum by (model_name) (rate(vllm:prefix_cache_queries[5m]))",
                    "{{model_name}}",
                )
            ],
            unit="percentunit",
        ),
    ]
    return _dashboard(
        "llmops-llm-serving", "LLMOps / LLM serving", panels, "vLLM metrics of KServe predictors."
    )


def cost_dashboard(prices: dict[str, float]) -> dict[str, Any]:
    listed = ", ".join(f"{model} ${usd:g}/GPU-h" for model, usd in sorted(prices.items()))
    basis = (
        f"Prices: {listed}."
        if prices
        else (
            "No GPU price known: set observability.cost.gpu_usd_per_hour (on-prem) "
            "to fill this dashboard."
        )
    )
    panels = [
        _panel(
            "GPU cost now (USD/hour)",
            [(COST_RULE, "USD/hour")],
            unit="currencyUSD",
            kind="stat",
            description=basis,
        ),
        _panel(
            "Projected monthly (USD, 730 h)",
            [(f"{COST_RULE} * 730", "USD/month")],
            unit="currencyUSD",
            kind="stat",
            description=basis,
        ),
        _panel(
            "USD per 1M generated tokens",
            [(COST_PER_MTOK_RULE, "USD / 1M tokens")],
            unit="currencyUSD",
            description="GPU cost per hour / (vllm:generation_tokens_total rate x 3600) x 1e6.",
        ),
        _panel("Generated tokens/s", [(GENERATION_RATE_RULE, "tokens/s")]),
        _panel("GPU cost over time (USD/hour)", [(COST_RULE, "USD/hour")], unit="currencyUSD"),
        _panel("GPUs by model", [(GPU_COUNT_RULE, "{{modelName}}")]),
    ]
    return _dashboard("llmops-cost", "LLMOps / Cost", panels, basis)


def dashboard_json(dashboard: dict[str, Any]) -> str:
    """Serialised with sorted keys so the ConfigMap diffs cleanly."""
    return json.dumps(dashboard, indent=2, sort_keys=True)


def dashboards(prices: dict[str, float]) -> dict[str, dict[str, Any]]:
    """ConfigMap key stem -> dashboard."""
    return {
        "gpu-fleet": gpu_fleet_dashboard(),
        "llm-serving": llm_serving_dashboard(),
        "cost": cost_dashboard(prices),
    }


def dashboard_configmap(
    key: str, dashboard: dict[str, Any], namespace: str, labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"llmops-dashboard-{key}",
            "namespace": namespace,
            "labels": {**labels, "grafana_dashboard": "1"},
            "annotations": {"grafana_folder": FOLDER},
        },
        "data": {f"llmops-{key}.json": dashboard_json(dashboard)},
    }
