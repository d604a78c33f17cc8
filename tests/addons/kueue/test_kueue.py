"""Kueue add-on: the queue objects (exact, and valid against the pinned Kueue 0.19.2 CRDs),
the chart's values (keys of the pinned chart), and the components on the mock engine."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from helpers import (
    chart_defaults,
    crd_schema,
    manifest_of,
    onprem_platform,
    run_platform,
    unknown_values_keys,
    validate_custom_resource,
    validate_manifest,
)
from pulumi_llmops.addons.kueue import (
    cluster_queue,
    kueue_values,
    local_queue,
    pool_flavor,
    resource_flavor,
    workload_priority_class,
)
from pulumi_llmops.catalog.shape import resolve_pool
from pulumi_llmops.cluster.contracts import pool_contract
from pulumi_llmops.config.node_pool import GpuPoolSpec
from pulumi_llmops.config.queues import KueueSpec, PriorityClassSpec, TeamSpec
from pulumi_llmops.offline.recording import Recording
from pulumi_llmops.versions import CHARTS

H100 = {"gpu": {"model": "H100", "count": 8}, "onprem": {"node_names": ["gpu-1", "gpu-2"]}}
TOLERATION = {
    "key": "nvidia.com/gpu",
    "operator": "Equal",
    "value": "present",
    "effect": "NoSchedule",
}
TAINT = {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
MANAGED = {"app.kubernetes.io/managed-by": "pulumi-llmops"}


def _flavor(spec: dict[str, Any] = H100, pool: str = "h100", target: str = "onprem"):
    pool_spec = GpuPoolSpec.model_validate(spec)
    shape = resolve_pool(None, None, pool_spec.gpu, "lab-dc1")
    return pool_flavor(pool_contract(target, pool, pool_spec, shape), "nvidia.com/gpu")


def test_resource_flavor_carries_the_pool_contract() -> None:
    assert resource_flavor(_flavor()) == {
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "ResourceFlavor",
        "metadata": {
            "name": "h100",
            "labels": MANAGED,
            "annotations": {
                "llmops.dev/gpu-resource": "nvidia.com/gpu",
                "llmops.dev/max-gpus": "16",
            },
        },
        "spec": {
            "nodeLabels": {"llmops.dev/pool": "h100"},
            "nodeTaints": [TAINT],
            "tolerations": [TOLERATION],
        },
    }


def test_an_untainted_pool_has_no_taints_or_tolerations() -> None:
    flavor = _flavor({**H100, "gpu_taint": False})
    assert resource_flavor(flavor)["spec"] == {"nodeLabels": {"llmops.dev/pool": "h100"}}


def test_time_sliced_pools_count_slots() -> None:
    spec = {**H100, "sharing": {"time_slicing": {"replicas": 4}}}
    assert _flavor(spec).max_gpus == 2 * 8 * 4


def test_cluster_queue_quotas_follow_the_gpus() -> None:
    team = TeamSpec.model_validate(
        {"quotas": {"h100": {"gpus": 4, "borrowing_limit": 2, "lending_limit": 1}}}
    )
    assert cluster_queue("research", team, {"h100": _flavor()}, {"team": "ml"}) == {
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "ClusterQueue",
        "metadata": {"name": "research", "labels": {**MANAGED, "team": "ml"}},
        "spec": {
            "cohortName": "llmops",
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "team-research"}},
            "preemption": {"reclaimWithinCohort": "Any", "withinClusterQueue": "LowerPriority"},
            "queueingStrategy": "BestEffortFIFO",
            "resourceGroups": [
                {
                    "coveredResources": ["cpu", "memory", "nvidia.com/gpu"],
                    "flavors": [
                        {
                            "name": "h100",
                            "resources": [
                                {
                                    "name": "cpu",
                                    "nominalQuota": 32,
                                    "borrowingLimit": 16,
                                    "lendingLimit": 8,
                                },
                                {
                                    "name": "memory",
                                    "nominalQuota": "256Gi",
                                    "borrowingLimit": "128Gi",
                                    "lendingLimit": "64Gi",
                                },
                                {
                                    "name": "nvidia.com/gpu",
                                    "nominalQuota": 4,
                                    "borrowingLimit": 2,
                                    "lendingLimit": 1,
                                },
                            ],
                        }
                    ],
                }
            ],
        },
    }


def test_cloud_pools_take_cpu_and_memory_per_gpu_from_the_machine_type() -> None:
    spec = GpuPoolSpec.model_validate({"machine_type": "p5.48xlarge", "max_nodes": 2})
    shape = resolve_pool("aws", "p5.48xlarge", None, "us-east-1")
    assert shape.instance is not None
    flavor = pool_flavor(
        pool_contract("eks", "h100", spec, shape),
        "nvidia.com/gpu",
        vcpus_per_node=shape.instance.vcpu,
        memory_gib_per_node=shape.instance.memory_gib,
    )
    assert (flavor.cpu_per_gpu, flavor.memory_gib_per_gpu, flavor.max_gpus) == (24.0, 256.0, 16)
    assert flavor.node_labels == {"llmops.dev/pool": "h100"}


def test_a_team_without_cohort_or_quota() -> None:
    team = TeamSpec.model_validate({"cohort": None, "namespace": "ml-batch"})
    assert cluster_queue("batch", team, {}, {})["spec"] == {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ml-batch"}},
        "preemption": {"reclaimWithinCohort": "Any", "withinClusterQueue": "LowerPriority"},
        "queueingStrategy": "BestEffortFIFO",
    }


def test_local_queue_and_priority_class() -> None:
    team = TeamSpec.model_validate({})
    assert local_queue("research", team, {}) == {
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "LocalQueue",
        "metadata": {"name": "research", "namespace": "team-research", "labels": MANAGED},
        "spec": {"clusterQueue": "research"},
    }
    assert workload_priority_class("high", PriorityClassSpec(value=1000, description="d")) == {
        "apiVersion": "kueue.x-k8s.io/v1beta2",
        "kind": "WorkloadPriorityClass",
        "metadata": {"name": "high", "labels": MANAGED},
        "value": 1000,
        "description": "d",
    }


def unknown_fields(obj: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Fields the CRD's schema does not declare: the API server prunes them silently, so a
    misspelt field would pass jsonschema and never reach Kueue."""
    if isinstance(obj, dict) and "properties" in schema:
        found = []
        for key, value in obj.items():
            if key == "metadata" and not path:
                continue
            if key not in schema["properties"]:
                found.append(f"{path}{key}")
            else:
                found += unknown_fields(value, schema["properties"][key], f"{path}{key}.")
        return found
    if isinstance(obj, list) and "items" in schema:
        return [f for item in obj for f in unknown_fields(item, schema["items"], path)]
    return []


def _objects() -> list[dict[str, Any]]:
    team = TeamSpec.model_validate(
        {"quotas": {"h100": {"gpus": 4, "borrowing_limit": 2, "lending_limit": 1}}}
    )
    return [
        resource_flavor(_flavor()),
        resource_flavor(_flavor({**H100, "gpu_taint": False})),
        cluster_queue("research", team, {"h100": _flavor()}, {}),
        cluster_queue("batch", TeamSpec.model_validate({"cohort": None}), {}, {}),
        local_queue("research", team, {}),
        workload_priority_class("high", PriorityClassSpec(value=1000, description="d")),
        workload_priority_class("low", PriorityClassSpec(value=-10)),
    ]


@pytest.mark.parametrize("index", range(7))
def test_every_queue_object_validates_against_the_pinned_crd(index: int) -> None:
    obj = _objects()[index]
    validate_custom_resource(obj)
    assert unknown_fields(obj, crd_schema(obj["apiVersion"], obj["kind"])) == []


def test_the_strict_field_check_is_live() -> None:
    obj = resource_flavor(_flavor())
    obj["spec"]["nodeTaint"] = []
    assert unknown_fields(obj, crd_schema(obj["apiVersion"], obj["kind"])) == ["spec.nodeTaint"]


def test_borrowing_without_a_cohort_is_what_the_crd_rule_forbids() -> None:
    """The ClusterQueue CEL rule (borrowingLimit needs cohortName) is also a config rule."""
    schema = crd_schema("kueue.x-k8s.io/v1beta2", "ClusterQueue")
    rules = [r["rule"] for r in schema["properties"]["spec"]["x-kubernetes-validations"]]
    assert any("!has(self.cohortName)" in r and "borrowingLimit" in r for r in rules)


def test_values_keys_exist_in_the_pinned_chart() -> None:
    pin = CHARTS["kueue"]
    defaults = chart_defaults(pin.chart_name, pin.version)
    assert unknown_values_keys(kueue_values(pin.version, prometheus=True), defaults) == []
    # The chart's hook (hooks/autokueue.yaml in later releases) is gated by a key the
    # pinned chart does not have.
    assert "enableAutoKueue" not in defaults


def test_values_name_the_released_image() -> None:
    assert kueue_values("0.19.2") == {
        "controllerManager": {
            "manager": {
                "image": {
                    "repository": "registry.k8s.io/kueue/kueue",
                    "tag": "v0.19.2",
                    "pullPolicy": "IfNotPresent",
                }
            }
        },
        "enablePrometheus": False,
    }


# --- on the mock engine ----------------------------------------------------------------

TEAMS = {
    "research": {"quotas": {"h100": {"gpus": 8, "borrowing_limit": 4}}},
    "product": {"quotas": {"h100": {"gpus": 8, "lending_limit": 4}}},
}
RUN = {
    "base_model": "hf://meta-llama/Llama-3.1-8B-Instruct",
    "params_billion": 8.03,
    "dataset_uri": "s3://acme-data/support/",
    "output_uri": "s3://acme-adapters/support-lora/",
    "pool": "h100",
    "team": "product",
    "priority_class": "high",
    "image": "ghcr.io/acme/trainer:1.4.0",
}
KUEUE = {
    "priority_classes": {"high": {"value": 1000}},
    "values_overrides": {
        "controllerManager": {"replicas": 2, "manager": {"image": {"tag": "v0.19.3"}}}
    },
}


@functools.cache
def recording() -> Recording:
    platform = onprem_platform(
        node_pools={"h100": H100}, teams=TEAMS, addons={"kueue": KUEUE}, finetune={"lora": RUN}
    )
    rec, _ = run_platform(platform)
    return rec


def test_the_component_tree() -> None:
    rec = recording()
    found = sorted(
        (r.type, r.name) for r in rec if r.name.startswith(("lab-kueue", "lab-finetune"))
    )
    assert found == [
        ("kubernetes:batch/v1:Job", "lab-finetune-lora"),
        ("kubernetes:core/v1:Namespace", "lab-kueue-namespace"),
        ("kubernetes:core/v1:Namespace", "lab-kueue-product-namespace"),
        ("kubernetes:core/v1:Namespace", "lab-kueue-research-namespace"),
        ("kubernetes:helm.sh/v4:Chart", "lab-kueue-chart"),
        ("kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue", "lab-kueue-product-cluster-queue"),
        ("kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue", "lab-kueue-research-cluster-queue"),
        ("kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue", "lab-kueue-product-queue"),
        ("kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue", "lab-kueue-research-queue"),
        ("kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor", "lab-kueue-h100-flavor"),
        ("kubernetes:kueue.x-k8s.io/v1beta2:WorkloadPriorityClass", "lab-kueue-high-priority"),
        ("llmops:addons:FinetuneRuns", "lab-finetune"),
        ("llmops:addons:Kueue", "lab-kueue"),
    ]


def _one(rec: Recording, name: str):
    [resource] = [r for r in rec if r.name == name]
    return resource


def test_children_use_the_cluster_provider_and_wait_for_the_chart() -> None:
    rec = recording()
    chart = _one(rec, "lab-kueue-chart")
    assert chart.inputs["chart"] == "oci://registry.k8s.io/kueue/charts/kueue"
    assert chart.inputs["version"] == "0.19.2"
    assert chart.inputs["namespace"] == "kueue-system"
    # values_overrides merged last, over the rendered values
    assert chart.inputs["values"]["controllerManager"]["replicas"] == 2
    # ...and win over what the library renders (the image tag), keeping its other keys.
    image = chart.inputs["values"]["controllerManager"]["manager"]["image"]
    assert image == {
        "repository": "registry.k8s.io/kueue/kueue",
        "tag": "v0.19.3",
        "pullPolicy": "IfNotPresent",
    }
    kueue = _one(rec, "lab-kueue")
    for name in (
        "lab-kueue-h100-flavor",
        "lab-kueue-high-priority",
        "lab-kueue-research-cluster-queue",
    ):
        resource = _one(rec, name)
        assert resource.parent == kueue.urn
        assert resource.provider == chart.provider != ""
        assert chart.urn in resource.dependencies
    queue = _one(rec, "lab-kueue-research-queue")
    assert _one(rec, "lab-kueue-research-cluster-queue").urn in queue.dependencies
    assert _one(rec, "lab-kueue-research-namespace").urn in queue.dependencies
    job = _one(rec, "lab-finetune-lora")
    assert job.parent == _one(rec, "lab-finetune").urn
    assert _one(rec, "lab-kueue-product-queue").urn in job.dependencies
    assert _one(rec, "lab-kueue-high-priority").urn in job.dependencies


def test_team_namespaces_are_baseline() -> None:
    ns = manifest_of(_one(recording(), "lab-kueue-research-namespace"))
    labels = ns["metadata"]["labels"]
    assert ns["metadata"]["name"] == "team-research"
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
    assert labels["llmops.dev/team"] == "research"


KUEUE_TYPES = (
    "ResourceFlavor",
    "ClusterQueue",
    "LocalQueue",
    "WorkloadPriorityClass",
)


@pytest.mark.parametrize("kind", KUEUE_TYPES)
def test_recorded_queue_objects_validate_against_the_crd(kind: str) -> None:
    resources = recording().of_type(f"kubernetes:kueue.x-k8s.io/v1beta2:{kind}")
    assert resources
    for resource in resources:
        obj = manifest_of(resource)
        validate_custom_resource(obj)
        assert unknown_fields(obj, crd_schema(obj["apiVersion"], obj["kind"])) == []


def test_the_job_is_suspended_in_its_team_queue_and_valid() -> None:
    job = manifest_of(_one(recording(), "lab-finetune-lora"))
    validate_manifest(job)
    meta, spec = job["metadata"], job["spec"]
    assert meta["namespace"] == "team-product"
    assert meta["labels"]["kueue.x-k8s.io/queue-name"] == "product"
    assert meta["labels"]["kueue.x-k8s.io/priority-class"] == "high"
    assert meta["annotations"]["pulumi.com/skipAwait"] == "true"
    assert spec["suspend"] is True
    pod = spec["template"]["spec"]
    assert pod["nodeSelector"] == {"llmops.dev/pool": "h100"}
    assert pod["tolerations"] == [TOLERATION]
    assert pod["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == "1"


def test_kueue_stays_off_without_teams() -> None:
    rec, _ = run_platform(onprem_platform())
    assert not [r for r in rec if "kueue" in r.type or r.type == "llmops:addons:Kueue"]


def test_kueue_spec_defaults() -> None:
    spec = KueueSpec()
    assert (spec.enabled, spec.priority_classes, spec.values_overrides) == (None, {}, {})
