"""Moved to `pulumi_llmops.kube.helm` (kept for one release)."""

from .._deprecated import moved_names

__getattr__ = moved_names(
    __name__,
    {
        "deep_merge": "pulumi_llmops.kube.helm",
        "sorted_values": "pulumi_llmops.kube.helm",
        "helm_chart": "pulumi_llmops.kube.helm",
    },
)
