"""Issue 15's "done when" stack: a DRA pool, a reserved pool, two teams' queues and one
fine-tuning run (GKE, tests/bundle/fixtures/Pulumi.dev-gke-queues.yaml) plans offline,
passes `llmops check` with the dev packs, and every object the library builds for it
validates against the official schema (Kubernetes 1.34, the first with resource.k8s.io/v1)
or the pinned upstream CRD."""

from __future__ import annotations

import functools
from pathlib import Path

from helpers import built_objects, validate_built_objects
from pulumi_llmops.offline.check import check_stack
from pulumi_llmops.offline.plan import Plan, plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file

ROOT = Path(__file__).resolve().parents[2]
STACK = Path(__file__).parent / "fixtures" / "Pulumi.dev-gke-queues.yaml"
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


def test_every_built_object_validates() -> None:
    objects = built_objects(plan().recording)
    assert len(objects) == 33
    validate_built_objects(objects, crd_groups=CRD_GROUPS, version="1.34.0")
