"""Milvus: standalone for one replica, cluster mode above; root password inline in user.yaml.

Chart: https://github.com/zilliztech/milvus-helm
"""

from __future__ import annotations

from typing import Any

import pulumi

from ....config.data import VectorDatabaseSpec
from ..common import resources
from .base import Endpoint, Engine, api_key_data

MILVUS_USER_YAML = "<generated: user.yaml with the root password>"
"""Stands in for Milvus' secret user.yaml while values are rendered and merged (pure)."""


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
            "resources": resources(spec),
            "persistence": {"persistentVolumeClaim": standalone_pvc},
        }
    else:
        values["cluster"] = {"enabled": True}
        values["queryNode"] = {"replicas": spec.replicas, "resources": resources(spec)}
    return values


def milvus_user_yaml(root_password: str) -> str:
    """The `user.yaml` that turns on authentication with the generated root password."""
    return (
        "common:\n"
        "  security:\n"
        "    authorizationEnabled: true\n"
        f"    defaultRootPassword: {root_password}\n"
    )


def milvus_chart_values(
    spec: VectorDatabaseSpec, platform_region: str, metrics: bool = False
) -> dict[str, Any]:
    """Values with a placeholder `user.yaml` (`inject_milvus_password` swaps in the secret)."""
    return milvus_values(spec, MILVUS_USER_YAML)


def inject_milvus_password(values: dict[str, Any], key: pulumi.Output[str]) -> None:
    """Inline-only in the Milvus chart: the values carry a secret Output (never plain)."""
    files = values.get("extraConfigFiles") or {}
    if files.get("user.yaml") == MILVUS_USER_YAML:
        files["user.yaml"] = pulumi.Output.secret(key.apply(milvus_user_yaml))


MILVUS = Engine(
    name="milvus",
    chart_key="milvus",
    endpoint=Endpoint(
        "milvus", 19530, "http", "metrics", "/metrics", {"app.kubernetes.io/name": "milvus"}
    ),
    values=milvus_chart_values,
    key_data=api_key_data,
    snapshots="none",
    inject_secret=inject_milvus_password,
)
