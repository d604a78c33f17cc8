"""An existing on-prem cluster, its GPU nodes adopted into pools, one model served.

`cluster.kubeconfig.secret_config_key: kubeconfig` makes `build_platform` read the
kubeconfig contents from the secret stack config value `llmops:kubeconfig`; it stays a
secret in the state and in the `kubeconfig` output. No cloud SDK is imported.
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
# Nodes patched with the pool labels and taints (pools selected by label patch nothing).
pulumi.export(
    "patched_nodes",
    {pool: sorted(component.node_patches) for pool, component in platform.gpu_pools.items()},
)
