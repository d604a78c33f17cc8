"""Weaviate: ClusterIP services, anonymous access off, API key from a Secret, S3 backups.

Chart: https://github.com/weaviate/weaviate-helm
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pulumi

from ....config.data import VectorDatabaseSpec
from ..common import (
    API_KEY_KEY,
    API_KEY_SECRET,
    credentials_secret_name,
    resources,
    snapshot_region,
)
from .base import Endpoint, Engine

CA_VOLUME = "snapshot-endpoint-ca"
CA_DIR = "/etc/llmops/snapshot-ca"


def weaviate_values(
    spec: VectorDatabaseSpec, platform_region: str, metrics: bool = False
) -> dict[str, Any]:
    """Weaviate: both Services ClusterIP (the chart defaults to public LoadBalancers), anonymous
    access off, API key from a Secret through `envSecrets`, backups to S3 when configured;
    with `metrics`, Prometheus metrics on and the chart's own ServiceMonitor."""
    storage: dict[str, Any] = {"size": f"{spec.storage_gib}Gi"}
    if spec.volume_storage_class:
        storage["storageClassName"] = spec.volume_storage_class
    values: dict[str, Any] = {
        "replicas": spec.replicas,
        "storage": storage,
        "resources": resources(spec),
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
        if snap.ca_bundle is not None:
            # Weaviate's S3 client is Go's: SSL_CERT_FILE replaces the system roots.
            values["extraVolumes"] = [
                {"name": CA_VOLUME, "secret": {"secretName": snap.ca_bundle.secret}}
            ]
            values["extraVolumeMounts"] = [
                {"name": CA_VOLUME, "mountPath": CA_DIR, "readOnly": True}
            ]
            values["env"]["SSL_CERT_FILE"] = f"{CA_DIR}/{snap.ca_bundle.key}"
        secret = credentials_secret_name(snap)
        values["backups"] = {
            "s3": {
                "enabled": True,
                "envconfig": envconfig,
                "envSecrets": {"AWS_ACCESS_KEY_ID": secret, "AWS_SECRET_ACCESS_KEY": secret},
            }
        }
    return values


def weaviate_key_data(key: pulumi.Output[str]) -> dict[str, pulumi.Input[str]]:
    """The chart's envSecrets reads the Secret key named like the env var."""
    return {API_KEY_KEY: key, "AUTHENTICATION_APIKEY_ALLOWED_KEYS": key}


WEAVIATE = Engine(
    name="weaviate",
    chart_key="weaviate",
    # Metrics on port 2112 (PROMETHEUS_MONITORING_ENABLED) through the chart's own monitor.
    endpoint=Endpoint("weaviate", 80, "http", None, "/metrics", {"app": "weaviate"}),
    values=weaviate_values,
    key_data=weaviate_key_data,
    snapshots="cronjob",
    chart_monitor=True,
)
