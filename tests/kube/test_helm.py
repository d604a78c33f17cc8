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
from pulumi_llmops.kube.helm import CRD_TYPE, WAIT_FOR_CA_BUNDLE, await_webhook_ca, protect_crds

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
    awaited = sorted(name for name, t in seen.items() if t == [await_webhook_ca, protect_crds])
    assert awaited == [
        "lab-keda-chart",
        "lab-kserve-controller",
        "lab-kserve-crd",
        "lab-kserve-localmodel",
        "lab-kserve-localmodel-crd",
        "lab-kserve-runtimes",
    ]
    assert seen["lab-cert-manager-chart"] == [protect_crds]


def crd_transform(type_: str, opts: pulumi.ResourceOptions):
    props = {"metadata": {"name": "inferenceservices.serving.kserve.io"}}
    return protect_crds(pulumi.ResourceTransformArgs(True, type_, "x", props, opts)), props


def test_every_crd_a_chart_renders_is_protected() -> None:
    """Deleting a CRD deletes every custom resource of its kind: the transform protects each
    CustomResourceDefinition and keeps the options the chart gave it."""
    parent = pulumi.ResourceOptions(depends_on=[], ignore_changes=["spec"])
    result, props = crd_transform(CRD_TYPE, parent)
    assert CRD_TYPE == "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition"
    assert result is not None and result.props is props
    assert (result.opts.protect, result.opts.ignore_changes) == (True, ["spec"])
    assert parent.protect is None  # not mutated


def test_other_resources_and_protected_crds_pass_unchanged() -> None:
    for type_ in (
        "kubernetes:apps/v1:Deployment",
        "kubernetes:serving.kserve.io/v1beta1:InferenceService",
    ):
        assert crd_transform(type_, pulumi.ResourceOptions())[0] is None
    assert crd_transform(CRD_TYPE, pulumi.ResourceOptions(protect=True))[0] is None


def test_every_library_chart_protects_its_crds_and_the_crd_only_charts_are_protected(
    monkeypatch,
) -> None:
    """Every chart the library installs carries `protect_crds` last (a chart that renders no
    CRD is unaffected); the charts that render only CRDs are protected as a whole, which the
    plan shows. Upstream data: the charts of MANIFEST.tsv that ship CRDs."""
    seen: dict[str, tuple[list, bool]] = {}
    real = kube_helm.k8s.helm.v4.Chart

    def spy(name: str, **kwargs: Any):
        seen[name] = (list(kwargs["opts"].transforms or []), bool(kwargs["opts"].protect))
        return real(name, **kwargs)

    monkeypatch.setattr(kube_helm.k8s.helm.v4, "Chart", spy)
    model = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}
    addons = {
        "kserve": {"model_cache": {"enabled": True}, "keda": {"enabled": True}},
        "gitops": {"enabled": True},
    }
    recording, _ = run_platform(onprem_platform(models={"m": model}, addons=addons))
    assert len(seen) >= 8
    assert {name for name, (t, _) in seen.items() if t[-1:] != [protect_crds]} == set()
    protected = sorted(name for name, (_, protect) in seen.items() if protect)
    assert protected == ["lab-kserve-crd", "lab-kserve-localmodel-crd"]
    charts = recording.of_type("kubernetes:helm.sh/v4:Chart")
    assert sorted(c.name for c in charts if c.protect) == protected
    assert {c.inputs["chart"].rsplit("/", 1)[-1] for c in charts if c.protect} == {
        "kserve-crd",
        "kserve-localmodel-crd",
    }
