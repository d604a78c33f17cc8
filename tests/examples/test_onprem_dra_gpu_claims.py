"""onprem-dra-gpu-claims: GPUs handed out by DRA claim on an existing cluster.

The example runs its own `__main__.py` with `Pulumi.lab.yaml` on the mock engine. Checked
here with exact values: each model's resource.k8s.io/v1 ResourceClaimTemplate (DeviceClass,
count, memory selector), the predictor pods' claims and the absence of `nvidia.com/gpu`,
the pools' node labels and taints, the DRA driver chart (values, every key in the pinned
0.4.1 chart defaults, ordering), the outputs, and every object it builds against the
official schema at Kubernetes 1.34 and 1.37 (kubernetes-validate) or KServe's pinned CRD.
"""

from __future__ import annotations

import kubernetes_validate
import pytest

from helpers import (
    built_objects,
    chart_defaults,
    manifest_of,
    require_upstream,
    unknown_values_keys,
    validate_built_objects,
)
from helpers.dra_cases import claim_template
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.versions import CHARTS

from .conftest import EXAMPLES

NAME, STACK_FILE = "onprem-dra-gpu-claims", "Pulumi.lab.yaml"
RCT = "kubernetes:resource.k8s.io/v1:ResourceClaimTemplate"
ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService"
GPU_TAINT = [{"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "present"}]
TOLERATION = {
    "effect": "NoSchedule",
    "key": "nvidia.com/gpu",
    "operator": "Equal",
    "value": "present",
}
DRA_LABELS = {"llmops.dev/gpu-allocation": "dra", "nvidia.com/gpu.deploy.device-plugin": "false"}


@pytest.fixture
def recording(run_example):
    return run_example(NAME, STACK_FILE)


def template(model: str, pool: str, device_class: str, count: int, mib: int) -> dict:
    """A claim template as the library renders it, after the engine's round trip."""
    return {
        "apiVersion": "resource.k8s.io/v1",
        "kind": "ResourceClaimTemplate",
        **claim_template(model, pool, device_class, mib, float(count)),
    }


def test_what_it_registers(recording) -> None:
    assert len(recording) == 33
    counts: dict[str, int] = {}
    for resource in recording:
        counts[resource.type] = counts.get(resource.type, 0) + 1
    assert counts[RCT] == 3
    assert counts[ISVC] == 3
    assert counts["kubernetes:core/v1:NodePatch"] == 3
    assert counts["llmops:addons:DraDriver"] == 1
    # Serving only: no vector database, no observability stack.
    assert recording.of_type("llmops:addons:VectorDatabase") == []
    assert recording.of_type("llmops:addons:Observability") == []


def test_each_model_s_claim_template(recording) -> None:
    templates = {r.inputs["metadata"]["name"]: r.inputs for r in recording.of_type(RCT)}
    assert templates == {
        # One 3g.40gb MIG slice (half an H100 80GB) per replica, by memory.
        "qwen2-5-7b-gpu": template("qwen2-5-7b", "h100-mig", "mig.nvidia.com", 1, 23919),
        # Named no pool: sizing put it on a MIG slice too.
        "qwen2-5-1-5b-gpu": template("qwen2-5-1-5b", "h100-mig", "mig.nvidia.com", 1, 7633),
        # Tensor-parallel 2: two whole L40S GPUs of one node in one claim.
        "qwen2-5-32b-gpu": template("qwen2-5-32b", "l40s", "gpu.nvidia.com", 2, 44791),
    }
    for resource in recording.of_type(RCT):
        assert (
            resource.name
            == f"lab-models-{resource.inputs['metadata']['labels']['llmops.dev/model']}-claim"
        )


def test_predictor_pods_reference_their_claim_and_request_no_extended_resource(recording) -> None:
    predictors = {
        r.inputs["metadata"]["name"]: r.inputs["spec"]["predictor"] for r in recording.of_type(ISVC)
    }
    assert sorted(predictors) == ["qwen2-5-1-5b", "qwen2-5-32b", "qwen2-5-7b"]
    pools = {"qwen2-5-7b": "h100-mig", "qwen2-5-1-5b": "h100-mig", "qwen2-5-32b": "l40s"}
    for model, predictor in predictors.items():
        assert predictor["resourceClaims"] == [
            {"name": "gpu", "resourceClaimTemplateName": f"{model}-gpu"}
        ]
        resources = predictor["model"]["resources"]
        assert resources == {
            "claims": [{"name": "gpu"}],
            "limits": {"cpu": "4", "memory": "32Gi"},
            "requests": {"cpu": "4", "memory": "32Gi"},
        }
        assert predictor["nodeSelector"] == {"llmops.dev/pool": pools[model]}
        assert predictor["tolerations"] == [TOLERATION]
    assert (predictors["qwen2-5-7b"]["minReplicas"], predictors["qwen2-5-7b"]["maxReplicas"]) == (
        2.0,
        2.0,
    )
    assert "--tensor-parallel-size=2" in predictors["qwen2-5-32b"]["model"]["args"]
    assert "--tensor-parallel-size=1" in predictors["qwen2-5-7b"]["model"]["args"]


def test_pools_label_and_taint_their_nodes_for_the_dra_driver(recording) -> None:
    patches = {
        r.inputs["metadata"]["name"]: r.inputs
        for r in recording.of_type("kubernetes:core/v1:NodePatch")
    }
    assert sorted(patches) == ["gpu-h100-01", "gpu-l40s-01", "gpu-l40s-02"]
    assert patches["gpu-h100-01"]["metadata"]["labels"] == {
        **DRA_LABELS,
        "llmops.dev/gpu-model": "h100",
        "llmops.dev/pool": "h100-mig",
        "nvidia.com/mig.config": "all-3g.40gb",  # the GPU operator's MIG manager reads it
    }
    for node in ("gpu-l40s-01", "gpu-l40s-02"):
        assert patches[node]["metadata"]["labels"] == {
            **DRA_LABELS,
            "llmops.dev/gpu-model": "l40s",
            "llmops.dev/pool": "l40s",
        }
    for patch in patches.values():
        assert patch["spec"]["taints"] == GPU_TAINT


def test_dra_driver_chart_values_and_ordering(recording) -> None:
    chart = recording.named("lab-dra-driver-chart")
    assert (chart.inputs["chart"], chart.inputs["version"], chart.inputs["namespace"]) == (
        "oci://registry.k8s.io/dra-driver-nvidia/charts/dra-driver-nvidia-gpu",
        "0.4.1",
        "dra-driver-nvidia-gpu",
    )
    assert chart.inputs["values"] == {
        "nvidiaDriverRoot": "/",  # driver_preinstalled: the host's driver
        "gpuResourcesEnabledOverride": True,
        "resourceApiVersion": "resource.k8s.io/v1",
        "resources": {"gpus": {"enabled": True}, "computeDomains": {"enabled": False}},
        "kubeletPlugin": {
            "nodeSelector": {"llmops.dev/gpu-allocation": "dra"},
            "tolerations": [
                {"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}
            ],
        },
    }
    namespace = recording.named("lab-dra-driver-namespace").inputs["metadata"]
    assert namespace["name"] == "dra-driver-nvidia-gpu"
    assert namespace["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"
    # The driver after the GPU operator; each claim template after the driver's DeviceClasses;
    # each InferenceService after its claim template.
    assert recording.named("lab-gpu-operator-chart").urn in chart.dependencies
    for claim in recording.of_type(RCT):
        assert chart.urn in claim.dependencies
        model = claim.inputs["metadata"]["labels"]["llmops.dev/model"]
        assert claim.urn in recording.named(f"lab-models-{model}").dependencies
    operator = recording.named("lab-gpu-operator-chart").inputs["values"]
    assert operator["driver"] == {"enabled": False}
    # Cluster-wide the device plugin stays on; the DRA nodes' label keeps it off them.
    assert operator["devicePlugin"] == {"enabled": True}


def test_every_dra_chart_value_key_exists_in_the_pinned_chart(recording) -> None:
    require_upstream()
    pin = CHARTS["dra-driver-nvidia-gpu"]
    values = recording.named("lab-dra-driver-chart").inputs["values"]
    assert unknown_values_keys(values, chart_defaults(pin.chart_name, pin.version)) == []


@pytest.mark.parametrize("version", ["1.34.0", "1.37.0"])
def test_every_built_object_validates(recording, version) -> None:
    require_upstream()
    objects = built_objects(recording)
    kinds = sorted({(o["apiVersion"], o["kind"]) for _, o in objects})
    assert kinds == [
        ("networking.k8s.io/v1", "NetworkPolicy"),
        ("resource.k8s.io/v1", "ResourceClaimTemplate"),
        ("serving.kserve.io/v1beta1", "InferenceService"),
        ("v1", "Namespace"),
    ]
    validate_built_objects(objects, crd_groups=("serving.kserve.io/",), version=version)


def test_claim_templates_have_no_schema_before_kubernetes_1_34(recording) -> None:
    claim = manifest_of(recording.of_type(RCT)[0])
    with pytest.raises(kubernetes_validate.SchemaNotFoundError):
        kubernetes_validate.validate(claim, "1.33.0", strict=True)


def test_outputs_say_how_each_pool_hands_out_gpus(recording) -> None:
    pools = recording.outputs["gpu_pools"]
    assert {p: (v["allocation"], v["gpu_resource"]) for p, v in pools.items()} == {
        "h100-mig": ("dra", None),
        "l40s": ("dra", None),
    }
    assert recording.outputs["gpu_claims"] == {
        "qwen2-5-1-5b": {
            "pool": "h100-mig",
            "resource_claim_template": "qwen2-5-1-5b-gpu",
            "device_class": "mig.nvidia.com",
            "devices": 1,
            "min_device_memory_mib": 7633,
        },
        "qwen2-5-32b": {
            "pool": "l40s",
            "resource_claim_template": "qwen2-5-32b-gpu",
            "device_class": "gpu.nvidia.com",
            "devices": 2,
            "min_device_memory_mib": 44791,
        },
        "qwen2-5-7b": {
            "pool": "h100-mig",
            "resource_claim_template": "qwen2-5-7b-gpu",
            "device_class": "mig.nvidia.com",
            "devices": 1,
            "min_device_memory_mib": 23919,
        },
    }


def test_plan_inventory_marks_both_pools_dra() -> None:
    plan = plan_stack(read_stack_file(EXAMPLES / NAME / STACK_FILE))
    rows = {p.pool: p for p in plan.inventory}
    assert sorted(rows) == ["h100-mig", "l40s"]
    assert (rows["h100-mig"].sharing, rows["h100-mig"].schedulable_gpus_per_node) == (
        "mig-single",
        16,
    )
    assert (rows["l40s"].sharing, rows["l40s"].schedulable_gpus_per_node) == ("none", 4)
    assert {p.allocation for p in plan.inventory} == {"dra"}
