"""`stacks/Pulumi.staging-onprem.yaml` plans end to end with every add-on on, and no generated
secret appears in plaintext anywhere in the plan or the recorded inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.recording import SECRET
from pulumi_llmops.offline.stack_file import read_stack_file

STACK = Path(__file__).resolve().parents[2] / "stacks" / "Pulumi.staging-onprem.yaml"


@pytest.fixture(scope="module")
def plan():
    return plan_stack(read_stack_file(STACK))


def test_all_three_addons_are_planned(plan) -> None:
    types = plan.recording.type_counts()
    assert types["llmops:addons:VectorDatabase"] == 1
    assert types["llmops:addons:Observability"] == 1
    assert types["llmops:addons:GitOps"] == 1
    assert types["kubernetes:argoproj.io/v1alpha1:Application"] == 1
    assert types["kubernetes:batch/v1:CronJob"] == 1
    qdrant = plan.recording.named("staging-fra-vectordb-qdrant")
    assert qdrant.inputs["values"]["replicaCount"] == 3.0
    env = {e["name"]: e.get("value") for e in qdrant.inputs["values"]["env"]}
    assert env["QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__ENDPOINT_URL"] == (
        "https://minio.fra-dc1.example.internal:9000"
    )


def test_no_generated_secret_in_the_plan_or_any_recorded_input(plan) -> None:
    passwords = plan.recording.of_type("random:index/randomPassword:RandomPassword")
    assert len(passwords) == 3  # vector DB API key, Grafana admin, Argo CD's Redis
    # The fake values really flowed through the program (into the Secrets, as secrets).
    assert (
        plan.recording.named("staging-fra-vectordb-api-key-secret").inputs["stringData"] is SECRET
    )
    fakes = [f"offline-password-{p.name}" for p in passwords]
    text = (
        plan.to_json()
        + json.dumps([dict(r.inputs) for r in plan.recording], default=repr)
        + json.dumps(plan.recording.outputs, default=repr)
    )
    for fake in fakes:
        assert fake not in text


def test_every_secret_is_a_pulumi_secret(plan) -> None:
    secrets = plan.recording.of_type("kubernetes:core/v1:Secret")
    assert sorted(s.name for s in secrets) == [
        "staging-fra-gitops-redis-secret",
        "staging-fra-observability-grafana-admin-secret",
        "staging-fra-vectordb-api-key-secret",
    ]
    assert all(s.inputs["stringData"] is SECRET for s in secrets)
    assert plan.recording.outputs["vector_db_api_key"] is SECRET
    assert plan.recording.outputs["grafana_admin_password"] is SECRET


def test_stateful_resources_are_protected_and_retained(plan) -> None:
    for name in (
        "staging-fra-vectordb-namespace",
        "staging-fra-vectordb-api-key-secret",
        "staging-fra-observability-namespace",
    ):
        resource = plan.recording.named(name)
        assert (resource.protect, resource.retain_on_delete) == (True, True), name
    # Charts are not held: retain_on_delete never reaches their children (#3065); the
    # volumes are StatefulSet claims on the stack's Retain class (ceph-rbd-retain).
    for name in ("staging-fra-vectordb-qdrant", "staging-fra-observability-kube-prometheus-stack"):
        resource = plan.recording.named(name)
        assert (resource.protect, resource.retain_on_delete) == (False, False), name
