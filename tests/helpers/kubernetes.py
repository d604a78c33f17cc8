"""Validate Kubernetes objects the library builds against the official OpenAPI schemas."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import kubernetes_validate
import pytest

from pulumi_llmops.offline.recording import RecordedResource, Secret, Unknown

from .upstream import crd_schema, validate_custom_resource

K8S_VERSION = "1.33"
"""Kubernetes minor the schemas are checked at (KServe Standard mode needs >= 1.30)."""

NOT_OBJECTS = ("kubernetes:helm.sh/v4:Chart", "pulumi:providers:kubernetes")
"""Registrations that send no object of their own (a Helm release, the provider)."""


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


def built_objects(recording: Iterable[RecordedResource]) -> list[tuple[str, dict[str, Any]]]:
    """(name, manifest) of every Kubernetes object the library builds itself, in registration
    order: custom `kubernetes:` registrations other than a Helm chart, the provider or a patch."""
    found = []
    for resource in recording:
        if not resource.custom or not resource.type.startswith("kubernetes:"):
            continue
        if resource.type in NOT_OBJECTS or resource.type.endswith("Patch"):
            continue
        found.append((resource.name, manifest_of(resource)))
    return found


def validate_built_objects(
    objects: Iterable[tuple[str, dict[str, Any]]], *, crd_groups: tuple[str, ...], version: str
) -> None:
    """Validate each object: one whose apiVersion starts with one of `crd_groups` against its
    pinned upstream CRD (which must exist), any other against the official schema at Kubernetes
    `version` (strict); fail naming the object."""
    for name, obj in objects:
        if obj["apiVersion"].startswith(crd_groups):
            crd_schema(obj["apiVersion"], obj["kind"])  # the pinned CRD exists
            validate_custom_resource(obj)
        else:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as error:  # pragma: no cover
                pytest.fail(f"{name}: {error}")
