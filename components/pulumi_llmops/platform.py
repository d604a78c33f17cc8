"""Moved to `pulumi_llmops.bundle` (kept for one release)."""

from ._deprecated import moved_names

__getattr__ = moved_names(
    __name__,
    {
        "LlmOpsPlatform": "pulumi_llmops.bundle",
        "LlmOpsPlatformArgs": "pulumi_llmops.bundle",
    },
)
