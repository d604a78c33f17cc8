"""The AWS SDK, imported here only: a missing extra fails with the pip command to run."""

from __future__ import annotations

import warnings

try:
    import pulumi_aws as aws
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra
    raise ImportError(
        "target eks needs the AWS Pulumi SDK, which is not installed. "
        "Run: pip install 'pulumi-llmops[aws]'"
    ) from exc

with warnings.catch_warnings():
    # pulumi_aws.ec2 warns on import about a deprecated resource we do not use.
    warnings.filterwarnings(
        "ignore", message=r".*EncryptionControl has been deprecated", category=DeprecationWarning
    )
    from pulumi_aws import ec2

    ec2.Vpc  # noqa: B018 - the SDK loads submodules lazily: load it inside the filter

__all__ = ["aws", "ec2"]
