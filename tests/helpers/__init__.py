"""Test helpers: run programs on the recording mock engine, build configs, check schemas."""

from .engine import onprem_platform, run, run_platform
from .kubernetes import (
    K8S_VERSION,
    built_objects,
    manifest_of,
    validate_built_objects,
    validate_manifest,
)
from .upstream import (
    UPSTREAM,
    chart_defaults,
    crd_schema,
    require_upstream,
    unknown_values_keys,
    validate_custom_resource,
)

__all__ = [
    "K8S_VERSION",
    "UPSTREAM",
    "built_objects",
    "chart_defaults",
    "crd_schema",
    "manifest_of",
    "onprem_platform",
    "require_upstream",
    "run",
    "run_platform",
    "unknown_values_keys",
    "validate_built_objects",
    "validate_custom_resource",
    "validate_manifest",
]
