"""RAG on GKE: model serving, a vector database and observability, all from stack config.

The `LlmOpsPlatform` bundle builds everything in `Pulumi.dev.yaml` (`llmops:platform`). The
outputs a RAG application needs: the vector DB URL and API key (secret), the model names.
"""

import pulumi

from pulumi_llmops.config import ConfigError
from pulumi_llmops.program import build_platform, export_platform, read_platform_config

try:
    platform = build_platform(read_platform_config())
except ConfigError as error:
    # RunError prints the message alone: every problem by its YAML path, no traceback.
    raise pulumi.RunError(str(error)) from None

# cluster, pools, namespaces, kubeconfig (secret), vector_db_url, vector_db_api_key (secret),
# grafana_admin_password (secret).
export_platform(platform)
pulumi.export("models", sorted(platform.models.inference_services) if platform.models else [])
