"""`addons.vector_db` config: defaults, and each invalid input named by its YAML path."""

from __future__ import annotations

import pytest

from helpers.data_cases import MINIO_SNAPSHOTS, platform
from pulumi_llmops.bundle.data import data_addon_problems
from pulumi_llmops.config import ConfigError, load_platform_config


def test_defaults_are_qdrant_one_replica_retained() -> None:
    spec = load_platform_config(platform()).addons.vector_db
    assert (spec.enabled, spec.engine, spec.replicas, spec.storage_gib) == (True, "qdrant", 1, 20)
    assert spec.allow_data_deletion is False
    assert spec.snapshots is None
    assert spec.network_policy is True


def _problems(**vector_db) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(platform(vector_db=vector_db))
    return [p.render() for p in info.value.problems]


def test_snapshots_on_milvus_are_rejected_with_the_path() -> None:
    assert _problems(engine="milvus", snapshots=MINIO_SNAPSHOTS) == [
        "addons.vector_db.snapshots: scheduled snapshots are not built in for 'milvus'; allowed "
        "with: qdrant, weaviate, pgvector (Milvus: run milvus-backup, see docs)"
    ]


def test_credentials_need_exactly_one_source() -> None:
    both = {
        **MINIO_SNAPSHOTS,
        "credentials": {
            "existing_secret": "s",
            "access_key_id_config_key": "a",
            "secret_access_key_config_key": "b",
        },
    }
    assert _problems(snapshots=both) == [
        "addons.vector_db.snapshots.credentials.existing_secret: give existing_secret or the "
        "*_config_key pair, not both"
    ]
    half = {**MINIO_SNAPSHOTS, "credentials": {"access_key_id_config_key": "a"}}
    assert _problems(snapshots=half) == [
        "addons.vector_db.snapshots.credentials: set existing_secret, or both "
        "access_key_id_config_key and secret_access_key_config_key"
    ]


def test_unknown_engine_typo_and_bad_namespace_are_all_reported() -> None:
    found = _problems(engine="qdrnt", replica=3, allowed_namespaces=["Apps"])
    assert any(p.startswith("addons.vector_db.engine:") and "'qdrnt'" in p for p in found)
    assert any(p.startswith("addons.vector_db.replica: unknown key") for p in found)
    assert found[2] == (
        "addons.vector_db.allowed_namespaces.0: must be 1-63 characters of lowercase letters, "
        "digits and '-', starting and ending with a letter or digit (a Kubernetes name) "
        "(got 'Apps')"
    )  # one pass: the namespace rule runs on what parsed
    assert len(found) == 3


def test_bad_allowed_namespace_is_named_by_index() -> None:
    assert _problems(allowed_namespaces=["rag", "Bad_NS"]) == [
        "addons.vector_db.allowed_namespaces.1: must be 1-63 characters of lowercase letters, "
        "digits and '-', starting and ending with a letter or digit (a Kubernetes name) "
        "(got 'Bad_NS')"
    ]


def test_snapshot_region_must_match_a_cloud_platform_region() -> None:
    config = load_platform_config(platform(vector_db={"snapshots": MINIO_SNAPSHOTS}))
    assert data_addon_problems(config) == []  # on-prem: the S3 region name is free-form
    cloud = config.model_copy(update={"target": "eks", "region": "eu-central-1"})
    [problem] = data_addon_problems(cloud)
    assert problem.render() == (
        "addons.vector_db.snapshots.region: snapshots must stay in the platform's region "
        "'eu-central-1'; leave region unset to use it (got 'us-east-1')"
    )


def _secret_keys(value, secret: str) -> set[str]:
    if isinstance(value, dict):
        ref = value.get("secretKeyRef") or {}
        found = {ref["key"]} if ref.get("name") == secret else set()
        return found.union(*(_secret_keys(v, secret) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_secret_keys(v, secret) for v in value))
    return set()


def test_existing_secret_description_names_the_keys_qdrant_reads() -> None:
    """The real-engine tier created the Secret as docs/vector-db.md says and checked that every
    secretKeyRef resolves; the config reference named other keys (access_key_id) until then."""
    from pulumi_llmops.addons.vector_db.engines.qdrant import qdrant_values
    from pulumi_llmops.config.data import SnapshotCredentialsSpec, VectorDatabaseSpec

    spec = VectorDatabaseSpec.model_validate(
        {
            "snapshots": {
                "bucket": "vector-snapshots",
                "endpoint": "https://minio.lab.internal:9000",
                "region": "us-east-1",
                "credentials": {"existing_secret": "minio-creds"},
            }
        }
    )
    keys = _secret_keys(qdrant_values(spec, "lab-dc1"), "minio-creds")
    assert keys == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    described = SnapshotCredentialsSpec.model_fields["existing_secret"].description
    assert all(f"`{k}`" in described for k in keys), described
