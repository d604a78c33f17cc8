"""kube/helm.py: the webhook CA await transform, and what `helm_chart` hands the SDK.

Transforms are not applied under Pulumi's mocks (shared/reference/pulumi-python-testing.md),
so the transform is called directly, and the component tests check that the library's
KServe and KEDA charts carry it.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from helpers import onprem_platform, run_platform
from pulumi_llmops.kube import helm as kube_helm
from pulumi_llmops.kube.helm import WAIT_FOR_CA_BUNDLE, await_webhook_ca

VALIDATING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingWebhookConfiguration"
MUTATING = "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration"


def transform(type_: str, props: dict[str, Any]):
    opts = pulumi.ResourceOptions()
    return await_webhook_ca(pulumi.ResourceTransformArgs(True, type_, "x", props, opts)), opts


@pytest.mark.parametrize("type_", [VALIDATING, MUTATING])
def test_webhook_configurations_wait_for_their_ca_bundle(type_: str) -> None:
    props = {
        "metadata": {"name": "kserve-webhook", "annotations": {"cert-manager.io/inject": "x"}},
        "webhooks": [{"name": "a"}],
    }
    result, opts = transform(type_, props)
    assert result is not None and result.opts is opts
    assert result.props == {
        "metadata": {
            "name": "kserve-webhook",
            "annotations": {
                "cert-manager.io/inject": "x",
                "pulumi.com/waitFor": "jsonpath={.webhooks[*].clientConfig.caBundle}",
            },
        },
        "webhooks": [{"name": "a"}],
    }
    assert props["metadata"]["annotations"] == {"cert-manager.io/inject": "x"}  # not mutated


def test_other_resources_and_explicit_waits_pass_unchanged() -> None:
    assert transform("kubernetes:apps/v1:Deployment", {"metadata": {}})[0] is None
    own = {"metadata": {"annotations": {"pulumi.com/waitFor": "condition=Ready"}}}
    assert transform(VALIDATING, own)[0] is None
    result, _ = transform(VALIDATING, {})  # no metadata at all
    assert result is not None and result.props == {"metadata": {"annotations": WAIT_FOR_CA_BUNDLE}}


def test_the_library_charts_without_webhook_values_carry_the_transform(monkeypatch) -> None:
    """KServe's charts expose no webhook annotation values (kserve-resources values.yaml has
    only webhookServiceAnnotations), KEDA's neither: their Chart options carry the transform;
    cert-manager's annotations come from its values instead."""
    seen: dict[str, list] = {}
    real = kube_helm.k8s.helm.v4.Chart

    def spy(name: str, **kwargs: Any):
        seen[name] = list(kwargs["opts"].transforms or [])
        return real(name, **kwargs)

    monkeypatch.setattr(kube_helm.k8s.helm.v4, "Chart", spy)
    model = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}
    addons = {"kserve": {"model_cache": {"enabled": True}, "keda": {"enabled": True}}}
    run_platform(onprem_platform(models={"m": model}, addons=addons))
    awaited = sorted(name for name, t in seen.items() if t == [await_webhook_ca])
    assert awaited == [
        "lab-keda-chart",
        "lab-kserve-controller",
        "lab-kserve-crd",
        "lab-kserve-localmodel",
        "lab-kserve-localmodel-crd",
        "lab-kserve-runtimes",
    ]
    assert seen["lab-cert-manager-chart"] == []
