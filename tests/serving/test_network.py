"""Model endpoints are cluster-internal by default, and the models namespace admits only
the namespaces that need it (NetworkPolicy)."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import manifest_of, onprem_platform, run_platform, validate_manifest
from pulumi_llmops.config import ConfigError
from pulumi_llmops.config.serving import KServeSpec
from pulumi_llmops.serving.network import model_client_namespaces

MODEL = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}


def admitted(policy: dict[str, Any]) -> list[str]:
    [rule] = policy["spec"]["ingress"]
    sources = rule["from"]
    assert sources[0] == {"podSelector": {}}  # the namespace's own pods
    if len(sources) == 1:
        return []
    [expression] = sources[1]["namespaceSelector"]["matchExpressions"]
    assert expression["key"] == "kubernetes.io/metadata.name"
    return expression["values"]


def test_default_models_are_internal_and_reachable_only_from_monitoring() -> None:
    recording, _ = run_platform(onprem_platform(models={"m": MODEL}))
    controller = recording.named("lab-kserve-controller").inputs["values"]
    assert controller["kserve"]["controller"]["gateway"]["disableIngressCreation"] is True
    resource = recording.named("lab-models-network-policy")
    policy = manifest_of(resource)
    validate_manifest(policy)
    assert policy["metadata"]["name"] == "llmops-models-allow-clients"
    assert policy["metadata"]["namespace"] == "llmops-models"
    assert policy["spec"]["podSelector"] == {} and policy["spec"]["policyTypes"] == ["Ingress"]
    assert admitted(policy) == ["monitoring"]
    assert recording.named("lab-namespaces-llmops-models").urn in resource.dependencies


@pytest.mark.parametrize(
    ("kserve", "observability", "expected"),
    [
        ({}, "monitoring", ["monitoring"]),
        ({}, None, []),
        (
            {"allowed_namespaces": ["rag-api", "chat"]},
            "monitoring",
            ["chat", "monitoring", "rag-api"],
        ),
        ({"gateway": {"disable_ingress_creation": False}}, None, ["istio-system"]),
        (
            {
                "gateway": {
                    "disable_ingress_creation": False,
                    "namespace": "gw",
                    "class_name": "envoy",
                }
            },
            None,
            ["gw"],
        ),
        ({"gateway": {"namespace": "gw"}}, None, []),  # no routes: the gateway is not admitted
        ({"deployment_mode": "Knative"}, None, ["knative-serving"]),
    ],
)
def test_admitted_namespaces(kserve: dict, observability: str | None, expected: list) -> None:
    assert model_client_namespaces(KServeSpec.model_validate(kserve), observability) == expected


def test_network_policy_can_be_switched_off() -> None:
    recording, _ = run_platform(
        onprem_platform(models={"m": MODEL}, addons={"kserve": {"network_policy": False}})
    )
    assert "lab-models-network-policy" not in recording.names()


def test_routes_through_an_unknown_gateway_need_its_namespace() -> None:
    kserve = {"gateway": {"disable_ingress_creation": False, "class_name": "envoy"}}
    with pytest.raises(ConfigError) as err:
        run_platform(onprem_platform(models={"m": MODEL}, addons={"kserve": kserve}))
    assert [p.render() for p in err.value.problems] == [
        "addons.kserve.gateway.namespace: required when models get routes "
        "(disable_ingress_creation: false) and the models NetworkPolicy is on: the gateway of "
        "class 'envoy' must be admitted"
    ]


def test_bad_allowed_namespace_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as err:
        run_platform(
            onprem_platform(
                models={"m": MODEL}, addons={"kserve": {"allowed_namespaces": ["Bad_"]}}
            )
        )
    assert [p.path for p in err.value.problems] == ["addons.kserve.allowed_namespaces.0"]
