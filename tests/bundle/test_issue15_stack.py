"""Issue 15's "done when" stack: a DRA pool, a reserved pool, two teams' queues and one
fine-tuning run (GKE, tests/bundle/fixtures/Pulumi.dev-gke-queues.yaml) plans offline,
passes `llmops check` with the dev packs, and every object the library builds for it
validates against the official schema (Kubernetes 1.34, the first with resource.k8s.io/v1)
or the pinned upstream CRD."""

from __future__ import annotations

import functools
from pathlib import Path

import kubernetes_validate
import pytest

from helpers import crd_schema, manifest_of, validate_custom_resource
from pulumi_llmops.offline.check import check_stack
from pulumi_llmops.offline.plan import Plan, plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file

ROOT = Path(__file__).resolve().parents[2]
STACK = Path(__file__).parent / "fixtures" / "Pulumi.dev-gke-queues.yaml"
NOT_OBJECTS = ("kubernetes:helm.sh/v4:Chart", "pulumi:providers:kubernetes")
CRD_GROUPS = ("kueue.x-k8s.io/", "serving.kserve.io/", "monitoring.coreos.com/")


@functools.cache
def plan() -> Plan:
    return plan_stack(read_stack_file(STACK))


def test_it_plans_with_every_piece() -> None:
    rec = plan().recording
    assert len(rec) == 69
    assert len(rec.of_type("kubernetes:resource.k8s.io/v1:ResourceClaimTemplate")) == 1
    assert len(rec.of_type("kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue")) == 2
    assert len(rec.of_type("kubernetes:batch/v1:Job")) == 1
    reservation = rec.named("ml-reserved-nodes").inputs["nodeConfig"]["reservationAffinity"]
    assert reservation["consumeReservationType"] == "SPECIFIC_RESERVATION"
    assert plan().queues["finetune"][0]["pool"] == "reserved"


def test_it_passes_llmops_check_with_the_dev_packs() -> None:
    result = check_stack(read_stack_file(STACK), policies_dir=ROOT / "policies")
    assert result.mandatory == []
    # Reserved capacity is on-demand by nature: the non-prod spot advice remains.
    assert {(v.policy, v.resource_name) for v in result.advisory} == {
        ("spot-gpu-pools-outside-prod", "ml-reserved-nodes")
    }


def _objects() -> list[tuple[str, dict]]:
    found = []
    for resource in plan().recording:
        if not resource.custom or not resource.type.startswith("kubernetes:"):
            continue
        if resource.type in NOT_OBJECTS or resource.type.endswith("Patch"):
            continue
        found.append((resource.name, manifest_of(resource)))
    return found


def test_every_built_object_validates() -> None:
    objects = _objects()
    assert len(objects) >= 20
    for name, obj in objects:
        if obj["apiVersion"].startswith(CRD_GROUPS):
            crd_schema(obj["apiVersion"], obj["kind"])  # the pinned CRD exists
            validate_custom_resource(obj)
        else:
            try:
                kubernetes_validate.validate(obj, "1.34.0", strict=True)
            except kubernetes_validate.ValidationError as error:  # pragma: no cover
                pytest.fail(f"{name}: {error}")
