"""Helm values for each vector database engine: pure functions, no Pulumi calls.

Each engine gets: replicas, volume size/class, resources, the API key read from a Kubernetes
Secret by reference, a cluster-internal Service, and (where configured) snapshot storage.
Upstream charts: https://github.com/qdrant/qdrant-helm, https://github.com/weaviate/weaviate-helm,
https://github.com/zilliztech/milvus-helm, https://github.com/cloudnative-pg/charts
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from ...config.data import SnapshotSpec, VectorDatabaseSpec

API_KEY_SECRET = "vector-db-api-key"
"""Secret holding the generated key (key `api-key`; Weaviate also reads its env-var key)."""
API_KEY_KEY = "api-key"
SNAPSHOT_CREDENTIALS_SECRET = "vector-db-snapshot-credentials"
"""Secret the library creates from secret config keys (AWS_* and CNPG's ACCESS_* keys)."""
PG_DATABASE = "app"
PG_USER = "app"


@dataclass(frozen=True)
class Endpoint:
    """How clients reach the engine inside the cluster."""

    service: str
    port: int
    scheme: str
    metrics_port: str | None
    metrics_path: str
    metrics_selector: dict[str, str]

    def url(self, namespace: str) -> str:
        return f"{self.scheme}://{self.service}.{namespace}.svc.cluster.local:{self.port}"


ENDPOINTS: dict[str, Endpoint] = {
    "qdrant": Endpoint(
        "qdrant", 6333, "http", "http", "/metrics", {"app.kubernetes.io/name": "qdrant"}
    ),
    "weaviate": Endpoint("weaviate", 80, "http", None, "/metrics", {"app": "weaviate"}),
    "milvus": Endpoint(
        "milvus", 19530, "http", "metrics", "/metrics", {"app.kubernetes.io/name": "milvus"}
    ),
    "pgvector": Endpoint("pgvector-rw", 5432, "postgresql", None, "/metrics", {}),
}
"""Service name, port and metrics endpoint per engine (names fixed by `fullnameOverride`).

Weaviate (port 2112 with PROMETHEUS_MONITORING_ENABLED) and pgvector (CNPG's PodMonitor) are
scraped through their charts' own monitors, so those two have no library ServiceMonitor.
"""

CHART_MONITORS = frozenset({"weaviate", "pgvector"})
"""Engines whose chart renders its own monitor when metrics are on (needs the monitoring CRDs)."""


def credentials_secret_name(snapshots: SnapshotSpec) -> str:
    return snapshots.credentials.existing_secret or SNAPSHOT_CREDENTIALS_SECRET


def snapshot_region(snapshots: SnapshotSpec, platform_region: str) -> str:
    return snapshots.region or platform_region


def _resources(spec: VectorDatabaseSpec) -> dict[str, Any]:
    memory = f"{spec.memory_gib}Gi"
    return {
        "requests": {"cpu": f"{spec.cpu_millicores}m", "memory": memory},
        "limits": {"memory": memory},
    }


def qdrant_values(spec: VectorDatabaseSpec, platform_region: str) -> dict[str, Any]:
    """Qdrant: API key by secretKeyRef; snapshots stored natively in S3 (Qdrant >= 1.10)."""
    persistence: dict[str, Any] = {"size": f"{spec.storage_gib}Gi"}
    if spec.storage_class:
        persistence["storageClassName"] = spec.storage_class
    values: dict[str, Any] = {
        "fullnameOverride": "qdrant",
        "replicaCount": spec.replicas,
        "persistence": persistence,
        "resources": _resources(spec),
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


def weaviate_values(
    spec: VectorDatabaseSpec, platform_region: str, metrics: bool = False
) -> dict[str, Any]:
    """Weaviate: both Services ClusterIP (the chart defaults to public LoadBalancers), anonymous
    access off, API key from a Secret through `envSecrets`, backups to S3 when configured;
    with `metrics`, Prometheus metrics on and the chart's own ServiceMonitor."""
    storage: dict[str, Any] = {"size": f"{spec.storage_gib}Gi"}
    if spec.storage_class:
        storage["storageClassName"] = spec.storage_class
    values: dict[str, Any] = {
        "replicas": spec.replicas,
        "storage": storage,
        "resources": _resources(spec),
        "service": {"type": "ClusterIP"},
        "grpcService": {"type": "ClusterIP"},
        "authentication": {"anonymous_access": {"enabled": False}},
        "env": {"AUTHENTICATION_APIKEY_ENABLED": "true", "AUTHENTICATION_APIKEY_USERS": "llmops"},
        "envSecrets": {"AUTHENTICATION_APIKEY_ALLOWED_KEYS": API_KEY_SECRET},
    }
    if metrics:
        values["env"]["PROMETHEUS_MONITORING_ENABLED"] = True
        values["serviceMonitor"] = {"enabled": True}
    if spec.snapshots is not None:
        snap = spec.snapshots
        envconfig: dict[str, Any] = {
            "BACKUP_S3_BUCKET": snap.bucket,
            "BACKUP_S3_PATH": snap.path,
            "AWS_REGION": snapshot_region(snap, platform_region),
        }
        if snap.endpoint:
            parsed = urlparse(snap.endpoint)
            envconfig["BACKUP_S3_ENDPOINT"] = parsed.netloc
            envconfig["BACKUP_S3_USE_SSL"] = "true" if parsed.scheme == "https" else "false"
        secret = credentials_secret_name(snap)
        values["backups"] = {
            "s3": {
                "enabled": True,
                "envconfig": envconfig,
                "envSecrets": {"AWS_ACCESS_KEY_ID": secret, "AWS_SECRET_ACCESS_KEY": secret},
            }
        }
    return values


def milvus_values(spec: VectorDatabaseSpec, user_yaml: Any) -> dict[str, Any]:
    """Milvus: standalone for 1 replica, cluster mode above. The chart takes the root password
    only inline in `extraConfigFiles.user.yaml`, so `user_yaml` must be a secret Output."""
    size = f"{spec.storage_gib}Gi"
    cls = spec.storage_class
    minio_persistence: dict[str, Any] = {"size": size}
    etcd_persistence: dict[str, Any] = {}
    if cls:
        minio_persistence["storageClass"] = cls
        etcd_persistence["storageClass"] = cls
    values: dict[str, Any] = {
        "fullnameOverride": "milvus",
        "service": {"type": "ClusterIP"},
        "extraConfigFiles": {"user.yaml": user_yaml},
        "minio": {"persistence": minio_persistence},
    }
    if etcd_persistence:
        values["etcd"] = {"persistence": etcd_persistence}
    if spec.replicas == 1:
        standalone_pvc: dict[str, Any] = {"size": size}
        if cls:
            standalone_pvc["storageClass"] = cls
        values["cluster"] = {"enabled": False}
        values["pulsarv3"] = {"enabled": False}
        values["minio"]["mode"] = "standalone"
        values.setdefault("etcd", {})["replicaCount"] = 1
        values["standalone"] = {
            "resources": _resources(spec),
            "persistence": {"persistentVolumeClaim": standalone_pvc},
        }
    else:
        values["cluster"] = {"enabled": True}
        values["queryNode"] = {"replicas": spec.replicas, "resources": _resources(spec)}
    return values


def milvus_user_yaml(root_password: str) -> str:
    """The `user.yaml` that turns on authentication with the generated root password."""
    return (
        "common:\n"
        "  security:\n"
        "    authorizationEnabled: true\n"
        f"    defaultRootPassword: {root_password}\n"
    )


def cnpg_schedule(cron: str) -> str:
    """CNPG ScheduledBackup schedules have a leading seconds field: `0 2 * * *` -> `0 0 2 * * *`."""
    return f"0 {cron}"


def pgvector_values(
    spec: VectorDatabaseSpec, platform_region: str, metrics: bool = False
) -> dict[str, Any]:
    """CloudNativePG `cluster` chart: PostgreSQL with the pgvector extension created at init,
    the app password from a basic-auth Secret, native barman backups to S3 when configured;
    with `metrics`, the chart's PodMonitor (and CNPG's default alert rules)."""
    storage: dict[str, Any] = {"size": f"{spec.storage_gib}Gi"}
    if spec.storage_class:
        storage["storageClass"] = spec.storage_class
    values: dict[str, Any] = {
        "fullnameOverride": "pgvector",
        "type": "postgresql",
        "mode": "standalone",
        "cluster": {
            "instances": spec.replicas,
            "storage": storage,
            "resources": _resources(spec),
            "enableSuperuserAccess": False,
            "initdb": {
                "database": PG_DATABASE,
                "owner": PG_USER,
                "secret": {"name": API_KEY_SECRET},
                "postInitApplicationSQL": ["CREATE EXTENSION IF NOT EXISTS vector"],
            },
        },
    }
    if metrics:
        values["cluster"]["monitoring"] = {"enabled": True}
    if spec.snapshots is not None:
        snap = spec.snapshots
        backups: dict[str, Any] = {
            "enabled": True,
            "provider": "s3",
            "s3": {
                "region": snapshot_region(snap, platform_region),
                "bucket": snap.bucket,
                "path": f"/{snap.path}",
            },
            "secret": {"create": False, "name": credentials_secret_name(snap)},
            "scheduledBackups": [
                {
                    "name": "scheduled",
                    "schedule": cnpg_schedule(snap.schedule),
                    "backupOwnerReference": "self",
                    "method": "barmanObjectStore",
                }
            ],
            "retentionPolicy": f"{snap.retention_days}d",
        }
        if snap.endpoint:
            backups["endpointURL"] = snap.endpoint
        values["backups"] = backups
    return values
