"""`finetune:` of the stack config: fine-tuning runs, each a Kueue-admitted batch/v1 Job.

A run names its base model, dataset, method (LoRA or full), where the result goes and the
team queue it waits in; GPUs are given or sized by the training memory model
(`catalog/training.py`, docs/finetuning.md). The training code is the image's: the library
sizes, queues, places and wires the run, and hands the image its inputs as environment
variables (docs/finetuning.md, "Container contract").
Upstream: https://kueue.sigs.k8s.io/docs/tasks/run/jobs/
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from .base import ResourceKey, Spec
from .errors import Problem, raise_if_any
from .models import ArchitectureSpec
from .patterns import PATTERN_PROSE

OBJECT_STORE_URI = (
    r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9._/=-]*)?"
    r"|gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](/[A-Za-z0-9._/=-]*)?"
    r"|https://[a-z0-9]{3,24}\.blob\.core\.windows\.net/[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"
    r"(/[A-Za-z0-9._/=-]*)?"
)
"""An S3 or GCS bucket URI, or an Azure Blob container URL (https://<account>.blob...)."""
PVC_URI = r"pvc://[a-z0-9][a-z0-9.-]*(/[A-Za-z0-9._/=-]*)?"
DATASET_URI_PATTERN = rf"^({OBJECT_STORE_URI}|{PVC_URI}|hf://datasets/[A-Za-z0-9][A-Za-z0-9._/-]*)$"
OUTPUT_URI_PATTERN = rf"^({OBJECT_STORE_URI}|{PVC_URI})$"
BASE_MODEL_PATTERN = r"^(hf|s3|gs|pvc)://[A-Za-z0-9][A-Za-z0-9._/-]*$"
_OBJECT_STORES = "s3://, gs://, Azure Blob (https://<account>.blob.core.windows.net/<container>)"
# The URI patterns are built from parts, so their prose is registered beside them.
PATTERN_PROSE.update(
    {
        DATASET_URI_PATTERN: f"an {_OBJECT_STORES}, pvc:// or hf://datasets/<org>/<name> URI",
        OUTPUT_URI_PATTERN: f"an {_OBJECT_STORES} or pvc:// URI",
    }
)
_IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:@-]*[a-z0-9]$")

Method = Literal["lora", "full"]


class FinetuneSpec(Spec):
    """One fine-tuning run (`finetune.<run>`); the map key names the Job and its output."""

    base_model: str = Field(
        pattern=BASE_MODEL_PATTERN,
        description="The model to tune: hf://org/model, s3://, gs:// or pvc:// URI. Required.",
    )
    params_billion: float = Field(
        gt=0,
        le=2000,
        allow_inf_nan=False,
        description="Parameter count of the base model, in billions. Required (sizing).",
    )
    architecture: ArchitectureSpec | None = Field(
        None,
        description="config.json shape (layers, hidden size, vocabulary) for the exact "
        "activation and LoRA terms. Unset: estimated from params_billion.",
    )
    dataset_uri: str = Field(
        pattern=DATASET_URI_PATTERN,
        description="Training data: s3://bucket/path, gs://bucket/path, an Azure Blob URL "
        "(https://<account>.blob.core.windows.net/<container>/path), pvc://claim/path or "
        "hf://datasets/org/name. Required.",
    )
    output_uri: str = Field(
        pattern=OUTPUT_URI_PATTERN,
        description="Where the adapters (LoRA) or weights (full) are written: a bucket in "
        "the stack's region (s3://, gs://, Azure Blob URL) or pvc://claim/path. Required.",
    )
    data_region: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
        description="Region (or on-prem site) of the dataset and output buckets, checked by "
        "the residency pack. Unset: the stack's region (the buckets are declared in-region).",
    )
    method: Method = Field(
        "lora",
        description="lora: train low-rank adapters on frozen weights; full: train every "
        "weight (about 16 bytes per parameter of GPU memory, sharded across the GPUs).",
    )
    lora_rank: int = Field(16, ge=1, le=1024, description="LoRA rank r (method: lora).")
    precision: Literal["bf16", "fp16"] = Field(
        "bf16", description="Weights and activations dtype (mixed precision, fp32 optimizer)."
    )
    seq_len: int = Field(2048, ge=128, le=1_048_576, description="Tokens per training sequence.")
    micro_batch_size: int = Field(
        1, ge=1, le=1024, description="Sequences per GPU per step (activations scale with it)."
    )
    gradient_checkpointing: bool = Field(
        True,
        description="Recompute activations in the backward pass: keeps one layer's "
        "activations instead of all (the memory model assumes what is set here).",
    )
    gpus: Literal[1, 2, 4, 8] | None = Field(
        None,
        description="GPUs of the run (one node, sharded with FSDP). Unset: the fewest that "
        "hold it, from the memory model.",
    )
    pool: ResourceKey = Field(description="GPU pool to run on (a key of node_pools). Required.")
    team: ResourceKey = Field(
        description="Team whose queue admits the run (a key of teams; its namespace and "
        "quota). Required."
    )
    priority_class: ResourceKey | None = Field(
        None,
        description="WorkloadPriorityClass (a key of addons.kueue.priority_classes). Unset: "
        "priority 0.",
    )
    image: str = Field(
        min_length=3,
        max_length=512,
        description="Container image that runs the training (reads the LLMOPS_* variables). "
        "Required: the training code is yours; pin it by digest.",
    )
    command: list[str] = Field(
        default_factory=list, description="Container command. Default: the image's entrypoint."
    )
    args: list[str] = Field(default_factory=list, description="Container arguments.")
    cpu_cores: int = Field(8, ge=1, le=512, description="CPU cores requested.")
    memory_gib: int = Field(64, ge=1, le=8192, description="Host memory requested, GiB.")
    shm_gib: int = Field(
        16, ge=1, le=1024, description="/dev/shm size, GiB (data loaders and NCCL)."
    )
    max_runtime_seconds: int = Field(
        86_400,
        ge=60,
        le=30 * 86_400,
        description="Job activeDeadlineSeconds: a run still going after this is stopped.",
    )
    backoff_limit: int = Field(
        1, ge=0, le=10, description="Retries of a failed run (Job backoffLimit)."
    )
    service_account: str | None = Field(
        None,
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="Existing ServiceAccount in the team namespace with read access to the "
        "dataset and write access to the output (IRSA, Workload Identity). Default: the "
        "namespace default.",
    )
    hf_token_secret: str | None = Field(
        None,
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="Existing Secret in the team namespace whose key HF_TOKEN is a Hugging "
        "Face token (gated models). Unset: public models only.",
    )

    @model_validator(mode="after")
    def _rules(self) -> FinetuneSpec:
        problems: list[Problem] = []
        if not _IMAGE.match(self.image):
            problems.append(
                Problem(
                    "image", "must be an image reference (registry/name:tag@digest)", self.image
                )
            )
        if self.method == "full" and "lora_rank" in self.model_fields_set:
            problems.append(Problem("lora_rank", "only used with method: lora", self.lora_rank))
        raise_if_any(problems)
        return self


def finetune_problems(
    runs: dict[str, FinetuneSpec],
    pools: list[str],
    teams: dict[str, object],
    priority_classes: list[str],
    kueue_enabled: bool | None,
) -> list[Problem]:
    """Cross-field rules of `finetune` (paths from the root): known pool, team and priority
    class, the team has quota on the pool, Kueue not switched off."""
    problems: list[Problem] = []
    if runs and kueue_enabled is False:
        problems.append(
            Problem(
                "addons.kueue.enabled",
                "false, but finetune runs are configured; Kueue admits them",
                False,
            )
        )
    for name, run in sorted(runs.items()):
        where = f"finetune.{name}"
        if run.pool not in pools:
            known = ", ".join(sorted(pools)) or "none"
            problems.append(
                Problem(f"{where}.pool", f"unknown pool; configured pools: {known}", run.pool)
            )
        team = teams.get(run.team)
        if team is None:
            known = ", ".join(sorted(teams)) or "none"
            problems.append(
                Problem(f"{where}.team", f"unknown team; configured teams: {known}", run.team)
            )
        elif run.pool in pools and run.pool not in getattr(team, "quotas", {}):
            problems.append(
                Problem(
                    f"{where}.pool",
                    f"team {run.team} has no quota on pool {run.pool}, so Kueue would never "
                    f"admit the run; add teams.{run.team}.quotas.{run.pool}",
                    run.pool,
                )
            )
        if run.priority_class is not None and run.priority_class not in priority_classes:
            known = ", ".join(sorted(priority_classes)) or "none"
            problems.append(
                Problem(
                    f"{where}.priority_class",
                    f"unknown priority class; addons.kueue.priority_classes: {known}",
                    run.priority_class,
                )
            )
    return problems


def adapter_problems(models: dict[str, object], runs: dict[str, FinetuneSpec]) -> list[Problem]:
    """`models.<m>.lora_adapters` naming `finetune://<run>`: a known run that trains LoRA."""
    problems: list[Problem] = []
    for model, spec in sorted(models.items()):
        for adapter, uri in sorted(getattr(spec, "lora_adapters", {}).items()):
            if not uri.startswith("finetune://"):
                continue
            run = uri.removeprefix("finetune://")
            where = f"models.{model}.lora_adapters.{adapter}"
            if run not in runs:
                known = ", ".join(sorted(runs)) or "none"
                problems.append(Problem(where, f"unknown finetune run; configured: {known}", uri))
            elif runs[run].method != "lora":
                problems.append(
                    Problem(
                        where, f"run {run} trains every weight (method: full), not an adapter", uri
                    )
                )
    return problems


def resolved_adapters(adapters: dict[str, str], runs: dict[str, FinetuneSpec]) -> dict[str, str]:
    """`finetune://<run>` replaced by the run's output_uri (where its adapters are written)."""
    return {
        name: runs[uri.removeprefix("finetune://")].output_uri
        if uri.startswith("finetune://")
        else uri
        for name, uri in adapters.items()
    }
