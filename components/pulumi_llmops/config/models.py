"""`models:` block of the stack config: each entry becomes one KServe InferenceService.

Serving: Hugging Face runtime with the vLLM backend. GPUs per replica are sized from the
model (see `serving/sizing.py` and docs/serving.md).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from .base import ResourceKey, Spec
from .errors import Problem, raise_if_any

Precision = Literal["bf16", "fp16", "fp32", "fp8", "int8", "int4"]
ScaleMetric = Literal["concurrency", "rps", "cpu", "memory", "queue", "kv_cache"]
KEDA_METRICS: tuple[str, ...] = ("queue", "kv_cache")
"""Metrics read from vLLM through Prometheus and KEDA (Standard mode, GPU models)."""

STORAGE_URI_PATTERN = r"^(hf|s3|gs|pvc)://[A-Za-z0-9][A-Za-z0-9._/-]*$"
_ADAPTER_URI = re.compile(r"^(hf://[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+|/[A-Za-z0-9._/-]+)$")
_ADAPTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


class ArchitectureSpec(Spec):
    """Transformer shape for the exact KV-cache size (from the model's config.json)."""

    num_layers: int = Field(ge=1, le=1000, description="num_hidden_layers. Required.")
    num_kv_heads: int = Field(ge=1, le=1024, description="num_key_value_heads. Required.")
    head_dim: int = Field(
        ge=1, le=4096, description="head_dim (hidden_size / num_attention_heads). Required."
    )


class ModelSpec(Spec):
    """One served model (`models.<name>`); the map key is the served model name."""

    storage_uri: str = Field(
        pattern=STORAGE_URI_PATTERN,
        description="Where the weights are: hf://org/model, s3://bucket/path, gs://bucket/path "
        "or pvc://claim/path. Required.",
    )
    params_billion: float | None = Field(
        None,
        gt=0,
        le=10000,
        allow_inf_nan=False,
        description="Parameter count in billions. Give this or weights_gb.",
    )
    weights_gb: float | None = Field(
        None,
        gt=0,
        le=100000,
        allow_inf_nan=False,
        description="Checkpoint size in GB (10^9 bytes). Give this or params_billion.",
    )
    precision: Precision = Field(
        "bf16",
        description="Weight precision (int4/int8/fp8 for quantised checkpoints).",
    )
    architecture: ArchitectureSpec | None = Field(
        None,
        description="Layers, KV heads and head dim for the exact KV cache. Default: estimated "
        "from params (conservative for grouped-query-attention models).",
    )
    max_context_tokens: int = Field(
        8192,
        ge=128,
        le=2_097_152,
        description="Max tokens per sequence (vLLM --max_model_len).",
    )
    concurrent_sequences: int = Field(
        1,
        ge=1,
        le=4096,
        description="Sequences at full context the KV cache must hold.",
    )
    gpu_memory_utilization: float = Field(
        0.9,
        gt=0,
        le=1,
        description="Share of each GPU vLLM may use (--gpu-memory-utilization).",
    )
    pool: ResourceKey | None = Field(
        None,
        description="GPU pool (a key of node_pools). Default: the cheapest configured pool "
        "that fits one replica.",
    )
    tensor_parallel: Literal[1, 2, 4, 8] | None = Field(
        None,
        description="GPUs per replica. Default: the smallest degree that fits (1, 2, 4, 8).",
    )
    cpu_only: bool = Field(
        False,
        description="Serve on CPU nodes with the Hugging Face backend (small models only).",
    )
    min_replicas: int = Field(
        1, ge=0, le=1000, description="Minimum replicas; 0 needs Knative mode."
    )
    max_replicas: int = Field(1, ge=1, le=1000, description="Maximum replicas.")
    scale_metric: ScaleMetric | None = Field(
        None,
        description="Autoscaling metric (when max_replicas > min_replicas). queue: requests "
        "waiting in vLLM; kv_cache: vLLM's KV-cache use; both through KEDA and Prometheus "
        "(Standard mode, GPU models, observability on). cpu / memory: an HPA. "
        "concurrency / rps: Knative. Default: by mode, queue in Standard mode for GPU models "
        "when observability is on (cpu otherwise), concurrency in Knative mode.",
    )
    scale_target: int | None = Field(
        None,
        ge=1,
        le=100000,
        description="Target value of scale_metric per replica: waiting requests for queue, "
        "percent for kv_cache, cpu and memory. Unset: 5 waiting requests for queue, 80% KV "
        "cache for kv_cache, KServe's default otherwise.",
    )
    cpu_cores: int = Field(4, ge=1, le=512, description="CPU cores requested per replica.")
    memory_gib: int = Field(32, ge=1, le=8192, description="Host memory per replica in GiB.")
    lora_adapters: dict[str, str] = Field(
        default_factory=dict,
        description="LoRA adapters served next to the base model, name -> hf://org/adapter "
        "or an absolute path in the container.",
    )
    cache: bool = Field(
        False,
        description="Pre-download the model to the pool's nodes (KServe LocalModelCache). "
        "Needs addons.kserve.model_cache.enabled.",
    )
    hf_token_secret: str | None = Field(
        None,
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="Existing Secret in the models namespace whose key HF_TOKEN is the Hugging "
        "Face token (gated models such as Llama). Unset: public models only.",
    )
    service_account: str | None = Field(
        None,
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="Existing ServiceAccount of the replicas, e.g. one with s3:// or gs:// "
        "read access (IRSA, Workload Identity). Default: the namespace default.",
    )
    extra_args: list[str] = Field(
        default_factory=list,
        description="Extra runtime arguments appended after the library's.",
    )

    @model_validator(mode="after")
    def _rules(self) -> ModelSpec:
        problems: list[Problem] = []
        if (self.params_billion is None) == (self.weights_gb is None):
            problems.append(Problem("", "set exactly one of params_billion or weights_gb"))
        if self.min_replicas > self.max_replicas:
            problems.append(
                Problem(
                    "min_replicas",
                    f"must be <= max_replicas ({self.max_replicas})",
                    self.min_replicas,
                )
            )
        if self.cpu_only:
            for field in ("pool", "tensor_parallel"):
                if getattr(self, field) is not None:
                    problems.append(
                        Problem(field, "not used with cpu_only: true", getattr(self, field))
                    )
            if self.cache:
                problems.append(Problem("cache", "not available with cpu_only: true", True))
            if self.lora_adapters:
                problems.append(Problem("lora_adapters", "need the vLLM backend (GPU serving)"))
            if self.scale_metric in KEDA_METRICS:
                problems.append(
                    Problem(
                        "scale_metric",
                        "queue and kv_cache are vLLM metrics; CPU models run the Hugging Face "
                        "backend: use cpu or memory",
                        self.scale_metric,
                    )
                )
        target = self.scale_target
        if target is not None and self.scale_metric == "kv_cache" and target > 100:
            problems.append(Problem("scale_target", "a KV-cache percentage: 1 to 100", target))
        for name, uri in self.lora_adapters.items():
            if not _ADAPTER_NAME.match(name):
                problems.append(
                    Problem(
                        f"lora_adapters.{name}",
                        "adapter name must be 1-63 characters of letters, digits, '.', '_' "
                        "and '-', starting with a letter or digit",
                        name,
                    )
                )
            if not _ADAPTER_URI.match(uri):
                problems.append(
                    Problem(
                        f"lora_adapters.{name}",
                        "must be hf://org/adapter or an absolute path in the container",
                        uri,
                    )
                )
        if self.cache and not self.storage_uri.startswith(("hf://", "s3://", "gs://")):
            problems.append(
                Problem(
                    "cache",
                    "the model cache downloads hf://, s3:// or gs:// URIs; "
                    "a pvc:// model is already on a volume",
                    self.storage_uri,
                )
            )
        raise_if_any(problems)
        return self


def kserve_enabled(kserve_enabled_field: bool | None, models: dict[str, ModelSpec]) -> bool:
    """KServe is installed when asked, or by default when any model is configured."""
    return bool(models) if kserve_enabled_field is None else kserve_enabled_field


def model_problems(
    models: dict[str, ModelSpec],
    pools: list[str],
    *,
    kserve_field: bool | None,
    deployment_mode: str,
    model_cache: bool,
) -> list[Problem]:
    """Cross-field rules of `models`, `node_pools` and `addons.kserve` (paths from the root)."""
    problems: list[Problem] = []
    if models and kserve_field is False:
        problems.append(
            Problem(
                "addons.kserve.enabled",
                "false, but models are configured; remove `models` or enable KServe",
                False,
            )
        )
    for name, model in sorted(models.items()):
        where = f"models.{name}"
        if model.pool is not None and model.pool not in pools:
            known = ", ".join(sorted(pools)) or "none"
            problems.append(
                Problem(f"{where}.pool", f"unknown pool; configured pools: {known}", model.pool)
            )
        if not model.cpu_only and not pools:
            problems.append(
                Problem(where, "no GPU pool is configured; add node_pools or set cpu_only: true")
            )
        if model.min_replicas == 0 and deployment_mode != "Knative":
            problems.append(
                Problem(
                    f"{where}.min_replicas",
                    "0 (scale to zero) needs addons.kserve.deployment_mode: Knative",
                    0,
                )
            )
        if model.scale_metric in ("concurrency", "rps") and deployment_mode != "Knative":
            problems.append(
                Problem(
                    f"{where}.scale_metric",
                    "Standard mode autoscales with an HPA (cpu, memory) or KEDA (queue, "
                    "kv_cache); concurrency and rps need deployment_mode: Knative",
                    model.scale_metric,
                )
            )
        if model.scale_metric in KEDA_METRICS and deployment_mode == "Knative":
            problems.append(
                Problem(
                    f"{where}.scale_metric",
                    "Knative mode autoscales with Knative's autoscaler (concurrency, rps); "
                    "queue and kv_cache need deployment_mode: Standard",
                    model.scale_metric,
                )
            )
        if model.cache and not model_cache:
            problems.append(
                Problem(f"{where}.cache", "needs addons.kserve.model_cache.enabled: true", True)
            )
    return problems
