"""The Google Cloud SDK, imported here only: a missing extra fails with the pip command to run."""

from __future__ import annotations

import warnings

try:
    import pulumi_gcp as gcp
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra
    raise ImportError(
        "target gke needs the Google Cloud Pulumi SDK, which is not installed. "
        "Run: pip install 'pulumi-llmops[gcp]'"
    ) from exc

with warnings.catch_warnings():
    # pulumi_gcp.compute warns on import about deprecated resources we do not use.
    warnings.filterwarnings(
        "ignore",
        message=r"gcp\.compute\.(MangedSslCertificate|RouterStatus) has been deprecated",
        category=DeprecationWarning,
    )
    from pulumi_gcp import compute

    compute.Router  # noqa: B018 - the SDK loads submodules lazily: load it inside the filter

__all__ = ["compute", "gcp"]
