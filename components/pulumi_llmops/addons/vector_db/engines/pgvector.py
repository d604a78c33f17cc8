"""pgvector: a PostgreSQL cluster of the CloudNativePG operator, with barman backups to S3.

Charts: https://github.com/cloudnative-pg/charts
"""

from __future__ import annotations

from typing import Any

import pulumi

from ....config.data import VectorDatabaseSpec
from ..common import API_KEY_SECRET, credentials_secret_name, resources, snapshot_region
from .base import Endpoint, Engine, OperatorChart

PG_DATABASE = "app"
PG_USER = "app"
CNPG_OPERATOR_NAMESPACE = "cnpg-system"


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
    if spec.volume_storage_class:
        storage["storageClass"] = spec.volume_storage_class
    values: dict[str, Any] = {
        "fullnameOverride": "pgvector",
        "type": "postgresql",
        "mode": "standalone",
        "cluster": {
            "instances": spec.replicas,
            "storage": storage,
            "resources": resources(spec),
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
        if snap.ca_bundle is not None:
            # An existing Secret: the chart creates none (create: false is its default).
            backups["endpointCA"] = {"name": snap.ca_bundle.secret, "key": snap.ca_bundle.key}
        values["backups"] = backups
    return values


def pgvector_key_data(key: pulumi.Output[str]) -> dict[str, pulumi.Input[str]]:
    """A basic-auth Secret: CloudNativePG's initdb reads username and password."""
    return {"username": PG_USER, "password": key}


PGVECTOR = Engine(
    name="pgvector",
    chart_key="cnpg-cluster",
    # Scraped through CNPG's own PodMonitor.
    endpoint=Endpoint("pgvector-rw", 5432, "postgresql", None, "/metrics", {}),
    values=pgvector_values,
    key_data=pgvector_key_data,
    snapshots="chart",
    secret_type="kubernetes.io/basic-auth",
    chart_monitor=True,
    operator=OperatorChart(
        chart_key="cloudnative-pg",
        namespace=CNPG_OPERATOR_NAMESPACE,
        values={"fullnameOverride": "cnpg"},
    ),
)
