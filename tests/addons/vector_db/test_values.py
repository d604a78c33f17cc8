"""Vector DB Helm values: golden files per engine, chart-key conformance, security defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.data_cases import (
    MINIO_SNAPSHOTS,
    assert_documented_in_comments,
    unknown_keys,
)
from helpers.golden import check_golden
from pulumi_llmops.addons.vector_db import ENGINES, render_values
from pulumi_llmops.addons.vector_db.engines.pgvector import cnpg_schedule
from pulumi_llmops.config.data import VectorDatabaseSpec

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "qdrant-defaults": {},
    "qdrant-ha-snapshots": {
        "replicas": 3,
        "storage_gib": 100,
        "storage_class": "fast-retain",
        "snapshots": MINIO_SNAPSHOTS,
    },
    "weaviate-snapshots": {"engine": "weaviate", "snapshots": MINIO_SNAPSHOTS},
    "weaviate-snapshots-ca": {
        "engine": "weaviate",
        "snapshots": {**MINIO_SNAPSHOTS, "ca_bundle": {"secret": "minio-ca"}},
    },
    "milvus-standalone": {"engine": "milvus", "storage_class": "fast"},
    "milvus-cluster": {"engine": "milvus", "replicas": 3},
    "pgvector-backups": {
        "engine": "pgvector",
        "replicas": 3,
        "snapshots": {**MINIO_SNAPSHOTS, "ca_bundle": {"secret": "minio-ca", "key": "ca.pem"}},
    },
    "qdrant-retain-class": {"retain_storage_class": {}},
}

# Keys the charts document only in comments (no default in values.yaml).
COMMENTED = {
    "qdrant": {"apiKey", "persistence.storageClassName"},
    "weaviate": {
        "env.AUTHENTICATION_APIKEY_ENABLED",
        "env.AUTHENTICATION_APIKEY_USERS",
        "backups.s3.envconfig.AWS_REGION",
        "backups.s3.envconfig.BACKUP_S3_ENDPOINT",
        "backups.s3.envconfig.BACKUP_S3_PATH",
        "backups.s3.envconfig.BACKUP_S3_USE_SSL",
    },
}


# Free-form maps: weaviate's values.yaml says "Any env name passed will be automatically set
# for the statefulSet".
FREE_FORM = {"weaviate": {"env.SSL_CERT_FILE"}}


def render(case: str) -> dict:
    return render_values(VectorDatabaseSpec(**CASES[case]), "lab-dc1")


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_match_golden_file(case: str) -> None:
    check_golden(GOLDEN, f"vector-db-{case}", render(case))


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_values_key_exists_in_the_pinned_chart(case: str) -> None:
    spec = VectorDatabaseSpec(**CASES[case])
    chart = ENGINES[spec.engine].chart_key
    unknown = set(unknown_keys(chart, render(case))) - FREE_FORM.get(spec.engine, set())
    allowed = COMMENTED.get(spec.engine, set())
    assert unknown <= allowed, f"not in {chart}'s values.yaml: {unknown - allowed}"
    assert_documented_in_comments(chart, sorted(unknown))


def test_qdrant_reads_its_api_key_from_the_secret_and_stays_internal() -> None:
    values = render("qdrant-defaults")
    assert values["apiKey"] == {
        "valueFrom": {"secretKeyRef": {"name": "vector-db-api-key", "key": "api-key"}}
    }
    assert values["service"] == {"type": "ClusterIP"}


def test_qdrant_snapshots_use_native_s3_storage_with_keys_from_a_secret() -> None:
    env = {e["name"]: e for e in render("qdrant-ha-snapshots")["env"]}
    prefix = "QDRANT__STORAGE__SNAPSHOTS_CONFIG__"
    assert env[f"{prefix}SNAPSHOTS_STORAGE"]["value"] == "s3"
    assert env[f"{prefix}S3_CONFIG__BUCKET"]["value"] == "vector-snapshots"
    assert env[f"{prefix}S3_CONFIG__REGION"]["value"] == "us-east-1"
    assert env[f"{prefix}S3_CONFIG__ENDPOINT_URL"]["value"] == "https://minio.lab.internal:9000"
    assert env[f"{prefix}S3_CONFIG__ACCESS_KEY"]["valueFrom"] == {
        "secretKeyRef": {"name": "minio-creds", "key": "AWS_ACCESS_KEY_ID"}
    }
    assert all("value" not in env[f"{prefix}S3_CONFIG__{k}"] for k in ("ACCESS_KEY", "SECRET_KEY"))


def test_weaviate_overrides_both_public_load_balancers_and_anonymous_access() -> None:
    values = render("weaviate-snapshots")
    assert values["service"]["type"] == "ClusterIP"
    assert values["grpcService"]["type"] == "ClusterIP"
    assert values["authentication"] == {"anonymous_access": {"enabled": False}}
    assert values["envSecrets"] == {"AUTHENTICATION_APIKEY_ALLOWED_KEYS": "vector-db-api-key"}
    assert values["backups"]["s3"]["envconfig"]["BACKUP_S3_ENDPOINT"] == "minio.lab.internal:9000"
    assert values["backups"]["s3"]["envconfig"]["BACKUP_S3_USE_SSL"] == "true"


def test_milvus_mode_follows_replicas() -> None:
    assert render("milvus-standalone")["cluster"] == {"enabled": False}
    assert render("milvus-standalone")["pulsarv3"] == {"enabled": False}
    assert render("milvus-cluster")["cluster"] == {"enabled": True}
    assert render("milvus-cluster")["queryNode"]["replicas"] == 3


ROOT_PASSWORD_ENV = [
    {
        "name": "COMMON_SECURITY_DEFAULTROOTPASSWORD",
        "valueFrom": {"secretKeyRef": {"name": "vector-db-api-key", "key": "api-key"}},
    }
]


def test_milvus_root_password_comes_from_the_secret_never_a_configmap() -> None:
    """The chart renders extraConfigFiles into ConfigMap `milvus`: it keeps only the switch;
    the password reaches every component that may create the root user by secretKeyRef."""
    for case in ("milvus-standalone", "milvus-cluster"):
        values = render(case)
        assert values["extraConfigFiles"] == {
            "user.yaml": "common:\n  security:\n    authorizationEnabled: true\n"
        }
        assert "defaultRootPassword" not in str(values)
    assert render("milvus-standalone")["standalone"]["extraEnv"] == ROOT_PASSWORD_ENV
    cluster = render("milvus-cluster")
    for component in ("mixCoordinator", "rootCoordinator", "proxy"):
        assert cluster[component] == {"extraEnv": ROOT_PASSWORD_ENV}


def test_internal_ca_bundles() -> None:
    backups = render("pgvector-backups")["backups"]
    assert backups["endpointCA"] == {"name": "minio-ca", "key": "ca.pem"}
    weaviate = render("weaviate-snapshots-ca")
    assert weaviate["extraVolumes"] == [
        {"name": "snapshot-endpoint-ca", "secret": {"secretName": "minio-ca"}}
    ]
    assert weaviate["extraVolumeMounts"] == [
        {"name": "snapshot-endpoint-ca", "mountPath": "/etc/llmops/snapshot-ca", "readOnly": True}
    ]
    assert weaviate["env"]["SSL_CERT_FILE"] == "/etc/llmops/snapshot-ca/ca.crt"
    assert "extraVolumes" not in render("weaviate-snapshots")


def test_a_retain_class_is_used_by_the_volumes() -> None:
    assert render("qdrant-retain-class")["persistence"] == {
        "size": "20Gi",
        "storageClassName": "llmops-retain",
    }


def test_pgvector_backups_are_cnpg_native_with_a_seconds_field() -> None:
    backups = render("pgvector-backups")["backups"]
    assert backups["scheduledBackups"][0]["schedule"] == "0 0 2 * * *"
    assert backups["secret"] == {"create": False, "name": "minio-creds"}
    assert backups["retentionPolicy"] == "14d"
    assert cnpg_schedule("30 1 * * 0") == "0 30 1 * * 0"


def test_values_overrides_win_dicts_merge_lists_replace() -> None:
    spec = VectorDatabaseSpec(
        values_overrides={
            "service": {"type": "NodePort"},
            "persistence": {"size": "1Ti"},
            "tolerations": [{"key": "db", "operator": "Exists"}],
        }
    )
    values = render_values(spec, "lab-dc1")
    assert values["service"] == {"type": "NodePort"}
    assert values["persistence"] == {"size": "1Ti"}
    assert values["tolerations"] == [{"key": "db", "operator": "Exists"}]
    assert values["replicaCount"] == 1


@pytest.mark.parametrize("engine", ["weaviate", "pgvector"])
def test_metrics_values_keys_exist_in_the_pinned_chart(engine: str) -> None:
    values = render_values(VectorDatabaseSpec(engine=engine), "lab-dc1", metrics=True)
    chart = ENGINES[engine].chart_key
    unknown = unknown_keys(chart, values)
    assert set(unknown) <= COMMENTED.get(engine, set())
