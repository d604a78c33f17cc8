"""Two models behind the inference gateway on GKE, and a benchmark Job, from stack config.

The `LlmOpsPlatform` bundle builds everything in `Pulumi.dev.yaml` (`llmops:platform`):
both models get an InferencePool with its endpoint picker behind one internal Gateway
(GKE's `gke-l7-rilb` class), KEDA scales them on vLLM's queue and KV-cache use (one from
zero, held by the endpoint picker's flow control), and a Job measures one of them.
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
gateway = platform.serving.gateway
pulumi.export("gateway_class", gateway.class_name if gateway else None)
pulumi.export("routed_models", sorted(gateway.pools) if gateway else [])
benchmark = platform.serving.benchmark
pulumi.export("benchmark_job", benchmark.job.metadata.name if benchmark else None)
