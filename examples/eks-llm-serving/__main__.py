"""EKS LLM serving: the whole platform from stack config, through the `LlmOpsPlatform` bundle.

Everything this stack deploys is in `Pulumi.dev.yaml` (`llmops:platform`); the program is the
library's own stack program, so `llmops plan` / `llmops check` run exactly this code offline.
"""

import pulumi

from pulumi_llmops.config import ConfigError
from pulumi_llmops.program import build_platform, export_platform, read_platform_config

try:
    platform = build_platform(read_platform_config())
except ConfigError as error:
    # RunError prints the message alone: every problem by its YAML path, no traceback.
    raise pulumi.RunError(str(error)) from None

export_platform(platform)
# The InferenceServices' Kubernetes names (namespace llmops-models): `kubectl get isvc <name>`.
pulumi.export("models", sorted(platform.models.inference_services) if platform.models else [])
