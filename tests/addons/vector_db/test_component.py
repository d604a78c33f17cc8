"""`VectorDatabase` on the mock engine: children, data protection, secrets, schemas."""

from __future__ import annotations

import json

import pytest

from helpers import manifest_of, run, run_platform, validate_manifest
from helpers.data_cases import MINIO_SNAPSHOTS, plain_manifest, platform, unknown_keys
from pulumi_llmops.offline.recording import SECRET

CHART = "kubernetes:helm.sh/v4:Chart"
NAME = "lab-vectordb"


def children(recording, name=NAME):
    component = recording.named(name)
    assert component.type == "llmops:addons:VectorDatabase"
    return {r.name: r for r in recording.children_of(component.urn)}


def test_default_qdrant_children_types_and_provider() -> None:
    recording, _ = run_platform(platform())
    kids = children(recording)
    assert {n: r.type for n, r in kids.items()} == {
        f"{NAME}-namespace": "kubernetes:core/v1:Namespace",
        f"{NAME}-api-key": "random:index/randomPassword:RandomPassword",
        f"{NAME}-api-key-secret": "kubernetes:core/v1:Secret",
        f"{NAME}-qdrant": CHART,
        f"{NAME}-network-policy": "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    }
    provider = recording.named("lab-cluster-k8s").urn
    assert all(r.provider == provider for r in kids.values() if r.type.startswith("kubernetes:"))
    chart = recording.of_type(CHART)
    qdrant = next(r for r in chart if r.name == f"{NAME}-qdrant")
    assert qdrant.inputs["chart"] == "qdrant"
    assert qdrant.inputs["version"] == "1.19.0"
    assert qdrant.inputs["repositoryOpts"] == {"repo": "https://qdrant.github.io/qdrant-helm"}
    assert qdrant.inputs["namespace"] == "llmops-vectordb"
    assert qdrant.inputs["values"]["replicaCount"] == 1.0


def _by_type(recording, type_, name=NAME):
    return [r for r in children(recording, name).values() if r.type == type_]


def test_destroy_cannot_delete_vector_data_by_default() -> None:
    """The namespace and key Secret are held; the chart is not: retain_on_delete never reaches
    a chart's children (pulumi-kubernetes#3065), and the data lives in StatefulSet volume
    claims, which are not chart resources and outlive it."""
    recording, _ = run_platform(platform())
    namespace = recording.named(f"{NAME}-namespace")
    chart = recording.named(f"{NAME}-qdrant")
    [secret] = _by_type(recording, "kubernetes:core/v1:Secret")
    for resource in (namespace, secret):
        assert (resource.protect, resource.retain_on_delete) == (True, True), resource.name
    assert (chart.protect, chart.retain_on_delete) == (False, False)


def test_retain_storage_class_is_created_first_and_used() -> None:
    recording, _ = run_platform(
        platform(vector_db={"retain_storage_class": {"provisioner": "rbd.csi.ceph.com"}})
    )
    storage_class = recording.named(f"{NAME}-storage-class")
    manifest = manifest_of(storage_class)
    validate_manifest(manifest)
    assert manifest == {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": "llmops-retain",
            "labels": {"app.kubernetes.io/part-of": "llmops-vector-db", "team": "ml"},
        },
        "provisioner": "rbd.csi.ceph.com",
        "reclaimPolicy": "Retain",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": True,
    }
    chart = recording.named(f"{NAME}-qdrant")
    assert storage_class.urn in chart.dependencies
    assert chart.inputs["values"]["persistence"]["storageClassName"] == "llmops-retain"


def test_allow_data_deletion_lifts_protect_and_retain() -> None:
    recording, _ = run_platform(platform(vector_db={"allow_data_deletion": True}))
    for resource in children(recording).values():
        assert (resource.protect, resource.retain_on_delete) == (False, False), resource.name


def test_api_key_is_generated_and_only_ever_a_secret() -> None:
    recording, _ = run_platform(platform())
    password = next(
        r
        for r in recording.of_type("random:index/randomPassword:RandomPassword")
        if r.name == f"{NAME}-api-key"
    )
    assert password.inputs == {"length": 40.0, "special": False}
    [secret] = _by_type(recording, "kubernetes:core/v1:Secret")
    assert secret.inputs["stringData"] is SECRET
    assert secret.inputs["metadata"]["name"] == "vector-db-api-key"
    assert recording.outputs["vector_db_api_key"] is SECRET
    assert recording.outputs["vector_db_url"] == (
        "http://qdrant.llmops-vectordb.svc.cluster.local:6333"
    )
    # The mock engine's generated value never appears unmasked in any recorded input.
    assert f"offline-password-{NAME}-api-key" not in json.dumps(
        [dict(r.inputs) for r in recording], default=repr
    )


def test_network_policy_admits_only_serving_monitoring_and_configured_namespaces() -> None:
    recording, _ = run_platform(platform(vector_db={"allowed_namespaces": ["rag-api"]}))
    policy = recording.named(f"{NAME}-network-policy")
    manifest = manifest_of(policy)
    validate_manifest(manifest)
    assert manifest["spec"] == {
        "podSelector": {},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {"podSelector": {}},
                    {
                        "namespaceSelector": {
                            "matchExpressions": [
                                {
                                    "key": "kubernetes.io/metadata.name",
                                    "operator": "In",
                                    "values": ["llmops-models", "monitoring", "rag-api"],
                                }
                            ]
                        }
                    },
                ]
            }
        ],
    }


def test_network_policy_can_be_skipped_and_monitoring_is_dropped_without_observability() -> None:
    recording, _ = run_platform(platform(vector_db={"network_policy": False}))
    assert f"{NAME}-network-policy" not in recording.names()
    recording, _ = run_platform(platform(observability={"enabled": False}))
    values = manifest_of(recording.named(f"{NAME}-network-policy"))["spec"]["ingress"][0]["from"]
    assert values[1]["namespaceSelector"]["matchExpressions"][0]["values"] == ["llmops-models"]


def test_every_plain_object_validates_against_the_kubernetes_schema() -> None:
    recording, _ = run_platform(platform(vector_db={"replicas": 3, "snapshots": MINIO_SNAPSHOTS}))
    checked = 0
    for resource in children(recording).values():
        if resource.type.startswith("kubernetes:") and resource.type != CHART:
            validate_manifest(plain_manifest(resource))
            checked += 1
    assert checked == 5  # namespace, secret, network policy, script ConfigMap, CronJob


def test_qdrant_snapshot_cronjob_calls_every_peer_with_the_key_from_the_secret() -> None:
    recording, _ = run_platform(platform(vector_db={"replicas": 3, "snapshots": MINIO_SNAPSHOTS}))
    job = manifest_of(recording.named(f"{NAME}-snapshot"))
    assert job["spec"]["schedule"] == "0 2 * * *"
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    container = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert env["URLS"]["value"] == ",".join(
        f"http://qdrant-{i}.qdrant-headless.llmops-vectordb.svc.cluster.local:6333"
        for i in range(3)
    )
    assert env["API_KEY"] == {
        "name": "API_KEY",
        "valueFrom": {"secretKeyRef": {"name": "vector-db-api-key", "key": "api-key"}},
    }
    assert container["securityContext"]["runAsNonRoot"] is True
    script = manifest_of(recording.named(f"{NAME}-snapshot-script"))["data"]["snapshot.py"]
    compile(script, "snapshot.py", "exec")


def test_snapshot_credentials_from_secret_config_become_a_secret_object() -> None:
    snapshots = {
        **MINIO_SNAPSHOTS,
        "credentials": {
            "access_key_id_config_key": "minioKeyId",
            "secret_access_key_config_key": "minioSecret",
        },
    }
    recording, _ = run_platform(
        platform(vector_db={"snapshots": snapshots}),
        extra_config={
            "llmops:minioKeyId": "AKIAOFFLINEKEYID",
            "llmops:minioSecret": "s3cr3t-v4lue",
        },
        secret_keys=("llmops:minioKeyId", "llmops:minioSecret"),
    )
    creds = recording.named(f"{NAME}-snapshot-credentials")
    assert creds.inputs["stringData"] is SECRET
    assert creds.inputs["metadata"]["name"] == "vector-db-snapshot-credentials"
    dumped = json.dumps([dict(r.inputs) for r in recording], default=repr)
    assert "AKIAOFFLINEKEYID" not in dumped and "s3cr3t-v4lue" not in dumped
    env = recording.named(f"{NAME}-qdrant").inputs["values"]["env"]
    refs = {e["name"]: e.get("valueFrom") for e in env}
    assert refs["QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__SECRET_KEY"] == {
        "secretKeyRef": {"key": "AWS_SECRET_ACCESS_KEY", "name": "vector-db-snapshot-credentials"}
    }


def test_weaviate_gets_no_public_service() -> None:
    recording, _ = run_platform(platform(vector_db={"engine": "weaviate"}))
    values = recording.named(f"{NAME}-weaviate").inputs["values"]
    assert values["service"]["type"] == "ClusterIP"
    assert values["grpcService"]["type"] == "ClusterIP"
    [secret] = _by_type(recording, "kubernetes:core/v1:Secret")
    assert secret.inputs["stringData"] is SECRET


def test_milvus_values_hold_no_secret() -> None:
    """The root password reaches Milvus by secretKeyRef: the values (and the ConfigMap the
    chart renders from extraConfigFiles) carry no secret at all."""
    recording, _ = run_platform(platform(vector_db={"engine": "milvus"}))
    values = recording.named(f"{NAME}-milvus").inputs["values"]
    assert values["extraConfigFiles"] == {
        "user.yaml": "common:\n  security:\n    authorizationEnabled: true\n"
    }
    assert "[secret]" not in json.dumps(values, default=repr)
    assert values["standalone"]["extraEnv"][0]["valueFrom"] == {
        "secretKeyRef": {"name": "vector-db-api-key", "key": "api-key"}
    }
    assert values["cluster"] == {"enabled": False}
    assert f"offline-password-{NAME}-api-key" not in json.dumps(
        [dict(r.inputs) for r in recording], default=repr
    )


def test_pgvector_installs_the_operator_then_the_cluster() -> None:
    recording, _ = run_platform(platform(vector_db={"engine": "pgvector", "replicas": 3}))
    operator = recording.named(f"{NAME}-cnpg-operator")
    cluster = recording.named(f"{NAME}-pgvector")
    assert (operator.inputs["chart"], operator.inputs["version"]) == ("cloudnative-pg", "0.29.0")
    assert (cluster.inputs["chart"], cluster.inputs["version"]) == ("cluster", "0.8.1")
    assert operator.urn in cluster.dependencies
    assert (cluster.protect, cluster.retain_on_delete) == (False, False)
    assert (operator.protect, operator.retain_on_delete) == (False, False)
    assert unknown_keys("cloudnative-pg", operator.inputs["values"]) == []
    [secret] = _by_type(recording, "kubernetes:core/v1:Secret")
    assert secret.inputs["type"] == "kubernetes.io/basic-auth"
    assert secret.inputs["stringData"] is SECRET
    policy = manifest_of(recording.named(f"{NAME}-network-policy"))
    namespaces = policy["spec"]["ingress"][0]["from"][1]["namespaceSelector"]
    assert "cnpg-system" in namespaces["matchExpressions"][0]["values"]


def test_disabled_creates_nothing_and_exports_nothing() -> None:
    recording, _ = run_platform(platform(vector_db={"enabled": False}))
    assert not [n for n in recording.names() if n.startswith(NAME)]
    assert "vector_db_url" not in recording.outputs


@pytest.mark.parametrize("engine", ["qdrant", "weaviate", "milvus", "pgvector"])
def test_chart_version_override_from_config_wins(engine: str) -> None:
    key = {"pgvector": "cnpg-cluster"}.get(engine, engine)
    data = platform(vector_db={"engine": engine})
    data["versions"] = {"charts": {key: {"version": "9.9.9"}}}
    recording, _ = run_platform(data)
    assert recording.named(f"{NAME}-{engine}").inputs["version"] == "9.9.9"


def test_the_leak_checks_are_live_the_fake_key_really_flows() -> None:
    """The no-plaintext assertions above could pass vacuously if the key were empty: prove the
    generated value reaches the component (as a secret Output)."""
    from pulumi_llmops.bundle import LlmOpsPlatform, LlmOpsPlatformArgs
    from pulumi_llmops.config import load_platform_config

    seen: list[tuple[str, bool]] = []

    def program():
        built = LlmOpsPlatform("lab", LlmOpsPlatformArgs(config=load_platform_config(platform())))
        key = built.vector_db.api_key
        key.apply(lambda value: seen.append(("value", value)))
        return built

    run(program)
    assert seen == [("value", f"offline-password-{NAME}-api-key")]


def test_snapshot_image_override_from_config_wins() -> None:
    snapshots = {**MINIO_SNAPSHOTS, "image": "registry.lab.internal/python:3.13-alpine"}
    recording, _ = run_platform(platform(vector_db={"snapshots": snapshots}))
    job = manifest_of(recording.named(f"{NAME}-snapshot"))
    [container] = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "registry.lab.internal/python:3.13-alpine"
    recording, _ = run_platform(platform(vector_db={"snapshots": MINIO_SNAPSHOTS}))
    job = manifest_of(recording.named(f"{NAME}-snapshot"))
    [container] = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "docker.io/library/python:3.13-alpine"


def test_component_attributes_holding_secrets_are_pulumi_secrets() -> None:
    """Exported raw (without program.py's extra `Output.secret`), each attribute is secret."""
    import pulumi

    from pulumi_llmops.bundle import LlmOpsPlatform, LlmOpsPlatformArgs
    from pulumi_llmops.config import load_platform_config

    def program():
        config = load_platform_config(platform(vector_db={"engine": "milvus"}))
        built = LlmOpsPlatform("lab", LlmOpsPlatformArgs(config=config))
        pulumi.export("api_key", built.vector_db.api_key)
        pulumi.export("grafana", built.observability.grafana_admin_password)
        pulumi.export("url", built.vector_db.url)

    recording, _ = run(program)
    assert recording.outputs["api_key"] is SECRET
    assert recording.outputs["grafana"] is SECRET
    assert recording.outputs["url"] == "http://milvus.llmops-vectordb.svc.cluster.local:19530"


@pytest.mark.parametrize(
    ("engine", "path"),
    [
        ("weaviate", ("serviceMonitor", "enabled")),
        ("pgvector", ("cluster", "monitoring", "enabled")),
    ],
)
def test_chart_monitors_wait_for_the_prometheus_operator_crds(engine: str, path: tuple) -> None:
    recording, _ = run_platform(platform(vector_db={"engine": engine}))
    chart = recording.named(f"{NAME}-{engine}")
    value = chart.inputs["values"]
    for key in path:
        value = value[key]
    assert value is True
    assert recording.named("lab-observability-kube-prometheus-stack").urn in chart.dependencies
    assert "lab-observability-vector-db" not in recording.names()  # the chart's own monitor
    recording, _ = run_platform(
        platform(vector_db={"engine": engine}, observability={"enabled": False})
    )
    values = recording.named(f"{NAME}-{engine}").inputs["values"]
    assert "serviceMonitor" not in values and "monitoring" not in values.get("cluster", {})


@pytest.mark.parametrize(
    ("engine", "expected"),
    [
        (
            "qdrant",
            {
                "namespace": "llmops-vectordb",
                "selector": {"app.kubernetes.io/name": "qdrant"},
                "port": "http",
                "path": "/metrics",
                "secret_name": "vector-db-api-key",
                "secret_key": "api-key",
            },
        ),
        ("weaviate", None),
        ("pgvector", None),
    ],
)
def test_metrics_target_is_what_observability_scrapes(engine, expected) -> None:
    """`VectorDatabase.metrics_target()` (public, for hand-composed programs) is the target the
    bundle gives `ObservabilityArgs.vector_db`: the engine's metrics port with the API key
    Secret, or None where the engine has no metrics port of the library's."""
    from dataclasses import asdict

    from pulumi_llmops import (
        ExistingCluster,
        ExistingClusterArgs,
        VectorDatabase,
        VectorDatabaseArgs,
        testing,
    )
    from pulumi_llmops.config import VectorDatabaseSpec

    targets = []

    def program() -> None:
        cluster = ExistingCluster("lab", ExistingClusterArgs(region="lab-dc1", context="lab"))
        vdb = VectorDatabase(
            "vdb",
            VectorDatabaseArgs(
                cluster=cluster.handle,
                spec=VectorDatabaseSpec.model_validate({"engine": engine}),
                region="lab-dc1",
            ),
        )
        targets.append(vdb.metrics_target())

    testing.run(program)
    [target] = targets
    assert (asdict(target) if target is not None else None) == expected
