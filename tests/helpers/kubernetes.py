"""Validate Kubernetes objects the library builds against the official OpenAPI schemas."""

from __future__ import annotations

from typing import Any

import kubernetes_validate

from pulumi_llmops.offline.recording import RecordedResource, Secret, Unknown

K8S_VERSION = "1.33"
"""Kubernetes minor the schemas are checked at (KServe Standard mode needs >= 1.30)."""


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the engine turns every integer into a float
    if isinstance(value, (Secret, Unknown)):
        return "placeholder"
    if isinstance(value, dict):
        # A field whose whole value is secret or unknown (e.g. a Secret's stringData) has no
        # shape to check offline: leave it out rather than invent one.
        return {k: _plain(v) for k, v in value.items() if not isinstance(v, (Secret, Unknown))}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def manifest_of(resource: RecordedResource) -> dict[str, Any]:
    """The object a `kubernetes:<group>/<version>:<Kind>[Patch]` registration sends."""
    group_version, kind = resource.type.removeprefix("kubernetes:").split(":")
    group, version = group_version.split("/")
    manifest = _plain(dict(resource.inputs))
    manifest.setdefault("apiVersion", version if group == "core" else f"{group}/{version}")
    manifest.setdefault("kind", kind.removesuffix("Patch"))
    manifest["kind"] = manifest["kind"].removesuffix("Patch")
    return manifest


def validate_manifest(manifest: dict[str, Any]) -> None:
    """Raise `kubernetes_validate.ValidationError` unless the object is valid (strict: no unknown fields)."""
    kubernetes_validate.validate(manifest, K8S_VERSION, strict=True)
