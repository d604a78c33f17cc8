"""On-prem L1 components on the mock engine: exact children, inputs, providers and parents."""

from __future__ import annotations

import pulumi

from helpers import manifest_of, onprem_platform, run, run_platform, validate_manifest
from pulumi_llmops.cluster import ExistingCluster, ExistingClusterArgs
from pulumi_llmops.cluster.onprem import OnPremGpuPool, OnPremGpuPoolArgs
from pulumi_llmops.config import GpuPoolSpec
from pulumi_llmops.offline.recording import SECRET

PROVIDER_TYPE = "pulumi:providers:kubernetes"


def pool_spec(**onprem) -> GpuPoolSpec:
    return GpuPoolSpec.model_validate({"gpu": {"model": "L40S", "count": 4}, "onprem": onprem})


def test_existing_cluster_creates_one_explicit_provider() -> None:
    recording, cluster = run(
        lambda: ExistingCluster(
            "lab",
            ExistingClusterArgs(region="dc1", kubeconfig="/etc/kube/lab.yaml", context="admin"),
        )
    )
    component = recording.named("lab")
    provider = recording.named("lab-k8s")
    assert component.type == "llmops:cluster:ExistingCluster"
    assert provider.type == PROVIDER_TYPE
    assert provider.parent == component.urn
    assert provider.inputs == {
        "clusterIdentifier": "lab",
        "context": "admin",
        "enableServerSideApply": "true",
        "kubeconfig": SECRET,
    }
    assert (cluster.handle.name, cluster.handle.target, cluster.handle.region) == (
        "lab",
        "onprem",
        "dc1",
    )


def test_existing_cluster_with_context_only_uses_the_ambient_kubeconfig() -> None:
    recording, cluster = run(
        lambda: ExistingCluster("lab", ExistingClusterArgs(region="dc1", context="admin"))
    )
    assert "kubeconfig" not in recording.named("lab-k8s").inputs
    assert cluster.handle.kubeconfig is None


def _pool(spec: GpuPoolSpec):
    def program():
        cluster = ExistingCluster("lab", ExistingClusterArgs(region="dc1", context="admin"))
        return OnPremGpuPool(
            "lab-l40s", OnPremGpuPoolArgs(cluster=cluster, pool="l40s", spec=spec)
        ), cluster

    return program


def test_named_nodes_get_server_side_apply_patches() -> None:
    recording, (pool, cluster) = run(_pool(pool_spec(node_names=["gpu-1", "gpu-2"])))
    component = recording.named("lab-l40s")
    provider = recording.named("lab-k8s")
    patches = recording.children_of(component.urn)
    assert [(p.type, p.name) for p in patches] == [
        ("kubernetes:core/v1:NodePatch", "lab-l40s-gpu-1"),
        ("kubernetes:core/v1:NodePatch", "lab-l40s-gpu-2"),
    ]
    assert {p.provider for p in patches} == {provider.urn}
    assert patches[0].inputs == {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": "gpu-1",
            "labels": {"llmops.dev/gpu-model": "l40s", "llmops.dev/pool": "l40s"},
        },
        "spec": {"taints": [{"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "present"}]},
    }
    assert (pool.contract.min_nodes, pool.contract.max_nodes) == (2, 2)


def test_force_patch_and_unmanaged_taints() -> None:
    recording, _ = run(
        _pool(pool_spec(node_names=["gpu-1"], force_patch=True, manage_taints=False))
    )
    patch = recording.named("lab-l40s-gpu-1")
    assert patch.inputs["metadata"]["annotations"] == {"pulumi.com/patchForce": "true"}
    assert "spec" not in patch.inputs


def test_selector_pool_patches_nothing_and_uses_the_selector() -> None:
    spec = pool_spec(
        node_selector={"hw/gpu": "l40s"},
        node_count=3,
        existing_taints={"gpu": {"value": "yes", "effect": "NoSchedule"}},
    )
    recording, (pool, _) = run(_pool(spec))
    assert recording.children_of(recording.named("lab-l40s").urn) == []
    assert pool.contract.node_selector == {"hw/gpu": "l40s"}
    assert pool.contract.tolerations == [
        {"key": "gpu", "operator": "Equal", "value": "yes", "effect": "NoSchedule"}
    ]
    assert (pool.contract.min_nodes, pool.contract.max_nodes) == (3, 3)


def test_secret_kubeconfig_from_config_stays_secret() -> None:
    platform = onprem_platform(
        cluster={"name": "lab", "kubeconfig": {"secret_config_key": "kubeconfig"}}
    )
    recording, _ = run_platform(
        platform, {"llmops:kubeconfig": "apiVersion: v1"}, secret_keys=("llmops:kubeconfig",)
    )
    assert recording.named("lab-cluster-k8s").inputs["kubeconfig"] is SECRET
    assert recording.outputs["kubeconfig"] is SECRET


def test_node_patches_and_platform_namespaces_validate_against_the_official_schema() -> None:
    """(Every other object of every shipped stack: tests/foundation/test_shipped_stacks.py.)"""
    recording, _ = run_platform(onprem_platform())
    namespaces = recording.named("lab-namespaces")
    objects = [
        r
        for r in recording
        if r.type == "kubernetes:core/v1:NodePatch" or r.parent == namespaces.urn
    ]
    assert sorted(r.name for r in objects) == [
        "lab-l4-gpu-1",
        "lab-l4-gpu-2",
        "lab-namespaces-llmops-models",
        "lab-namespaces-llmops-system",
    ]
    for resource in objects:
        validate_manifest(manifest_of(resource))


def test_pulumi_runtime_test_runs_under_the_mandatory_mock_fixture(mock_engine) -> None:
    """A `@pulumi.runtime.test` body runs with the autouse mocks: its assertions execute."""
    seen = []

    @pulumi.runtime.test
    def body():
        ns = ExistingCluster("fx", ExistingClusterArgs(region="dc1", context="c"))
        return ns.provider.urn.apply(seen.append)

    body()
    assert seen == [
        "urn:pulumi:test::llmops::llmops:cluster:ExistingCluster$pulumi:providers:kubernetes::fx-k8s"
    ]
    assert len(mock_engine.recording) == 2
