"""The benchmark Job (issue 16 item 3): the exact sweep command, the Job and its results
claim against the official schema, the endpoint per routing, ordering after the model."""

from __future__ import annotations

import functools
from typing import Any

from helpers import manifest_of, onprem_platform, run_platform, validate_manifest
from pulumi_llmops.config.benchmark import BenchmarkSpec
from pulumi_llmops.config.models import ModelSpec
from pulumi_llmops.serving.benchmark import benchmark_job, benchmark_url, sweep_script
from pulumi_llmops.versions import IMAGES

MODEL = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}
NS = "llmops-models"
SERVICE_URL = "http://qwen-predictor.llmops-models.svc.cluster.local"
GATEWAY_URL = "http://llmops-inference-gateway-istio.llmops-models.svc.cluster.local:80/qwen"


def spec(**fields: Any) -> BenchmarkSpec:
    return BenchmarkSpec.model_validate({"model": "qwen", **fields})


def test_sweep_script_exact() -> None:
    script = sweep_script(
        spec(
            request_rates=[0.5, 2, 4],
            prompt_tokens=1024,
            output_tokens=256,
            num_prompts=50,
            max_concurrency=32,
        ),
        SERVICE_URL,
        "Qwen/Qwen2.5-7B-Instruct",
    )
    assert script == (
        "set -eu\n"
        "mkdir -p /results/qwen\n"
        "for rate in 0.5 2 4; do\n"
        "  vllm bench serve --backend openai --base-url " + SERVICE_URL + " --endpoint "
        "/v1/completions --model qwen --tokenizer Qwen/Qwen2.5-7B-Instruct --dataset-name "
        "random --random-input-len 1024 --random-output-len 256 --num-prompts 50 "
        '--max-concurrency 32 --request-rate "$rate" --save-result --result-dir /results/qwen '
        '--result-filename "rate-$rate.json"\n'
        "done\n"
    )


def test_endpoint_per_routing() -> None:
    assert benchmark_url("qwen", NS, routed=False, class_name=None, gateway_port=80) == SERVICE_URL
    assert (
        benchmark_url("qwen", NS, routed=True, class_name="istio", gateway_port=80) == GATEWAY_URL
    )
    # GKE's managed gateway has a VPC address, not a cluster name: the Service, unless
    # benchmark.base_url gives the address.
    assert (
        benchmark_url("qwen", NS, routed=True, class_name="gke-l7-rilb", gateway_port=80)
        == SERVICE_URL
    )


def test_job_exact_and_valid() -> None:
    model = ModelSpec.model_validate({**MODEL, "hf_token_secret": "hf-token"})
    job = benchmark_job(spec(), model, NS, SERVICE_URL, {"team": "ml"})
    validate_manifest(job)
    assert job["metadata"] == {
        "name": "llmops-bench-qwen",
        "namespace": NS,
        "labels": {"team": "ml", "llmops.dev/benchmark": "qwen"},
        "annotations": {"pulumi.com/skipAwait": "true"},
    }
    assert job["spec"]["backoffLimit"] == 0
    assert job["spec"]["activeDeadlineSeconds"] == 7200
    pod = job["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    [container] = pod["containers"]
    assert container["image"] == IMAGES["benchmark-job"] == "docker.io/vllm/vllm-openai:v0.33.0"
    assert container["command"][:2] == ["/bin/sh", "-c"]
    assert "--request-rate" in container["command"][2]
    assert container["env"] == [
        {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hf-token", "key": "HF_TOKEN"}}}
    ]
    assert container["volumeMounts"] == [{"name": "results", "mountPath": "/results"}]
    assert pod["volumes"] == [
        {"name": "results", "persistentVolumeClaim": {"claimName": "llmops-bench-qwen-results"}}
    ]


@functools.cache
def bundle_run(routing: str) -> Any:
    models = {"qwen": {**MODEL, "max_context_tokens": 4096, "routing": routing}}
    recording, _ = run_platform(
        onprem_platform(
            models=models,
            benchmark={"model": "qwen", "request_rates": [1, 2], "storage_class": "fast"},
            addons={"vector_db": {"enabled": False}},
        )
    )
    return recording


def test_bundle_benchmarks_a_service_model_after_it() -> None:
    recording = bundle_run("service")
    [component] = recording.of_type("llmops:serving:BenchmarkJob")
    assert component.name == "lab-benchmark"
    claim = manifest_of(recording.named("lab-benchmark-results"))
    validate_manifest(claim)
    assert claim["spec"] == {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}},
        "storageClassName": "fast",
    }
    job_resource = recording.named("lab-benchmark-job")
    job = manifest_of(job_resource)
    validate_manifest(job)
    script = job["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert f"--base-url {SERVICE_URL} " in script
    assert "for rate in 1 2; do" in script
    model = recording.named("lab-models-qwen")
    assert {model.urn, recording.named("lab-benchmark-results").urn} <= set(
        job_resource.dependencies
    )
    assert job_resource.provider == model.provider


def test_bundle_benchmarks_a_routed_model_through_its_route() -> None:
    recording = bundle_run("inference-gateway")
    job_resource = recording.named("lab-benchmark-job")
    script = manifest_of(job_resource)["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert f"--base-url {GATEWAY_URL} " in script
    assert recording.named("lab-inference-gateway-qwen-route").urn in job_resource.dependencies
