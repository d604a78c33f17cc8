"""Issue 15 items 1-2 on the mock engine: each cloud fixture with a DRA pool and a reserved
pool registers the DRA driver chart, the pools' labels and reservation arguments, one
ResourceClaimTemplate per model on a DRA pool and InferenceServices that reference it.
Every built object validates (built-ins at Kubernetes 1.34, the first with resource.k8s.io/v1;
InferenceServices against KServe's CRD)."""

from __future__ import annotations

from typing import Any

import kubernetes_validate
import pytest

from helpers import manifest_of, run_platform, validate_custom_resource
from helpers.cloud_configs import CR, CRG, dra_and_reserved, platform
from helpers.dra_cases import claim_template
from pulumi_llmops.bundle.charts import charts_installed
from pulumi_llmops.bundle.prepare import prepare
from pulumi_llmops.config import load_platform_config
from pulumi_llmops.offline.recording import Recording

DRA_CHART = "oci://registry.k8s.io/dra-driver-nvidia/charts/dra-driver-nvidia-gpu"
DRA_LABELS = {"llmops.dev/gpu-allocation": "dra", "nvidia.com/gpu.deploy.device-plugin": "false"}
DRA_MINOR = "1.34.0"


def recording(target: str) -> Recording:
    rec, _ = run_platform(dra_and_reserved(target))
    return rec


@pytest.fixture(scope="module")
def eks() -> Recording:
    return recording("eks")


def test_eks_dra_driver_chart_inputs_parent_and_provider(eks: Recording) -> None:
    chart = eks.named("ml-dra-driver-chart")
    assert chart.type == "kubernetes:helm.sh/v4:Chart"
    assert (chart.inputs["chart"], chart.inputs["version"], chart.inputs["namespace"]) == (
        DRA_CHART,
        "0.4.1",
        "dra-driver-nvidia-gpu",
    )
    assert chart.inputs["values"] == {
        "gpuResourcesEnabledOverride": True,
        "kubeletPlugin": {
            "nodeSelector": {"llmops.dev/gpu-allocation": "dra"},
            "tolerations": [
                {"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Exists"}
            ],
        },
        "nvidiaDriverRoot": "/",
        "resourceApiVersion": "resource.k8s.io/v1",
        "resources": {"computeDomains": {"enabled": False}, "gpus": {"enabled": True}},
    }
    component = eks.named("ml-dra-driver")
    assert component.type == "llmops:addons:DraDriver"
    assert chart.parent == component.urn
    assert chart.provider == eks.named("ml-cluster-k8s").urn
    assert eks.named("ml-gpu-operator-chart").urn in chart.dependencies
    namespace = manifest_of(eks.named("ml-dra-driver-namespace"))
    assert namespace["metadata"]["name"] == "dra-driver-nvidia-gpu"
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"


def test_eks_dra_pools_turn_the_operator_device_plugin_off_by_label(eks: Recording) -> None:
    for pool in ("l4", "h100"):
        labels = eks.named(f"ml-{pool}-nodes").inputs["labels"]
        assert {k: labels[k] for k in DRA_LABELS} == DRA_LABELS
    assert eks.named("ml-h100-nodes").inputs["labels"]["nvidia.com/mig.config"] == "all-3g.40gb"


def test_eks_capacity_block_pool_launch_template_and_capacity_type(eks: Recording) -> None:
    template = eks.named("ml-h100-launch-template").inputs
    assert template["capacityReservationSpecification"] == {
        "capacityReservationTarget": {"capacityReservationId": CR}
    }
    assert template["instanceMarketOptions"] == {"marketType": "capacity-block"}
    assert eks.named("ml-h100-nodes").inputs["capacityType"] == "CAPACITY_BLOCK"
    plain = eks.named("ml-l4-launch-template").inputs
    assert "capacityReservationSpecification" not in plain
    assert "instanceMarketOptions" not in plain
    assert eks.named("ml-l4-nodes").inputs["capacityType"] == "ON_DEMAND"


def test_eks_models_get_claim_templates_with_the_sized_memory(eks: Recording) -> None:
    whole = eks.named("ml-models-chat-claim")
    assert whole.type == "kubernetes:resource.k8s.io/v1:ResourceClaimTemplate"
    assert {k: whole.inputs[k] for k in ("metadata", "spec")} == claim_template(
        "chat", "l4", "gpu.nvidia.com", 6771
    )
    mig = eks.named("ml-models-mig-chat-claim")
    assert {k: mig.inputs[k] for k in ("metadata", "spec")} == claim_template(
        "mig-chat", "h100", "mig.nvidia.com", 6771
    )
    assert whole.parent == eks.named("ml-models").urn
    assert whole.provider == eks.named("ml-cluster-k8s").urn
    assert eks.named("ml-dra-driver-chart").urn in whole.dependencies


def test_eks_predictors_reference_the_claim_instead_of_a_gpu_count(eks: Recording) -> None:
    for model in ("chat", "mig-chat"):
        isvc = eks.named(f"ml-models-{model}")
        predictor = isvc.inputs["spec"]["predictor"]
        assert predictor["resourceClaims"] == [
            {"name": "gpu", "resourceClaimTemplateName": f"{model}-gpu"}
        ]
        resources = predictor["model"]["resources"]
        assert resources["claims"] == [{"name": "gpu"}]
        assert not any(k.startswith("nvidia.com/") for k in resources["limits"])
        assert not any(k.startswith("nvidia.com/") for k in resources["requests"])
        assert eks.named(f"ml-models-{model}-claim").urn in isvc.dependencies
        validate_custom_resource(manifest_of(isvc))


def test_claim_templates_validate_at_the_ga_version_and_not_before(eks: Recording) -> None:
    claims = [r for r in eks if r.type.endswith(":ResourceClaimTemplate")]
    assert len(claims) == 2
    for resource in claims:
        manifest = manifest_of(resource)
        assert manifest["apiVersion"] == "resource.k8s.io/v1"
        for version in (DRA_MINOR, "1.35.0", "1.37.0"):
            kubernetes_validate.validate(manifest, version, strict=True)
        # kubernetes-validate 1.37.0 ships no resource.k8s.io/v1 schema before 1.34.
        with pytest.raises(kubernetes_validate.SchemaNotFoundError):
            kubernetes_validate.validate(manifest, "1.33.0", strict=True)


def test_gke_reserved_pool_has_a_specific_reservation_affinity() -> None:
    rec = recording("gke")
    reserved = rec.named("ml-reserved-nodes").inputs["nodeConfig"]
    assert reserved["reservationAffinity"] == {
        "consumeReservationType": "SPECIFIC_RESERVATION",
        "key": "compute.googleapis.com/reservation-name",
        "values": ["l4-res"],
    }
    assert "reservationAffinity" not in rec.named("ml-l4-nodes").inputs["nodeConfig"]
    labels = rec.named("ml-l4-nodes").inputs["nodeConfig"]["labels"]
    assert labels["gke-no-default-nvidia-gpu-device-plugin"] == "true"
    assert {k: labels[k] for k in DRA_LABELS} == DRA_LABELS
    assert rec.named("ml-dra-driver-chart").inputs["values"]["nvidiaDriverRoot"] == (
        "/run/nvidia/driver"
    )


def test_gke_any_reservation() -> None:
    data = platform(
        "gke",
        l4={
            "machine_type": "g2-standard-8",
            "gke": {"node_locations": ["us-central1-a"]},
            "reservation": {"affinity": "any"},
        },
    )
    rec, _ = run_platform(data)
    assert rec.named("ml-l4-nodes").inputs["nodeConfig"]["reservationAffinity"] == {
        "consumeReservationType": "ANY_RESERVATION"
    }


def test_aks_reserved_pool_joins_its_capacity_reservation_group() -> None:
    rec = recording("aks")
    assert rec.named("ml-reserved-nodes").inputs["capacityReservationGroupID"] == CRG
    assert "capacityReservationGroupID" not in rec.named("ml-t4-nodes").inputs
    claim_template = manifest_of(rec.named("ml-models-chat-claim"))
    kubernetes_validate.validate(claim_template, DRA_MINOR, strict=True)


def test_eks_odcr_and_open_preference() -> None:
    odcr = platform(
        "eks",
        l4={
            "machine_type": "g6.xlarge",
            "reservation": {"id": CR, "zone": "us-east-1b", "committed_nodes": 1},
        },
    )
    rec, _ = run_platform(odcr)
    template = rec.named("ml-l4-launch-template").inputs
    assert template["capacityReservationSpecification"] == {
        "capacityReservationTarget": {"capacityReservationId": CR}
    }
    assert "instanceMarketOptions" not in template
    assert rec.named("ml-l4-nodes").inputs["capacityType"] == "ON_DEMAND"
    any_ = platform("eks", l4={"machine_type": "g6.xlarge", "reservation": {"affinity": "any"}})
    rec, _ = run_platform(any_)
    assert rec.named("ml-l4-launch-template").inputs["capacityReservationSpecification"] == {
        "capacityReservationPreference": "open"
    }


@pytest.mark.parametrize("target", ["eks", "gke", "aks"])
def test_dra_pools_are_sized_priced_and_inventoried_like_the_others(target: str) -> None:
    data: dict[str, Any] = dra_and_reserved(target)
    plan = prepare(load_platform_config(data))
    assert "dra-driver-nvidia-gpu" in charts_installed(plan.config, plan.serving)
    for name, pool in plan.config.node_pools.items():
        contract = plan.contracts[name]
        assert contract.allocation == pool.allocation
        assert contract.gpus_per_node == plan.shapes[name].gpu_count
    chat = plan.serving.sizing["chat"]
    dra_pool = chat.pool
    assert plan.config.node_pools[dra_pool].allocation == "dra"
    assert chat.usd_per_hour_per_replica == plan.shapes[dra_pool].usd_per_hour


def test_without_dra_pools_nothing_changes() -> None:
    plan = prepare(load_platform_config(platform("eks")))
    assert "dra-driver-nvidia-gpu" not in charts_installed(plan.config, plan.serving)
    assert plan.serving.dra_driver is False
    assert plan.contracts["l4"].allocation == "device-plugin"
    assert not set(DRA_LABELS) & set(plan.contracts["l4"].labels)
