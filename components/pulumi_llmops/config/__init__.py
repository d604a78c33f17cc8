"""Typed stack configuration (pydantic). Plain data only: nothing here imports Pulumi."""

from .aks import AksClusterSpec, AksPoolSpec
from .allocation import DraDriverSpec
from .base import Spec
from .benchmark import BenchmarkSpec
from .catalog import CatalogSpec
from .cluster import ClusterSpec, KubeconfigSpec
from .data import SnapshotSpec, VectorDatabaseSpec
from .eks import EksClusterSpec, EksPoolSpec
from .errors import ConfigError, Problem, raise_if_any
from .finetune import FinetuneSpec
from .gitops import GitApplicationSpec, GitOpsSpec
from .gke import GkeClusterSpec, GkePoolSpec
from .models import ArchitectureSpec, ModelSpec
from .node_pool import (
    GpuPoolSpec,
    GpuShapeSpec,
    GpuSharingSpec,
    MigSpec,
    OnPremPoolSpec,
    TaintSpec,
    TimeSlicingSpec,
)
from .observability import ObservabilitySpec
from .platform import CLOUD_TARGETS, PlatformConfig, Target, load_platform_config
from .queues import KueueSpec, TeamSpec
from .routing import RoutingSpec
from .serving import CertManagerSpec, GpuOperatorSpec, KServeSpec

__all__ = [
    "AksClusterSpec",
    "AksPoolSpec",
    "CatalogSpec",
    "EksClusterSpec",
    "EksPoolSpec",
    "GkeClusterSpec",
    "GkePoolSpec",
    "GitApplicationSpec",
    "GitOpsSpec",
    "ObservabilitySpec",
    "SnapshotSpec",
    "VectorDatabaseSpec",
    "ArchitectureSpec",
    "CertManagerSpec",
    "GpuOperatorSpec",
    "KServeSpec",
    "ModelSpec",
    "CLOUD_TARGETS",
    "ClusterSpec",
    "ConfigError",
    "GpuPoolSpec",
    "GpuShapeSpec",
    "GpuSharingSpec",
    "KubeconfigSpec",
    "MigSpec",
    "OnPremPoolSpec",
    "PlatformConfig",
    "Problem",
    "raise_if_any",
    "Spec",
    "TaintSpec",
    "Target",
    "TimeSlicingSpec",
    "load_platform_config",
    # issue 15's add-ons (docs/dra.md, docs/queues.md, docs/finetuning.md)
    "DraDriverSpec",
    "FinetuneSpec",
    "KueueSpec",
    "TeamSpec",
    # issue 16b's (docs/routing.md, docs/benchmark.md)
    "BenchmarkSpec",
    "RoutingSpec",
]
