"""The Azure Native SDK, imported here only: a missing extra fails with the pip command to run."""

from __future__ import annotations

try:
    from pulumi_azure_native import authorization, containerservice, managedidentity, resources
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra
    raise ImportError(
        "target aks needs the Azure Native Pulumi SDK, which is not installed. "
        "Run: pip install 'pulumi-llmops[azure]'"
    ) from exc

__all__ = ["authorization", "containerservice", "managedidentity", "resources"]
