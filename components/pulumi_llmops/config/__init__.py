"""Typed stack configuration (pydantic). Plain data only: nothing here imports Pulumi."""

from .base import Spec
from .cluster import ClusterSpec, KubeconfigSpec
from .errors import ConfigError, Problem
from .node_pool import (
    GpuPoolSpec,
    GpuShapeSpec,
    GpuSharingSpec,
    MigSpec,
    OnPremPoolSpec,
    TaintSpec,
    TimeSlicingSpec,
)
from .platform import CLOUD_TARGETS, PlatformConfig, Target, load_platform_config

__all__ = [
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
    "Spec",
    "TaintSpec",
    "Target",
    "TimeSlicingSpec",
    "load_platform_config",
]
