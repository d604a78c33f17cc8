"""The Google Cloud SDK, imported here only: a missing extra fails with the pip command to run."""

from __future__ import annotations

try:
    import pulumi_gcp as gcp
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra
    raise ImportError(
        "target gke needs the Google Cloud Pulumi SDK, which is not installed. "
        "Run: pip install 'pulumi-llmops[gcp]'"
    ) from exc

__all__ = ["gcp"]
