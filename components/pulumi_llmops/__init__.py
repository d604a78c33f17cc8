"""pulumi-llmops: Pulumi components for an LLMOps platform on Kubernetes.

Public API (stable names; docs/api.md documents every component and its Args):
    PlatformConfig, load_platform_config, ConfigError     typed stack config
    ClusterHandle, GpuPoolContract                        what L1 hands to L2
    EksCluster, EksGpuNodePool, GkeCluster, GkeGpuNodePool,
    AksCluster, AksGpuNodePool, ExistingCluster, OnPremGpuPool   L1 clusters and GPU pools
    PlatformNamespaces, GpuOperator, DraDriver, CertManager, KServe, VectorDatabase,
    Observability, GitOps, Kueue, FinetuneRuns, ModelDeployments,
    InferenceGateway, BenchmarkJob                        L2 add-ons and serving
    LlmOpsPlatform                                        L3 bundle
    testing                                               mocks for your own unit tests

Imports are lazy so that `import pulumi_llmops` stays cheap and never loads a cloud SDK
(a cloud component loads its SDK when first used).
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
    "EksCluster": "pulumi_llmops.cluster.aws",
    "EksClusterArgs": "pulumi_llmops.cluster.aws",
    "EksGpuNodePool": "pulumi_llmops.cluster.aws",
    "EksGpuNodePoolArgs": "pulumi_llmops.cluster.aws",
    "GkeCluster": "pulumi_llmops.cluster.gcp",
    "GkeClusterArgs": "pulumi_llmops.cluster.gcp",
    "GkeGpuNodePool": "pulumi_llmops.cluster.gcp",
    "GkeGpuNodePoolArgs": "pulumi_llmops.cluster.gcp",
    "AksCluster": "pulumi_llmops.cluster.azure",
    "AksClusterArgs": "pulumi_llmops.cluster.azure",
    "AksGpuNodePool": "pulumi_llmops.cluster.azure",
    "AksGpuNodePoolArgs": "pulumi_llmops.cluster.azure",
    "OnPremGpuPool": "pulumi_llmops.cluster.onprem",
    "OnPremGpuPoolArgs": "pulumi_llmops.cluster.onprem",
    "PlatformNamespaces": "pulumi_llmops.addons",
    "PlatformNamespacesArgs": "pulumi_llmops.addons",
    "GpuOperator": "pulumi_llmops.addons.gpu_operator",
    "GpuOperatorArgs": "pulumi_llmops.addons.gpu_operator",
    "DraDriver": "pulumi_llmops.addons.dra_driver",
    "DraDriverArgs": "pulumi_llmops.addons.dra_driver",
    "CertManager": "pulumi_llmops.addons.cert_manager",
    "CertManagerArgs": "pulumi_llmops.addons.cert_manager",
    "KServe": "pulumi_llmops.addons.kserve",
    "KServeArgs": "pulumi_llmops.addons.kserve",
    "VectorDatabase": "pulumi_llmops.addons.vector_db",
    "VectorDatabaseArgs": "pulumi_llmops.addons.vector_db",
    "SnapshotCredentials": "pulumi_llmops.addons.vector_db",
    "Observability": "pulumi_llmops.addons.observability",
    "ObservabilityArgs": "pulumi_llmops.addons.observability",
    "MetricsTarget": "pulumi_llmops.addons.observability",
    "GitOps": "pulumi_llmops.addons.gitops",
    "GitOpsArgs": "pulumi_llmops.addons.gitops",
    "Kueue": "pulumi_llmops.addons.kueue",
    "KueueArgs": "pulumi_llmops.addons.kueue",
    "FinetuneRuns": "pulumi_llmops.addons.kueue",
    "FinetuneRunsArgs": "pulumi_llmops.addons.kueue",
    "ModelDeployments": "pulumi_llmops.serving",
    "ModelDeploymentsArgs": "pulumi_llmops.serving",
    "InferenceGateway": "pulumi_llmops.serving",
    "InferenceGatewayArgs": "pulumi_llmops.serving",
    "BenchmarkJob": "pulumi_llmops.serving",
    "BenchmarkJobArgs": "pulumi_llmops.serving",
    "LlmOpsPlatform": "pulumi_llmops.bundle",
    "LlmOpsPlatformArgs": "pulumi_llmops.bundle",
}
_SUBMODULES = ("testing",)

__all__ = sorted([*_EXPORTS, *_SUBMODULES])


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"pulumi_llmops.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pulumi_llmops' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    """The public names (the lazy exports), so `dir(pulumi_llmops)` shows the API."""
    return sorted({*__all__, "__version__"})
