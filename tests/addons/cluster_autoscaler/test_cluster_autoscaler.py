"""The Cluster Autoscaler add-on: values exist in the pinned chart, flags are real CA flags,
and on the bundle the chart waits for its AWS identity and runs on the system nodes."""

from __future__ import annotations

import pytest

from helpers import chart_defaults, require_upstream, run_platform, unknown_values_keys
from helpers.cloud_configs import platform
from pulumi_llmops.addons.cluster_autoscaler import cluster_autoscaler_values
from pulumi_llmops.addons.cluster_autoscaler.values import SCALING_FLAGS
from pulumi_llmops.versions import CHARTS

VALUES = cluster_autoscaler_values(
    cluster_name="ml",
    region="us-east-1",
    service_account="cluster-autoscaler",
    image_tag="v1.35.0",
    node_selector={"llmops.dev/pool": "system"},
)
# Flags documented in kubernetes/autoscaler cluster-autoscaler/FAQ.md ("What are the
# parameters to CA?", read at aa23d199) that the library sets.
DOCUMENTED_FLAGS = {
    "expander",
    "skip-nodes-with-local-storage",
    "ignore-daemonsets-utilization",
    "max-node-provision-time",
    "scale-down-unneeded-time",
    "scale-down-delay-after-add",
}


def test_values_exact() -> None:
    assert VALUES == {
        "cloudProvider": "aws",
        "awsRegion": "us-east-1",
        "autoDiscovery": {"clusterName": "ml"},
        "fullnameOverride": "cluster-autoscaler",
        "rbac": {"serviceAccount": {"create": True, "name": "cluster-autoscaler"}},
        "image": {"tag": "v1.35.0"},
        "nodeSelector": {"llmops.dev/pool": "system"},
        "extraArgs": {
            "expander": "least-waste",
            "skip-nodes-with-local-storage": False,
            "ignore-daemonsets-utilization": True,
            "max-node-provision-time": "20m0s",
            "scale-down-unneeded-time": "10m0s",
            "scale-down-delay-after-add": "10m0s",
        },
    }
    assert set(SCALING_FLAGS) == DOCUMENTED_FLAGS


def test_every_key_exists_in_the_pinned_chart() -> None:
    require_upstream()
    defaults = chart_defaults("cluster-autoscaler", CHARTS["cluster-autoscaler"].version)
    # extraArgs is a free-form flag map whose defaults are not empty (logtostderr, v...).
    values = {k: v for k, v in VALUES.items() if k != "extraArgs"}
    assert unknown_values_keys(values, defaults) == []
    assert "extraArgs" in defaults and defaults["autoDiscovery"]["tags"] == [
        "k8s.io/cluster-autoscaler/enabled",
        "k8s.io/cluster-autoscaler/{{ .Values.autoDiscovery.clusterName }}",
    ]


@pytest.mark.parametrize("existing", [False, True])
def test_bundle_installs_the_chart_only_with_the_clusters_identity(existing: bool) -> None:
    eks = {"existing": True, "node_subnet_ids": ["subnet-0a1b2c3d4e5f60001"]} if existing else {}
    data = platform("eks", {"eks": {**platform("eks")["cluster"]["eks"], **eks}})
    if existing:
        data["cluster"]["eks"].pop("subnet_ids")
    recording, bundle = run_platform(data)
    charts = [r for r in recording.of_type("kubernetes:helm.sh/v4:Chart") if "autoscaler" in r.name]
    if existing:
        assert charts == [] and bundle.cluster_addons == {}
        return
    [chart] = charts
    assert chart.name == "ml-cluster-autoscaler-chart"
    assert (chart.inputs["chart"], chart.inputs["version"], chart.inputs["namespace"]) == (
        "cluster-autoscaler",
        "9.59.0",
        "kube-system",
    )
    assert chart.inputs["repositoryOpts"] == {"repo": "https://kubernetes.github.io/autoscaler"}
    assert chart.inputs["values"]["autoDiscovery"] == {"clusterName": "ml"}
    # EKS's default version (none pinned): the newest catalogued tag.
    assert chart.inputs["values"]["image"] == {"tag": "v1.35.0"}
    assert chart.provider == recording.named("ml-cluster-k8s").urn
    for before in (
        "ml-cluster-cluster-autoscaler-pod-identity",
        "ml-cluster-cluster-autoscaler-policy",
    ):
        assert recording.named(before).urn in chart.dependencies, before
    assert sorted(bundle.cluster_addons) == ["cluster-autoscaler"]


def test_pinned_version_picks_its_tag_and_an_override_wins() -> None:
    data = platform("eks")
    data["cluster"]["eks"]["kubernetes_version"] = "1.35"
    recording, _ = run_platform(data)
    assert (
        recording.named("ml-cluster-autoscaler-chart").inputs["values"]["image"]["tag"] == "v1.35.0"
    )
    data["cluster"]["eks"]["autoscaler_image_tag"] = "v1.35.2"
    recording, _ = run_platform(data)
    assert (
        recording.named("ml-cluster-autoscaler-chart").inputs["values"]["image"]["tag"] == "v1.35.2"
    )
