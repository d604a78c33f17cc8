"""The AWS SDK, imported here only: a missing extra fails with the pip command to run.

The EC2 kinds come from `.ec2` (thin classes), not `pulumi_aws.ec2`, whose import alone
loads about 180 generated modules.
"""

from __future__ import annotations

try:
    import pulumi_aws as aws
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra
    raise ImportError(
        "target eks needs the AWS Pulumi SDK, which is not installed. "
        "Run: pip install 'pulumi-llmops[aws]'"
    ) from exc

__all__ = ["aws"]
