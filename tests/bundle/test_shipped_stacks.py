"""Every shipped stack plans offline, and every Kubernetes object it builds is schema-valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import manifest_of, require_upstream, validate_custom_resource, validate_manifest
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.recording import RecordedResource
from pulumi_llmops.offline.stack_file import available_stacks, read_stack_file

STACKS_DIR = Path(__file__).resolve().parents[2] / "stacks"
STACKS = available_stacks(STACKS_DIR)
BUILTIN_GROUPS = {
    "core",
    "apps",
    "batch",
    "networking.k8s.io",
    "rbac.authorization.k8s.io",
    "policy",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "autoscaling",
}


def kubernetes_objects(stack: str) -> list[RecordedResource]:
    plan = plan_stack(read_stack_file(STACKS_DIR / f"Pulumi.{stack}.yaml"))
    return [
        r
        for r in plan.recording
        if r.custom
        and r.type.startswith("kubernetes:")
        and not r.type.startswith("kubernetes:helm")
    ]


def group_of(resource: RecordedResource) -> str:
    return resource.type.split(":")[1].split("/")[0]


def test_the_shipped_stacks() -> None:
    assert STACKS == ["dev-eks", "dev-onprem", "prod-aks", "prod-gke", "staging-onprem"]


@pytest.mark.parametrize("stack", STACKS)
def test_builtin_kubernetes_objects_validate_against_the_official_schema(stack: str) -> None:
    objects = [r for r in kubernetes_objects(stack) if group_of(r) in BUILTIN_GROUPS]
    assert objects, "every stack builds Kubernetes objects"
    for resource in objects:
        validate_manifest(manifest_of(resource))


@pytest.mark.parametrize("stack", STACKS)
def test_custom_resources_validate_against_the_upstream_crds(stack: str) -> None:
    require_upstream()
    custom = [r for r in kubernetes_objects(stack) if group_of(r) not in BUILTIN_GROUPS]
    for resource in custom:
        validate_custom_resource(manifest_of(resource))
