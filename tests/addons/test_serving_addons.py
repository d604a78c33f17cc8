"""GpuOperator, CertManager and KServe on the mock engine: children, values, ordering and
escape hatches."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pulumi
import pulumi_kubernetes as k8s
import pytest

from helpers import (
    chart_defaults,
    manifest_of,
    onprem_platform,
    require_upstream,
    run,
    run_platform,
    unknown_values_keys,
    validate_manifest,
)
from helpers.gpu_cases import L4, setup
from pulumi_llmops.addons.cert_manager import cert_manager_values
from pulumi_llmops.addons.gpu_operator import GpuOperator, GpuOperatorArgs
from pulumi_llmops.addons.kserve import kserve_values, localmodel_values, runtime_configs_values
from pulumi_llmops.cluster.handle import ClusterHandle
from pulumi_llmops.config.serving import GpuOperatorSpec, KServeSpec
from pulumi_llmops.versions import CHARTS

MODEL = {"storage_uri": "hf://meta-llama/Llama-3.1-8B-Instruct", "params_billion": 8}
PREFIX = "urn:pulumi:test::llmops::llmops:platform:LlmOpsPlatform"


QUIET = {"observability": {"enabled": False}, "vector_db": {"enabled": False}}


def platform(**overrides: Any) -> dict[str, Any]:
    """The test platform without the other engineers' add-ons unless `addons` re-enables them."""
    addons = {**QUIET, **overrides.pop("addons", {})}
    return onprem_platform(addons=addons, **overrides)


def chart(recording, name: str):
    resource = recording.named(name)
    assert resource.type == "kubernetes:helm.sh/v4:Chart"
    return resource


def test_gpu_operator_chart_namespace_and_provider() -> None:
    recording, _ = run_platform(platform())
    component = recording.named("lab-gpu-operator")
    assert component.type == "llmops:addons:GpuOperator"
    assert component.parent == f"{PREFIX}::lab"
    namespace = recording.named("lab-gpu-operator-namespace")
    manifest = manifest_of(namespace)
    validate_manifest(manifest)
    assert manifest["metadata"]["name"] == "gpu-operator"
    assert manifest["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"
    release = chart(recording, "lab-gpu-operator-chart")
    assert release.inputs["chart"] == "gpu-operator"
    assert release.inputs["version"] == "v26.7.0"
    assert release.inputs["repositoryOpts"] == {"repo": "https://helm.ngc.nvidia.com/nvidia"}
    assert release.inputs["namespace"] == "gpu-operator"
    assert release.inputs["values"] == {
        "dcgmExporter": {"enabled": False, "serviceMonitor": {"enabled": False}},
        "devicePlugin": {"enabled": True},
        "driver": {"enabled": True},
        "mig": {"strategy": "single"},
        "operator": {"upgradeCRD": False},
        "toolkit": {"enabled": True},
    }
    provider = recording.named("lab-cluster-k8s")
    for resource in (namespace, release):
        assert resource.provider.startswith(provider.urn)
        assert resource.parent == component.urn
    assert release.dependencies == (namespace.urn,)


def test_observability_turns_on_dcgm_and_orders_the_operator_after_prometheus() -> None:
    recording, _ = run_platform(platform(addons={"observability": {"enabled": True}}))
    release = chart(recording, "lab-gpu-operator-chart")
    assert release.inputs["values"]["dcgmExporter"] == {
        "enabled": True,
        "serviceMonitor": {"enabled": True},
    }
    prometheus = recording.named("lab-observability-kube-prometheus-stack")
    assert prometheus.urn in release.dependencies


def test_time_sliced_pool_gets_a_device_plugin_configmap_before_the_chart() -> None:
    pools = {
        "l4": {
            "gpu": {"model": "L4", "count": 1},
            "sharing": {"time_slicing": {"replicas": 4}},
            "onprem": {"node_names": ["gpu-1"]},
        }
    }
    recording, _ = run_platform(platform(node_pools=pools))
    config_map = recording.named("lab-gpu-operator-device-plugin-config")
    manifest = manifest_of(config_map)
    validate_manifest(manifest)
    assert manifest["metadata"]["namespace"] == "gpu-operator"
    assert sorted(manifest["data"]) == ["default", "l4"]
    release = chart(recording, "lab-gpu-operator-chart")
    assert config_map.urn in release.dependencies
    assert release.inputs["values"]["devicePlugin"]["config"] == {
        "default": "default",
        "name": "llmops-device-plugin-config",
    }


def test_gpu_operator_values_overrides_win_and_driver_preinstalled() -> None:
    addons = {
        "gpu_operator": {
            "driver_preinstalled": True,
            "values_overrides": {
                "driver": {"enabled": True},
                "nfd": {"enabled": False},
                "dcgmExporter": {"serviceMonitor": {"interval": "30s"}},
            },
        }
    }
    recording, _ = run_platform(platform(addons=addons))
    values = chart(recording, "lab-gpu-operator-chart").inputs["values"]
    assert values["driver"] == {"enabled": True}  # override beats driver_preinstalled
    assert values["nfd"] == {"enabled": False}
    assert values["dcgmExporter"] == {
        "enabled": False,
        "serviceMonitor": {"enabled": False, "interval": "30s"},
    }
    recording, _ = run_platform(platform(addons={"gpu_operator": {"driver_preinstalled": True}}))
    assert chart(recording, "lab-gpu-operator-chart").inputs["values"]["driver"] == {
        "enabled": False
    }


def test_gpu_operator_enabled_false_creates_nothing() -> None:
    recording, value = run_platform(platform(addons={"gpu_operator": {"enabled": False}}))
    assert recording.of_type("llmops:addons:GpuOperator") == []
    assert value.gpu_operator is None


def test_no_gpu_pools_no_operator_unless_asked() -> None:
    recording, _ = run_platform(platform(node_pools={}))
    assert recording.of_type("llmops:addons:GpuOperator") == []
    recording, _ = run_platform(platform(node_pools={}, addons={"gpu_operator": {"enabled": True}}))
    assert len(recording.of_type("llmops:addons:GpuOperator")) == 1


def test_gke_operator_path_adds_the_critical_pods_quota() -> None:
    def program() -> GpuOperator:
        provider = k8s.Provider("k8s")
        handle = ClusterHandle(name="c", target="gke", region="europe-west4", provider=provider)
        gke = {"gpu_driver_version": "INSTALLATION_DISABLED", "image_type": "UBUNTU_CONTAINERD"}
        setups = [setup("l4", "gke", L4, gke=gke)]
        return GpuOperator(
            "gpu",
            GpuOperatorArgs(
                cluster=handle, spec=GpuOperatorSpec(), setups=setups, observability=True
            ),
        )

    recording, _ = run(program)
    quota = recording.named("gpu-critical-pods")
    manifest = manifest_of(quota)
    validate_manifest(manifest)
    assert manifest["spec"] == {
        "hard": {"pods": "100"},
        "scopeSelector": {
            "matchExpressions": [
                {
                    "operator": "In",
                    "scopeName": "PriorityClass",
                    "values": ["system-node-critical", "system-cluster-critical"],
                }
            ]
        },
    }
    release = recording.named("gpu-chart")
    assert quota.urn in release.dependencies
    # NVIDIA's driver-manager path on Ubuntu: the operator's driver, at its default paths.
    assert release.inputs["values"]["driver"] == {"enabled": True}
    assert "hostPaths" not in release.inputs["values"]


def test_kserve_stack_order_and_values() -> None:
    recording, value = run_platform(platform(models={"llama": MODEL}))
    cert = chart(recording, "lab-cert-manager-chart")
    assert cert.inputs["chart"] == "cert-manager"
    assert cert.inputs["version"] == "v1.21.1"
    assert cert.inputs["repositoryOpts"] == {"repo": "https://charts.jetstack.io"}
    wait_for = {"pulumi.com/waitFor": "jsonpath={.webhooks[*].clientConfig.caBundle}"}
    assert cert.inputs["values"] == {
        "crds": {"enabled": True, "keep": True},
        "startupapicheck": {"enabled": False},
        "webhook": {
            "mutatingWebhookConfigurationAnnotations": wait_for,
            "validatingWebhookConfigurationAnnotations": wait_for,
        },
    }
    crd = chart(recording, "lab-kserve-crd")
    controller = chart(recording, "lab-kserve-controller")
    runtimes = chart(recording, "lab-kserve-runtimes")
    assert crd.inputs["chart"] == "oci://ghcr.io/kserve/charts/kserve-crd"
    assert controller.inputs["chart"] == "oci://ghcr.io/kserve/charts/kserve-resources"
    assert runtimes.inputs["chart"] == "oci://ghcr.io/kserve/charts/kserve-runtime-configs"
    for release in (crd, controller, runtimes):
        assert release.inputs["version"] == "v0.20.0"
        assert release.inputs["namespace"] == "kserve"
        assert "repositoryOpts" not in release.inputs
    namespace = recording.named("lab-kserve-namespace")
    assert set(controller.dependencies) == {cert.urn, crd.urn, namespace.urn}
    assert runtimes.dependencies == (controller.urn,)
    assert controller.inputs["values"]["kserve"]["controller"]["deploymentMode"] == "Standard"
    assert (
        manifest_of(namespace)["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]
        == "baseline"
    )
    assert recording.of_type("kubernetes:helm.sh/v4:Chart") and value.kserve is not None
    assert [
        r.name for r in recording.of_type("kubernetes:helm.sh/v4:Chart") if "localmodel" in r.name
    ] == []


def test_kserve_knative_gateway_cache_and_overrides() -> None:
    addons = {
        "kserve": {
            "enabled": True,
            "deployment_mode": "Knative",
            "gateway": {
                "domain": "models.example.org",
                "url_scheme": "https",
                "enable_gateway_api": True,
                "class_name": "envoy",
            },
            "model_cache": {"enabled": True},
            "values_overrides": {
                "kserve": {"controller": {"gateway": {"domain": "override.test"}}}
            },
        }
    }
    recording, _ = run_platform(platform(addons=addons))
    values = chart(recording, "lab-kserve-controller").inputs["values"]
    assert values["kserve"]["controller"]["deploymentMode"] == "Knative"
    assert values["kserve"]["controller"]["gateway"] == {
        "disableIngressCreation": True,
        "domain": "override.test",
        "ingressGateway": {"className": "envoy", "enableGatewayApi": True},
        "urlScheme": "https",
    }
    assert values["kserve"]["localmodel"] == {"enabled": True}
    local_crd = chart(recording, "lab-kserve-localmodel-crd")
    local = chart(recording, "lab-kserve-localmodel")
    assert local_crd.urn in local.dependencies
    assert recording.named("lab-kserve-controller").urn in local.dependencies
    assert (
        manifest_of(recording.named("lab-kserve-namespace"))["metadata"]["labels"][
            "pod-security.kubernetes.io/enforce"
        ]
        == "privileged"
    )


def test_kserve_without_models_is_off_and_can_be_forced_on() -> None:
    recording, _ = run_platform(platform())
    assert recording.of_type("llmops:addons:KServe") == []
    assert recording.of_type("llmops:addons:CertManager") == []
    recording, _ = run_platform(
        platform(addons={"kserve": {"enabled": True, "install_runtimes": False}})
    )
    assert len(recording.of_type("llmops:addons:KServe")) == 1
    assert [
        r.name
        for r in recording.of_type("kubernetes:helm.sh/v4:Chart")
        if r.name.startswith("lab-kserve")
    ] == ["lab-kserve-crd", "lab-kserve-controller"]


def test_bring_your_own_cert_manager() -> None:
    recording, _ = run_platform(
        platform(models={"llama": MODEL}, addons={"cert_manager": {"enabled": False}})
    )
    assert recording.of_type("llmops:addons:CertManager") == []
    controller = chart(recording, "lab-kserve-controller")
    assert all("CertManager" not in urn for urn in controller.dependencies)


def test_cert_manager_values_overrides_win() -> None:
    addons = {"cert_manager": {"values_overrides": {"crds": {"keep": False}, "replicaCount": 2}}}
    recording, _ = run_platform(platform(models={"llama": MODEL}, addons=addons))
    values = chart(recording, "lab-cert-manager-chart").inputs["values"]
    assert values["crds"] == {"enabled": True, "keep": False}
    assert values["replicaCount"] == 2.0
    assert values["startupapicheck"] == {"enabled": False}


@pytest.mark.parametrize(
    ("key", "values"),
    [
        (
            "kserve-resources",
            kserve_values(
                KServeSpec.model_validate(
                    {"model_cache": {"enabled": True}, "deployment_mode": "Knative"}
                )
            ),
        ),
        ("kserve-runtime-configs", runtime_configs_values()),
        ("kserve-runtime-configs", runtime_configs_values(dev_shm=True)),
        (
            "kserve-localmodel-resources",
            localmodel_values([{"key": "nvidia.com/gpu", "operator": "Exists"}]),
        ),
    ],
)
def test_every_values_key_exists_in_the_pinned_chart(key: str, values: dict) -> None:
    pin = CHARTS[key]
    assert unknown_values_keys(values, chart_defaults(pin.chart_name, pin.version)) == []


def test_cert_manager_values_validate_against_the_chart_schema() -> None:
    """The webhook annotation keys are documented only as comments in values.yaml; the
    chart's values.schema.json (additionalProperties: false) has them."""
    pin = CHARTS["cert-manager"]
    path = require_upstream() / "charts" / pin.chart_name / pin.version / "values.schema.json"
    jsonschema.validate(cert_manager_values(), json.loads(path.read_text()))


def test_namespace_objects_validate() -> None:
    recording, _ = run_platform(platform(models={"llama": MODEL}))
    names = sorted(r.name for r in recording.of_type("kubernetes:core/v1:Namespace"))
    assert names == [
        "lab-cert-manager-namespace",
        "lab-gpu-operator-namespace",
        "lab-kserve-namespace",
        "lab-namespaces-llmops-models",
        "lab-namespaces-llmops-system",
    ]
    for resource in recording.of_type("kubernetes:core/v1:Namespace"):
        validate_manifest(manifest_of(resource))


def test_serving_components_are_exposed_on_the_platform() -> None:
    _, value = run_platform(platform(models={"llama": MODEL}))
    assert isinstance(value.gpu_operator, GpuOperator)
    assert value.cert_manager is not None and value.kserve is not None
    assert value.models is not None and sorted(value.models.inference_services) == ["llama"]
    assert isinstance(value.kserve.controller, pulumi.Resource)
