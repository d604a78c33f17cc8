"""Qdrant (the default engine): API key by secretKeyRef, snapshots stored natively in S3.

Chart: https://github.com/qdrant/qdrant-helm
"""

from __future__ import annotations

from typing import Any

from ....config.data import SnapshotSpec, VectorDatabaseSpec
from ..common import (
    API_KEY_KEY,
    API_KEY_SECRET,
    credentials_secret_name,
    resources,
    snapshot_region,
)
from .base import Endpoint, Engine, api_key_data


def qdrant_values(
    spec: VectorDatabaseSpec, platform_region: str, metrics: bool = False
) -> dict[str, Any]:
    """Qdrant: API key by secretKeyRef; snapshots stored natively in S3 (Qdrant >= 1.10)."""
    persistence: dict[str, Any] = {"size": f"{spec.storage_gib}Gi"}
    if spec.volume_storage_class:
        persistence["storageClassName"] = spec.volume_storage_class
    values: dict[str, Any] = {
        "fullnameOverride": "qdrant",
        "replicaCount": spec.replicas,
        "persistence": persistence,
        "resources": resources(spec),
        "service": {"type": "ClusterIP"},
        "apiKey": {"valueFrom": {"secretKeyRef": {"name": API_KEY_SECRET, "key": API_KEY_KEY}}},
    }
    if spec.snapshots is not None:
        values["env"] = qdrant_snapshot_env(spec.snapshots, platform_region)
    return values


def qdrant_snapshot_env(snapshots: SnapshotSpec, platform_region: str) -> list[dict[str, Any]]:
    """Qdrant's `storage.snapshots_config` as env vars: snapshots are written to the bucket."""
    prefix = "QDRANT__STORAGE__SNAPSHOTS_CONFIG__"
    secret = credentials_secret_name(snapshots)
    env: list[dict[str, Any]] = [
        {"name": f"{prefix}SNAPSHOTS_STORAGE", "value": "s3"},
        {"name": f"{prefix}S3_CONFIG__BUCKET", "value": snapshots.bucket},
        {
            "name": f"{prefix}S3_CONFIG__REGION",
            "value": snapshot_region(snapshots, platform_region),
        },
        {
            "name": f"{prefix}S3_CONFIG__ACCESS_KEY",
            "valueFrom": {"secretKeyRef": {"name": secret, "key": "AWS_ACCESS_KEY_ID"}},
        },
        {
            "name": f"{prefix}S3_CONFIG__SECRET_KEY",
            "valueFrom": {"secretKeyRef": {"name": secret, "key": "AWS_SECRET_ACCESS_KEY"}},
        },
    ]
    if snapshots.endpoint:
        env.append({"name": f"{prefix}S3_CONFIG__ENDPOINT_URL", "value": snapshots.endpoint})
    return env


QDRANT = Engine(
    name="qdrant",
    chart_key="qdrant",
    endpoint=Endpoint(
        "qdrant", 6333, "http", "http", "/metrics", {"app.kubernetes.io/name": "qdrant"}
    ),
    values=qdrant_values,
    key_data=api_key_data,
    snapshots="cronjob",
)
