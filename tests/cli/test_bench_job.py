"""`llmops bench-job`: the benchmark Job and claim of a stack, from the offline plan."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from helpers import validate_manifest
from pulumi_llmops.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
EXAMPLE = str(ROOT / "examples" / "gke-inference-gateway" / "Pulumi.dev.yaml")


def test_bench_job_prints_the_claim_and_the_job_as_applied() -> None:
    result = runner.invoke(app, ["bench-job", "--config", EXAMPLE])
    assert result.exit_code == 0, result.output
    claim, job = list(yaml.safe_load_all(result.stdout))
    assert (claim["kind"], job["kind"]) == ("PersistentVolumeClaim", "Job")
    assert claim["metadata"]["name"] == "llmops-bench-llama-3-1-8b-results"
    assert job["metadata"]["name"] == "llmops-bench-llama-3-1-8b"
    validate_manifest(claim)
    validate_manifest(job)
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "docker.io/vllm/vllm-openai:v0.33.0"
    assert "for rate in 0.5 1 2 4; do" in container["command"][2]


def test_bench_job_without_a_benchmark_exits_2() -> None:
    stack = str(ROOT / "examples" / "gke-rag" / "Pulumi.dev.yaml")
    result = runner.invoke(app, ["bench-job", "--config", stack])
    assert result.exit_code == 2
    assert "no `benchmark:` in llmops:platform (see docs/benchmark.md)" in result.output
