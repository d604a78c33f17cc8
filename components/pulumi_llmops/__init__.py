"""pulumi-llmops: Pulumi components for an LLMOps platform on Kubernetes.

Public API (stable names; see docs for the naming/upgrade policy):
    PlatformConfig, load_platform_config, ConfigError   typed stack config
    ClusterHandle, ExistingCluster, OnPremGpuPool        L1 clusters and GPU pools
    PlatformNamespaces                                   L2 add-ons
    LlmOpsPlatform                                       L3 bundle

Imports are lazy so that `import pulumi_llmops` stays cheap and never loads a cloud SDK.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

_EXPORTS = {
    "PlatformConfig": "pulumi_llmops.config",
    "load_platform_config": "pulumi_llmops.config",
    "ConfigError": "pulumi_llmops.config",
    "ClusterHandle": "pulumi_llmops.cluster",
    "ExistingCluster": "pulumi_llmops.cluster",
    "ExistingClusterArgs": "pulumi_llmops.cluster",
    "GpuPoolContract": "pulumi_llmops.cluster",
    "OnPremGpuPool": "pulumi_llmops.cluster.onprem",
    "OnPremGpuPoolArgs": "pulumi_llmops.cluster.onprem",
    "PlatformNamespaces": "pulumi_llmops.addons",
    "PlatformNamespacesArgs": "pulumi_llmops.addons",
    "LlmOpsPlatform": "pulumi_llmops.bundle",
    "LlmOpsPlatformArgs": "pulumi_llmops.bundle",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_llmops' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
