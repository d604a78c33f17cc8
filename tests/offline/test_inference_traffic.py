"""Issue 16 "done when" (items 2 and 4): a stack with an SLO-sized model and a multi-node
model plans offline, prints throughput, replicas and $/1M tokens, and passes `llmops check`."""

# ruff: noqa: E501 (exact CLI output lines are long)

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pulumi_llmops.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
STACK = """\
config:
  llmops:platform:
    environment: dev
    target: onprem
    region: lab-dc1
    cluster: {name: dev-lab, kubeconfig: {context: dev-lab}}
    node_pools:
      l40s:
        gpu: {model: L40S, count: 4}
        onprem: {node_names: [gpu-l40s-01, gpu-l40s-02]}
      h100:
        gpu: {model: H100-80GB, count: 8}
        interconnect: infiniband
        onprem: {node_names: [gpu-h100-01, gpu-h100-02]}
    models:
      chat:
        storage_uri: hf://Qwen/Qwen2.5-7B-Instruct
        params_billion: 7.6
        architecture: {num_layers: 28, num_kv_heads: 4, head_dim: 128}
        pool: l40s
        slo: {requests_per_second: 4, tpot_ms: 50, ttft_ms: 800}
      llama-405b:
        storage_uri: pvc://models/llama-3.1-405b
        params_billion: 405.9
        architecture: {num_layers: 126, num_kv_heads: 8, head_dim: 128, num_attention_heads: 128}
        allow_multi_node: true
    addons:
      observability: {enabled: false}
      vector_db: {enabled: false}
"""


def _stack(tmp_path: Path) -> Path:
    path = tmp_path / "Pulumi.traffic-onprem.yaml"
    path.write_text(STACK)
    return path


def test_plan_prints_slo_figures_and_the_multi_node_replica(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", "--config", str(_stack(tmp_path))])
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    start = lines.index("SLO sizing (expected, from the throughput table)")
    assert lines[start + 1 : start + 3] == [
        "model  TP  replicas  tokens/s  needed     TPOT    TTFT  $/1M tok",
        "chat    1         4       915     800  50.0 ms  154 ms  unpriced",
    ]
    assert [line for line in lines if line.startswith(("chat ", "llama-405b "))][:2] == [
        "chat         16.1 GiB  16.1 GiB  l40s  L40S       slo                   1       4-4  unpriced  unpriced",
        "llama-405b  767.5 GiB  51.5 GiB  h100  H100-80GB  unpriced             16       1-1  unpriced  unpriced",
    ]
    data = json.loads(
        runner.invoke(app, ["plan", "--config", str(_stack(tmp_path)), "--json"]).stdout
    )
    models = {m["model"]: m for m in data["models"]}
    assert (
        models["llama-405b"]["gpus_per_replica"],
        models["llama-405b"]["pipeline_parallel"],
    ) == (16, 2)
    assert models["chat"]["slo"]["replicas"] == 4
    assert (models["chat"]["min_replicas"], models["chat"]["max_replicas"]) == (4, 4)


def test_check_passes_the_dev_policies(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["check", "--config", str(_stack(tmp_path)), "--policies-dir", str(ROOT / "policies")],
    )
    assert result.exit_code == 0, result.output
