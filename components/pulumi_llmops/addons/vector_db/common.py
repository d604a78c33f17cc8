"""Names and helpers every vector DB engine shares: the API-key Secret, snapshot credentials,
resources. Pure, no Pulumi."""

from __future__ import annotations

from typing import Any

from ...config.data import SnapshotSpec, VectorDatabaseSpec

API_KEY_SECRET = "vector-db-api-key"
"""Secret holding the generated key (key `api-key`; Weaviate also reads its env-var key)."""
API_KEY_KEY = "api-key"
SNAPSHOT_CREDENTIALS_SECRET = "vector-db-snapshot-credentials"
"""Secret the library creates from secret config keys (AWS_* and CNPG's ACCESS_* keys)."""


def credentials_secret_name(snapshots: SnapshotSpec) -> str:
    return snapshots.credentials.existing_secret or SNAPSHOT_CREDENTIALS_SECRET


def snapshot_region(snapshots: SnapshotSpec, platform_region: str) -> str:
    return snapshots.region or platform_region


def resources(spec: VectorDatabaseSpec) -> dict[str, Any]:
    memory = f"{spec.memory_gib}Gi"
    return {
        "requests": {"cpu": f"{spec.cpu_millicores}m", "memory": memory},
        "limits": {"memory": memory},
    }
