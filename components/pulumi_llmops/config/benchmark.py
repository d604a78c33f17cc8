"""`benchmark:` block of the stack config: a Job that measures one deployed model.

The Job runs vLLM's own load generator (`vllm bench serve`, from the pinned vLLM image)
against the model's endpoint (its inference gateway route when routed, else its KServe
Service) at each request rate of a sweep, with random prompts of the configured lengths, and
writes one JSON result per rate to a PersistentVolumeClaim in the cluster (so in the stack's
region). Plain data: the builder lives in `serving/benchmark.py`; docs/benchmark.md shows how
to feed the figures back into `catalog.throughput`.
Upstream: https://docs.vllm.ai/en/latest/cli/bench/serve.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, model_validator

from .base import ResourceKey, Spec
from .errors import Problem, raise_if_any


class BenchmarkSpec(Spec):
    """A load test of one model (`benchmark`). Unset: no benchmark Job."""

    model: ResourceKey = Field(description="The model to measure (a key of models). Required.")
    request_rates: list[float] = Field(
        default_factory=lambda: [1.0, 2.0, 4.0, 8.0],
        min_length=1,
        max_length=32,
        description="Request-rate sweep in requests per second, one run each, in order.",
    )
    prompt_tokens: int = Field(
        512, ge=1, le=1_048_576, description="Input tokens per request (random dataset)."
    )
    output_tokens: int = Field(
        128, ge=1, le=131_072, description="Output tokens per request (random dataset)."
    )
    num_prompts: int = Field(
        200, ge=1, le=1_000_000, description="Requests sent at each rate of the sweep."
    )
    max_concurrency: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="Cap on requests in flight (vllm bench serve --max-concurrency). Unset: "
        "no cap, the rate alone drives the load.",
    )
    tokenizer: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$",
        description="Hugging Face id of the tokenizer the generator counts tokens with. "
        "Default: the model's hf:// repository; required for s3://, gs:// and pvc:// models.",
    )
    base_url: str | None = Field(
        None,
        pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._/-]*)?$",
        description="Endpoint to load, e.g. a GKE inference gateway's internal address once "
        "known. Default: the in-cluster gateway Service and the model's prefix for a model "
        "routed through Istio, else the model's KServe Service.",
    )
    results_storage_gib: int = Field(
        1, ge=1, le=1024, description="Size of the results PersistentVolumeClaim in GiB."
    )
    storage_class: str | None = Field(
        None,
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="StorageClass of the results claim. Default: the cluster's default class.",
    )
    image: str | None = Field(
        None,
        min_length=1,
        max_length=255,
        description="Load-generator image (must provide `vllm bench serve`). Default: the "
        "pinned vLLM image (versions.IMAGES['benchmark-job']).",
    )
    active_deadline_seconds: int = Field(
        7200, ge=60, le=604_800, description="The Job fails after this long."
    )

    @model_validator(mode="after")
    def _rules(self) -> BenchmarkSpec:
        problems = [
            Problem(f"request_rates.{i}", "requests per second: above 0, at most 100000", rate)
            for i, rate in enumerate(self.request_rates)
            if not 0 < rate <= 100_000
        ]
        raise_if_any(problems)
        return self


def benchmark_problems(
    benchmark: BenchmarkSpec | None,
    models: Mapping[str, Any],
    *,
    via_in_cluster_gateway: bool = False,
) -> list[Problem]:
    """Cross-field rules of `benchmark` and `models` (paths from the root).
    `via_in_cluster_gateway`: the benchmarked model is routed through the in-cluster (Istio)
    gateway, whose Service the Job can reach by name."""
    if benchmark is None:
        return []
    model = models.get(benchmark.model)
    if model is None:
        known = ", ".join(sorted(models)) or "none"
        return [
            Problem(
                "benchmark.model", f"unknown model; configured models: {known}", benchmark.model
            )
        ]
    if model.min_replicas == 0 and benchmark.base_url is None and not via_in_cluster_gateway:
        return [
            Problem(
                "benchmark.base_url",
                f"required: {benchmark.model} may sit at zero replicas and only requests "
                "through its gateway wake it, but the Job would call its Service; give the "
                "gateway's address (http://<address>/<model>) or benchmark a model with "
                "min_replicas >= 1",
            )
        ]
    if benchmark.tokenizer is None and not model.storage_uri.startswith("hf://"):
        return [
            Problem(
                "benchmark.tokenizer",
                "required: the model is not on Hugging Face, so give the Hugging Face id of "
                "its tokenizer (org/name)",
            )
        ]
    return []


def benchmark_tokenizer(benchmark: BenchmarkSpec, storage_uri: str) -> str:
    """The tokenizer id: configured, else the model's hf:// repository."""
    if benchmark.tokenizer is not None:
        return benchmark.tokenizer
    return storage_uri.removeprefix("hf://")
