"""Pure builder of a fine-tuning run's batch/v1 Job, created suspended in its team's queue.

Kueue admits the Job when the team's ClusterQueue has quota for its GPUs on the pool's
flavor, then unsuspends it. The Job's pod runs the run's image with its inputs as
`LLMOPS_*` environment variables (docs/finetuning.md, "Container contract").
Upstream: https://kueue.sigs.k8s.io/docs/tasks/run/jobs/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...cluster.contracts import POOL_LABEL
from ...config.finetune import FinetuneSpec
from ...kube import MANAGED_BY
from .resources import PRIORITY_LABEL, QUEUE_LABEL

FINETUNE_LABEL = "llmops.dev/finetune"
DATASET_ANNOTATION = "llmops.dev/dataset-uri"
OUTPUT_ANNOTATION = "llmops.dev/output-uri"
DATA_REGION_ANNOTATION = "llmops.dev/data-region"
SKIP_AWAIT = {"pulumi.com/skipAwait": "true"}
"""Pulumi waits for a Job to complete by default; a queued training run may wait hours for
quota and then train for hours, so `pulumi up` does not wait for it."""
PVC_MOUNT_ROOT = "/mnt/pvc"


@dataclass(frozen=True)
class RunPlacement:
    """Where the run goes and how many GPUs it asks for (the sizing's answer)."""

    pool: str
    gpus: int
    gpu_resource: str
    node_selector: Mapping[str, str]
    tolerations: Sequence[Mapping[str, str]]


def _local(uri: str) -> tuple[str, str | None]:
    """A pvc:// URI as the path it is mounted at (and the claim); other URIs unchanged."""
    if not uri.startswith("pvc://"):
        return uri, None
    claim, _, path = uri.removeprefix("pvc://").partition("/")
    return f"{PVC_MOUNT_ROOT}/{claim}/{path}".rstrip("/"), claim


def finetune_job(
    name: str,
    run: FinetuneSpec,
    namespace: str,
    placement: RunPlacement,
    data_region: str,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The Job of run `name`: suspended, labelled for the team's LocalQueue (and priority
    class), on the pool's nodes, with the GPUs the memory model sized."""
    claims: list[str] = []
    env = []
    values = {
        "LLMOPS_RUN_NAME": name,
        "LLMOPS_BASE_MODEL": run.base_model,
        "LLMOPS_DATASET_URI": run.dataset_uri,
        "LLMOPS_OUTPUT_URI": run.output_uri,
        "LLMOPS_METHOD": run.method,
        "LLMOPS_LORA_RANK": str(run.lora_rank) if run.method == "lora" else "",
        "LLMOPS_PRECISION": run.precision,
        "LLMOPS_SEQ_LEN": str(run.seq_len),
        "LLMOPS_MICRO_BATCH_SIZE": str(run.micro_batch_size),
        "LLMOPS_GRADIENT_CHECKPOINTING": "true" if run.gradient_checkpointing else "false",
        "LLMOPS_NUM_GPUS": str(placement.gpus),
    }
    for key, value in values.items():
        if key in ("LLMOPS_BASE_MODEL", "LLMOPS_DATASET_URI", "LLMOPS_OUTPUT_URI"):
            value, claim = _local(value)
            if claim is not None and claim not in claims:
                claims.append(claim)
        if value:
            env.append({"name": key, "value": value})
    if run.hf_token_secret is not None:
        env.append(
            {
                "name": "HF_TOKEN",
                "valueFrom": {"secretKeyRef": {"name": run.hf_token_secret, "key": "HF_TOKEN"}},
            }
        )
    compute = {
        "cpu": str(run.cpu_cores),
        "memory": f"{run.memory_gib}Gi",
        placement.gpu_resource: str(placement.gpus),
    }
    container: dict[str, Any] = {
        "name": "train",
        "image": run.image,
        "env": env,
        "resources": {"requests": dict(compute), "limits": dict(compute)},
        "volumeMounts": [{"name": "dshm", "mountPath": "/dev/shm"}]
        + [{"name": f"pvc-{c}", "mountPath": f"{PVC_MOUNT_ROOT}/{c}"} for c in claims],
    }
    if run.command:
        container["command"] = list(run.command)
    if run.args:
        container["args"] = list(run.args)
    pod: dict[str, Any] = {
        "restartPolicy": "Never",
        "nodeSelector": dict(sorted(placement.node_selector.items())),
        "containers": [container],
        "volumes": [
            {"name": "dshm", "emptyDir": {"medium": "Memory", "sizeLimit": f"{run.shm_gib}Gi"}}
        ]
        + [{"name": f"pvc-{c}", "persistentVolumeClaim": {"claimName": c}} for c in claims],
    }
    if placement.tolerations:
        pod["tolerations"] = [dict(t) for t in placement.tolerations]
    if run.service_account is not None:
        pod["serviceAccountName"] = run.service_account
    job_labels = {
        **MANAGED_BY,
        **(labels or {}),
        FINETUNE_LABEL: name,
        POOL_LABEL: placement.pool,
        QUEUE_LABEL: run.team,
    }
    if run.priority_class is not None:
        job_labels[PRIORITY_LABEL] = run.priority_class
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": dict(sorted(job_labels.items())),
            "annotations": {
                **SKIP_AWAIT,
                DATASET_ANNOTATION: run.dataset_uri,
                OUTPUT_ANNOTATION: run.output_uri,
                DATA_REGION_ANNOTATION: data_region,
            },
        },
        "spec": {
            "suspend": True,
            "backoffLimit": run.backoff_limit,
            "activeDeadlineSeconds": run.max_runtime_seconds,
            "completions": 1,
            "parallelism": 1,
            "template": {
                "metadata": {"labels": {**MANAGED_BY, FINETUNE_LABEL: name}},
                "spec": pod,
            },
        },
    }
