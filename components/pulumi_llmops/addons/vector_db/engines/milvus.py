"""Milvus: standalone for one replica, cluster mode above; authentication on, with the root
password read from the API-key Secret through an environment variable (never a ConfigMap).

Chart: https://github.com/zilliztech/milvus-helm
"""

from __future__ import annotations

from typing import Any

from ....config.data import VectorDatabaseSpec
from ..common import API_KEY_KEY, API_KEY_SECRET, resources
from .base import Endpoint, Engine, api_key_data

ROOT_PASSWORD_ENV = "COMMON_SECURITY_DEFAULTROOTPASSWORD"
"""The environment form of `common.security.defaultRootPassword` (Milvus reads every config
key from the environment, upper-cased with `_` for `.`). Milvus applies it when it first
creates the root user, like the config key."""
USER_YAML = "common:\n  security:\n    authorizationEnabled: true\n"
"""`extraConfigFiles.user.yaml`: the chart renders it into a ConfigMap, so it holds no secret."""
CLUSTER_COMPONENTS = ("mixCoordinator", "rootCoordinator", "proxy")
"""Cluster-mode components that may create or check the root user."""


def root_password_env() -> list[dict[str, Any]]:
    return [
        {
            "name": ROOT_PASSWORD_ENV,
            "valueFrom": {"secretKeyRef": {"name": API_KEY_SECRET, "key": API_KEY_KEY}},
        }
    ]


def milvus_values(
    spec: VectorDatabaseSpec, platform_region: str, metrics: bool = False
) -> dict[str, Any]:
    """Milvus: standalone for 1 replica, cluster mode above; the root password from the
    API-key Secret by `secretKeyRef` on every component that may read it."""
    size = f"{spec.storage_gib}Gi"
    cls = spec.volume_storage_class
    minio_persistence: dict[str, Any] = {"size": size}
    etcd_persistence: dict[str, Any] = {}
    if cls:
        minio_persistence["storageClass"] = cls
        etcd_persistence["storageClass"] = cls
    values: dict[str, Any] = {
        "fullnameOverride": "milvus",
        "service": {"type": "ClusterIP"},
        "extraConfigFiles": {"user.yaml": USER_YAML},
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
            "resources": resources(spec),
            "persistence": {"persistentVolumeClaim": standalone_pvc},
            "extraEnv": root_password_env(),
        }
    else:
        values["cluster"] = {"enabled": True}
        values["queryNode"] = {"replicas": spec.replicas, "resources": resources(spec)}
        for component in CLUSTER_COMPONENTS:
            values[component] = {"extraEnv": root_password_env()}
    return values


MILVUS = Engine(
    name="milvus",
    chart_key="milvus",
    endpoint=Endpoint(
        "milvus", 19530, "http", "metrics", "/metrics", {"app.kubernetes.io/name": "milvus"}
    ),
    values=milvus_values,
    key_data=api_key_data,
    snapshots="none",
)
