"""`BenchmarkJob`: a load test of one deployed model, and its pure manifests (the results
PersistentVolumeClaim and the batch/v1 Job running `vllm bench serve` at each rate).

Results stay in the cluster (so in the stack's region): one JSON per rate under
`/results/<model>/` on the claim, read back with `kubectl cp` (docs/benchmark.md).
Upstream: https://docs.vllm.ai/en/latest/cli/bench/serve.html
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..cluster.handle import ClusterHandle
from ..config.benchmark import BenchmarkSpec, benchmark_tokenizer
from ..config.models import ModelSpec
from ..kube import MANAGED_BY, MODELS_NAMESPACE
from ..versions import IMAGES
from .routing import GATEWAY_NAME, IN_CLUSTER_CLASS, predictor_deployment

RESULTS_PATH = "/results"
SKIP_AWAIT = {"pulumi.com/skipAwait": "true"}
"""`pulumi up` must not wait for the Job to finish (a sweep takes minutes to hours)."""
BENCHMARK_LABEL = "llmops.dev/benchmark"


def job_name(model: str) -> str:
    return f"llmops-bench-{model}"


def claim_name(model: str) -> str:
    return f"llmops-bench-{model}-results"


def benchmark_url(
    model: str, namespace: str, *, routed: bool, class_name: str | None, gateway_port: int
) -> str:
    """Where the load goes: the in-cluster (Istio) gateway Service with the model's route
    prefix for a routed model, else the model's KServe Service (port 80)."""
    if routed and class_name == IN_CLUSTER_CLASS:
        # Istio names the Service of a Gateway's deployment `<gateway>-<class>`.
        host = f"{GATEWAY_NAME}-{IN_CLUSTER_CLASS}.{namespace}.svc.cluster.local"
        return f"http://{host}:{gateway_port}/{model}"
    return f"http://{predictor_deployment(model)}.{namespace}.svc.cluster.local"


def sweep_script(spec: BenchmarkSpec, base_url: str, tokenizer: str) -> str:
    """The shell loop: one `vllm bench serve` per request rate, each saving its JSON."""
    args = [
        "vllm",
        "bench",
        "serve",
        "--backend",
        "openai",
        "--base-url",
        base_url,
        "--endpoint",
        "/v1/completions",
        "--model",
        spec.model,
        "--tokenizer",
        tokenizer,
        "--dataset-name",
        "random",
        "--random-input-len",
        str(spec.prompt_tokens),
        "--random-output-len",
        str(spec.output_tokens),
        "--num-prompts",
        str(spec.num_prompts),
    ]
    if spec.max_concurrency is not None:
        args += ["--max-concurrency", str(spec.max_concurrency)]
    command = " ".join(shlex.quote(a) for a in args)
    rates = " ".join(f"{r:g}" for r in spec.request_rates)
    out = f"{RESULTS_PATH}/{spec.model}"
    return (
        "set -eu\n"
        f"mkdir -p {out}\n"
        f"for rate in {rates}; do\n"
        f'  {command} --request-rate "$rate" --save-result --result-dir {out} '
        '--result-filename "rate-$rate.json"\n'
        "done\n"
    )


def results_claim(spec: BenchmarkSpec, namespace: str, labels: Mapping[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": f"{spec.results_storage_gib}Gi"}},
    }
    if spec.storage_class is not None:
        body["storageClassName"] = spec.storage_class
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {
            "name": claim_name(spec.model),
            "namespace": namespace,
            "labels": dict(labels),
        },
        "spec": body,
    }


def benchmark_job(
    spec: BenchmarkSpec,
    model: ModelSpec,
    namespace: str,
    base_url: str,
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """The Job: the pinned vLLM image's load generator against `base_url`, no retries."""
    tokenizer = benchmark_tokenizer(spec, model.storage_uri)
    container: dict[str, Any] = {
        "name": "bench",
        "image": spec.image or IMAGES["benchmark-job"],
        "command": ["/bin/sh", "-c", sweep_script(spec, base_url, tokenizer)],
        "resources": {
            "requests": {"cpu": "2", "memory": "4Gi"},
            "limits": {"memory": "8Gi"},
        },
        "securityContext": {"allowPrivilegeEscalation": False},
        "volumeMounts": [{"name": "results", "mountPath": RESULTS_PATH}],
    }
    if model.hf_token_secret is not None:
        # The tokenizer of a gated model is gated too.
        container["env"] = [
            {
                "name": "HF_TOKEN",
                "valueFrom": {"secretKeyRef": {"name": model.hf_token_secret, "key": "HF_TOKEN"}},
            }
        ]
    pod_labels = {**labels, BENCHMARK_LABEL: spec.model}
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": job_name(spec.model),
            "namespace": namespace,
            "labels": pod_labels,
            "annotations": dict(SKIP_AWAIT),
        },
        "spec": {
            "backoffLimit": 0,
            "activeDeadlineSeconds": spec.active_deadline_seconds,
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [container],
                    "volumes": [
                        {
                            "name": "results",
                            "persistentVolumeClaim": {"claimName": claim_name(spec.model)},
                        }
                    ],
                },
            },
        },
    }


@dataclass(frozen=True, kw_only=True)
class BenchmarkJobArgs:
    """Wiring: the cluster, the benchmark and its model, the endpoint (`base_url`, from
    `benchmark_url` unless the spec sets one), what must exist first (the model)."""

    cluster: ClusterHandle
    spec: BenchmarkSpec
    model: ModelSpec
    base_url: str
    namespace: str = MODELS_NAMESPACE
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    labels: Mapping[str, str] = field(default_factory=dict)


class BenchmarkJob(pulumi.ComponentResource):
    """A load test of one model.

    Creates: the PersistentVolumeClaim `<name>-results` (claim `llmops-bench-<model>-results`)
    and the Job `<name>-job` (`llmops-bench-<model>`, not awaited by `pulumi up`, replaced
    when its spec changes: delete first, its name is fixed).
    Does not create: the model, a bucket (results stay on the claim), dashboards.
    """

    def __init__(
        self, name: str, args: BenchmarkJobArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:serving:BenchmarkJob", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, provider=args.cluster.provider)
        labels = {**MANAGED_BY, **args.labels}
        claim = results_claim(args.spec, args.namespace, labels)
        self.claim = k8s.core.v1.PersistentVolumeClaim(
            f"{name}-results",
            metadata=claim["metadata"],
            spec=claim["spec"],
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=list(args.depends_on))
            ),
        )
        job = benchmark_job(args.spec, args.model, args.namespace, args.base_url, labels)
        self.job = k8s.batch.v1.Job(
            f"{name}-job",
            metadata=job["metadata"],
            spec=job["spec"],
            opts=pulumi.ResourceOptions.merge(
                child,
                pulumi.ResourceOptions(
                    depends_on=[*args.depends_on, self.claim], delete_before_replace=True
                ),
            ),
        )
        self.register_outputs({"job": job_name(args.spec.model), "base_url": args.base_url})
