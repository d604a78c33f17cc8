"""Kueue: job queueing with GPU quotas per team, and the fine-tuning runs it admits."""

from .component import FinetuneRun, FinetuneRuns, FinetuneRunsArgs, Kueue, KueueArgs
from .jobs import RunPlacement, finetune_job
from .resources import (
    NAMESPACE,
    QUEUE_LABEL,
    PoolFlavor,
    cluster_queue,
    kueue_values,
    local_queue,
    pool_flavor,
    resource_flavor,
    workload_priority_class,
)

__all__ = [
    "NAMESPACE",
    "QUEUE_LABEL",
    "FinetuneRun",
    "FinetuneRuns",
    "FinetuneRunsArgs",
    "Kueue",
    "KueueArgs",
    "PoolFlavor",
    "RunPlacement",
    "cluster_queue",
    "finetune_job",
    "kueue_values",
    "local_queue",
    "pool_flavor",
    "resource_flavor",
    "workload_priority_class",
]
