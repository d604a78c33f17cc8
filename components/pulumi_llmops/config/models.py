"""`models:` block of the stack config: each entry becomes one KServe InferenceService.

Serving: Hugging Face runtime with the vLLM backend. GPUs per replica are sized from the
model with vLLM's own memory accounting (see `catalog/sizing.py`, `serving/sizing.py` and
docs/serving.md); every serving parameter the sizing assumes is passed to vLLM.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from .base import ResourceKey, Spec
from .errors import Problem, raise_if_any
from .slo import SloSpec

Precision = Literal[
    "bf16", "fp16", "fp32", "fp8", "int8", "awq-int4", "gptq-int4", "mxfp4", "nf4", "int4"
]
ScaleMetric = Literal["concurrency", "rps", "cpu", "memory", "queue", "kv_cache"]
KEDA_METRICS: tuple[str, ...] = ("queue", "kv_cache")
"""Metrics read from vLLM through Prometheus and KEDA (Standard mode, GPU models)."""

STORAGE_URI_PATTERN = r"^(hf|s3|gs|pvc)://[A-Za-z0-9][A-Za-z0-9._/-]*$"
_ADAPTER_URI = re.compile(
    r"^(hf://[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+|/[A-Za-z0-9._/-]+"
    r"|(s3|gs)://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](/[A-Za-z0-9._/=-]*)?"
    r"|https://[a-z0-9]{3,24}\.blob\.core\.windows\.net/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"
    r"(/[A-Za-z0-9._/=-]*)?"
    r"|finetune://[a-z]([-a-z0-9]{0,28}[a-z0-9])?)$"
)
FINETUNE_ADAPTER = "finetune://"
"""`lora_adapters` value naming a `finetune` run: its output_uri (a LoRA run's adapters)."""
_ADAPTER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


class WindowSpec(Spec):
    """Layers with sliding-window or chunked attention (config.json sliding_window /
    attention_chunk_size and the layer pattern)."""

    layers: int = Field(ge=1, le=1000, description="How many layers use the window. Required.")
    tokens: int = Field(ge=1, le=10_485_760, description="Window or chunk size. Required.")


class MoeSpec(Spec):
    """Mixture of experts (config.json num_experts / num_local_experts / n_routed_experts)."""

    experts: int = Field(ge=1, le=4096, description="Routed experts per MoE layer. Required.")
    top_k: int = Field(ge=1, le=64, description="num_experts_per_tok. Required.")
    intermediate_size: int = Field(
        ge=1, le=1_000_000, description="MLP width of one expert (moe_intermediate_size). Required."
    )
    shared: int = Field(0, ge=0, le=64, description="Shared experts run for every token.")


class ArchitectureSpec(Spec):
    """Transformer shape from the model's config.json: exact KV cache, activation peak,
    quantised-weight size and the tensor-parallel degrees vLLM accepts."""

    num_layers: int = Field(ge=1, le=1000, description="num_hidden_layers. Required.")
    num_kv_heads: int = Field(ge=1, le=1024, description="num_key_value_heads. Required.")
    head_dim: int = Field(
        ge=1, le=4096, description="head_dim (hidden_size / num_attention_heads). Required."
    )
    num_attention_heads: int | None = Field(
        None,
        ge=1,
        le=4096,
        description="Attention heads; TP degrees that do not divide it are skipped. Unset: "
        "not checked.",
    )
    hidden_size: int | None = Field(
        None, ge=1, le=1_000_000, description="hidden_size. Unset: 128 x num_layers."
    )
    intermediate_size: int | None = Field(
        None, ge=1, le=1_000_000, description="MLP width. Unset: 4 x hidden_size."
    )
    vocab_size: int | None = Field(
        None,
        ge=1,
        le=10_000_000,
        description="Vocabulary: logits memory and the 16-bit embeddings of quantised "
        "checkpoints. Unset: a 152,064-token vocabulary and 13% of the parameters unquantised.",
    )
    tie_word_embeddings: bool = Field(
        False, description="lm_head shares the embedding matrix (tie_word_embeddings)."
    )
    attention: Literal["gqa", "mla"] = Field(
        "gqa",
        description="gqa (also multi-head) or mla (DeepSeek latent attention: the KV cache "
        "holds kv_lora_rank + qk_rope_head_dim per layer on every TP rank).",
    )
    kv_lora_rank: int = Field(512, ge=1, le=65536, description="MLA latent rank.")
    qk_rope_head_dim: int = Field(64, ge=0, le=4096, description="MLA rotary head dim.")
    window: WindowSpec | None = Field(
        None,
        description="Sliding-window or chunked layers: they hold the window plus one batch per "
        "sequence. Unset: every layer holds the full context (conservative).",
    )
    moe: MoeSpec | None = Field(None, description="Mixture of experts. Unset: a dense model.")


class MemorySpec(Spec):
    """Per-GPU replacements of the memory model's default terms, in GiB (e.g. from vLLM's
    "Memory profiling takes ..." log line). Unset: the default term."""

    activation_gib: float | None = Field(
        None, ge=0, le=1024, allow_inf_nan=False, description="Activation peak inside vLLM's share."
    )
    cuda_graph_gib: float | None = Field(
        None, ge=0, le=1024, allow_inf_nan=False, description="CUDA graphs inside vLLM's share."
    )
    non_torch_gib: float | None = Field(
        None, ge=0, le=1024, allow_inf_nan=False, description="Non-torch allocations inside it."
    )
    cuda_context_gib: float | None = Field(
        None, ge=0, le=64, allow_inf_nan=False, description="CUDA context, outside vLLM's share."
    )
    nccl_gib: float | None = Field(
        None,
        ge=0,
        le=64,
        allow_inf_nan=False,
        description="NCCL buffers with more than one GPU per replica, outside vLLM's share.",
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
        description="Checkpoint format: bf16, fp16, fp32, or quantised fp8, int8, awq-int4, "
        "gptq-int4 (group 128), mxfp4, nf4 (int4 means awq-int4).",
    )
    dtype: Literal["auto", "bf16", "fp16"] = Field(
        "auto",
        description="Activation dtype. auto: the checkpoint's; fp16 serves a bf16 model on "
        "GPUs without bfloat16 (T4) with --dtype=half.",
    )
    architecture: ArchitectureSpec | None = Field(
        None,
        description="config.json shape for the exact memory terms. Unset: the KV cache is "
        "estimated from params (conservative for grouped-query-attention models).",
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
        description="Share of each GPU vLLM may use (--gpu-memory-utilization); the CUDA "
        "context and NCCL must fit in the rest.",
    )
    max_num_seqs: int | None = Field(
        None,
        ge=1,
        le=65536,
        description="vLLM --max-num-seqs. Unset: vLLM's default for the chosen GPU, passed "
        "explicitly.",
    )
    max_num_batched_tokens: int | None = Field(
        None,
        ge=1,
        le=10_485_760,
        description="vLLM --max-num-batched-tokens (sets the activation peak). Unset: vLLM's "
        "default for the chosen GPU, passed explicitly.",
    )
    kv_cache_dtype: Literal["auto", "fp8"] = Field(
        "auto",
        description="vLLM --kv-cache-dtype. auto: the activation dtype; fp8 halves the KV "
        "cache and needs FP8 GPUs (compute capability 8.9).",
    )
    enforce_eager: bool = Field(
        False, description="vLLM --enforce-eager: no CUDA graphs (less memory, slower)."
    )
    allow_weight_only_fp8: bool = Field(
        False,
        description="Let an fp8 dense checkpoint run weight-only (W8A16, FP8 Marlin) on GPUs "
        "without FP8 compute (Ampere, Turing).",
    )
    allow_multi_node: bool = Field(
        False,
        description="When no single node holds a replica, serve it across whole nodes: "
        "tensor parallel within each node, pipeline parallel across nodes, with KServe's "
        "multi-node runtime (docs/multi-node.md). Needs a pool with an interconnect declared, "
        "not spot, a pvc:// storage_uri, one replica and Standard mode.",
    )
    slo: SloSpec | None = Field(
        None,
        description="Latency and load targets: pick the pool, tensor-parallel degree and "
        "replicas from the catalogue's throughput table (docs/slo-sizing.md). Unset: sized "
        "on memory alone.",
    )
    memory: MemorySpec = Field(
        default_factory=MemorySpec,
        description="Per-GPU overrides of the memory model's terms.",
    )
    pool: ResourceKey | None = Field(
        None,
        description="GPU pool (a key of node_pools). Default: the pool of the cheapest "
        "placement of all models on whole nodes that fits one replica.",
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
    routing: Literal["service", "inference-gateway"] | None = Field(
        None,
        description="service: the model's KServe Service; inference-gateway: an InferencePool "
        "with its endpoint picker behind the Gateway (docs/routing.md). Default: "
        "routing.default.",
    )
    cpu_cores: int = Field(4, ge=1, le=512, description="CPU cores requested per replica.")
    memory_gib: int = Field(32, ge=1, le=8192, description="Host memory per replica in GiB.")
    lora_adapters: dict[str, str] = Field(
        default_factory=dict,
        description="LoRA adapters served next to the base model, name -> hf://org/adapter, "
        "an absolute path in the container, an s3://, gs:// or Azure Blob URI (downloaded "
        "before vLLM starts), or finetune://<run> (that LoRA run's output_uri).",
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
            if self.slo is not None:
                problems.append(Problem("slo", "sizes GPU replicas; not with cpu_only: true"))
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
                        "must be hf://org/adapter, an absolute path in the container, an "
                        "s3://, gs:// or Azure Blob URI, or finetune://<run>",
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
    held_at_zero: frozenset[str] = frozenset(),
) -> list[Problem]:
    """Cross-field rules of `models`, `node_pools` and `addons.kserve` (paths from the root).
    `held_at_zero`: models whose gateway holds requests at zero replicas (config/routing.py
    checks them instead)."""
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
        if model.min_replicas == 0 and deployment_mode != "Knative" and name not in held_at_zero:
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
