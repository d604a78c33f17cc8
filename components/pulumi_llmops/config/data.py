"""`addons.vector_db`: the retrieval store (Qdrant by default; Milvus, Weaviate, pgvector).

Data safety is the default: volumes survive `pulumi destroy` unless `allow_data_deletion` is
set. Snapshots go to an object-store bucket the user names (the library never creates it).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Spec
from .errors import Problem, raise_if_any
from .patterns import describe_pattern

VectorDbEngine = Literal["qdrant", "milvus", "weaviate", "pgvector"]
SNAPSHOT_ENGINES: tuple[str, ...] = ("qdrant", "weaviate", "pgvector")
"""Engines with scheduled snapshots (Milvus needs the separate milvus-backup tool)."""

_NAMESPACE = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
_CRON = r"^(\S+\s+){4}\S+$"
_STORAGE_CLASS = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"


class SnapshotCredentialsSpec(Spec):
    """Where the object-store access key comes from: exactly one of the two ways."""

    existing_secret: str | None = Field(
        None,
        pattern=_NAMESPACE,
        description="Name of a Secret you created in the vector DB namespace with keys "
        "`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (pgvector: also `ACCESS_KEY_ID` and "
        "`ACCESS_SECRET_KEY`).",
    )
    access_key_id_config_key: str | None = Field(
        None,
        min_length=1,
        description="Pulumi config key (namespace `llmops`, set with `pulumi config set "
        "--secret`) holding the access key id; the library then creates the Secret.",
    )
    secret_access_key_config_key: str | None = Field(
        None,
        min_length=1,
        description="Pulumi config key (`--secret`) holding the secret access key.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> SnapshotCredentialsSpec:
        from_config = (self.access_key_id_config_key, self.secret_access_key_config_key)
        problems = []
        if self.existing_secret and any(from_config):
            problems.append(
                Problem(
                    "existing_secret", "give existing_secret or the *_config_key pair, not both"
                )
            )
        elif not self.existing_secret and not all(from_config):
            problems.append(
                Problem(
                    "",
                    "set existing_secret, or both access_key_id_config_key and "
                    "secret_access_key_config_key",
                )
            )
        raise_if_any(problems)
        return self


class CaBundleSpec(Spec):
    """A CA bundle (PEM) for an S3-compatible endpoint whose certificate an internal CA signed."""

    secret: str = Field(
        pattern=_NAMESPACE,
        description="Existing Secret in the vector DB namespace holding the bundle. Required.",
    )
    key: str = Field(
        "ca.crt",
        pattern=r"^[-._a-zA-Z0-9]{1,253}$",
        description="Key of the bundle in the Secret.",
    )


class SnapshotSpec(Spec):
    """Scheduled snapshots to an S3-compatible bucket in the platform's region."""

    bucket: str = Field(
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description="Bucket name (must exist; the library never creates cloud resources here).",
    )
    region: str | None = Field(
        None,
        min_length=1,
        description="Bucket region. Default: the platform's `region`. On cloud targets a "
        "different region is an error (snapshots stay in-region); on-prem it is free-form "
        "(MinIO usually expects `us-east-1`).",
    )
    endpoint: str | None = Field(
        None,
        pattern=r"^https?://[^\s/]+(:\d+)?/?$",
        description="S3 endpoint URL for S3-compatible stores (MinIO, Ceph). Default: AWS S3.",
    )
    path: str = Field(
        "vector-db",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,200}$",
        description="Key prefix inside the bucket (Weaviate, pgvector). Qdrant's S3 snapshot "
        "storage has no prefix: its snapshots land at the bucket root, so setting a path "
        "for Qdrant is an error (use a dedicated bucket).",
    )
    schedule: str = Field(
        "0 2 * * *",
        pattern=_CRON,
        description="Cron schedule (cluster time zone, usually UTC). Default: daily at 02:00.",
    )
    retention_days: int = Field(
        14,
        ge=1,
        le=3650,
        description="pgvector: backup retention the operator enforces. Qdrant/Weaviate: "
        "enforce it with a bucket lifecycle rule (documented).",
    )
    image: str | None = Field(
        None,
        min_length=1,
        description="Image of the Qdrant/Weaviate snapshot CronJob (needs `python` with the "
        "standard library; e.g. a mirror). Default: the library's pin (versions.py).",
    )
    credentials: SnapshotCredentialsSpec = Field(
        description="Object-store credentials: an existing Secret or two secret config keys."
    )
    ca_bundle: CaBundleSpec | None = Field(
        None,
        description="CA bundle the engine trusts for `endpoint` (pgvector: the chart's "
        "backups.endpointCA; Weaviate: mounted and named by SSL_CERT_FILE, so it must hold "
        "every CA the endpoint needs). Qdrant's S3 client takes no CA setting "
        "(qdrant/qdrant#8934): not available there. Unset: the engine's system roots.",
    )


class RetainStorageClassSpec(Spec):
    """A StorageClass the library creates for the data volumes, with `reclaimPolicy: Retain`:
    deleting a claim (or the namespace) then keeps the disk and its data."""

    name: str = Field(
        "llmops-retain",
        pattern=_STORAGE_CLASS,
        description="StorageClass name.",
    )
    provisioner: str | None = Field(
        None,
        pattern=r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$",
        description="CSI driver. Default: the cloud's block-storage driver (EKS "
        "ebs.csi.aws.com, GKE pd.csi.storage.gke.io, AKS disk.csi.azure.com); required "
        "on-prem.",
    )
    parameters: dict[str, str] = Field(
        default_factory=dict,
        description="Driver parameters (e.g. type: gp3). Default: the driver's own defaults.",
    )


class VectorDatabaseSpec(Spec):
    """The vector database add-on. Default: enabled, Qdrant, 1 replica, 20 GiB, data retained."""

    enabled: bool = Field(True, description="Install the vector database.")
    engine: VectorDbEngine = Field(
        "qdrant",
        description="qdrant (default), milvus, weaviate, or pgvector (CloudNativePG).",
    )
    namespace: str = Field("llmops-vectordb", pattern=_NAMESPACE, description="Namespace.")
    replicas: int = Field(
        1,
        ge=1,
        le=9,
        description="Database replicas (Qdrant/Weaviate pods, Milvus cluster mode when > 1, "
        "PostgreSQL instances).",
    )
    storage_gib: int = Field(20, ge=1, le=65536, description="Volume size per replica in GiB.")
    storage_class: str | None = Field(
        None,
        pattern=_STORAGE_CLASS,
        description="StorageClass of the data volumes. Default: the cluster's default class "
        "(often `reclaimPolicy: Delete`). Use a class with `reclaimPolicy: Retain` in "
        "production, or let the library create one with retain_storage_class.",
    )
    retain_storage_class: RetainStorageClassSpec | None = Field(
        None,
        description="Create a Retain StorageClass and put the data volumes on it (instead "
        "of storage_class). Unset: none is created.",
    )
    cpu_millicores: int = Field(
        500, ge=50, le=256000, description="CPU request per replica (millicores)."
    )
    memory_gib: int = Field(
        2,
        ge=1,
        le=4096,
        description="Memory request and limit per replica in GiB.",
    )
    allowed_namespaces: list[str] = Field(
        default_factory=list,
        description="Application namespaces allowed to connect, in addition to "
        "`llmops-models` (always) and `monitoring` (when observability is on).",
    )
    network_policy: bool = Field(
        True,
        description="Create the NetworkPolicy that admits only the allowed namespaces.",
    )
    snapshots: SnapshotSpec | None = Field(
        None, description="Scheduled snapshots to a bucket. Unset: no snapshots."
    )
    allow_data_deletion: bool = Field(
        False,
        description="Lift protect/retain_on_delete so `pulumi destroy` can delete the data. "
        "When false, destroy refuses and the volumes are kept.",
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the rendered values (dicts merge, "
        "lists replace).",
    )

    @property
    def volume_storage_class(self) -> str | None:
        """The StorageClass the data volumes use: `storage_class`, else the one the library
        creates (`retain_storage_class`), else None (the cluster's default)."""
        if self.storage_class is not None:
            return self.storage_class
        return self.retain_storage_class.name if self.retain_storage_class else None

    @model_validator(mode="after")
    def _rules(self) -> VectorDatabaseSpec:
        import re

        problems = [
            Problem(f"allowed_namespaces.{i}", describe_pattern(_NAMESPACE), ns)
            for i, ns in enumerate(self.allowed_namespaces)
            if not re.match(_NAMESPACE, ns)
        ]
        if self.snapshots is not None and self.engine not in SNAPSHOT_ENGINES:
            problems.append(
                Problem(
                    "snapshots",
                    f"scheduled snapshots are not built in for {self.engine!r}; allowed with: "
                    f"{', '.join(SNAPSHOT_ENGINES)} (Milvus: run milvus-backup, see docs)",
                )
            )
        snap = self.snapshots
        if snap is not None and self.engine == "qdrant":
            if "path" in snap.model_fields_set:
                problems.append(
                    Problem(
                        "snapshots.path",
                        "Qdrant's S3 snapshot storage has no key prefix (s3_config: bucket, "
                        "region, access_key, secret_key, endpoint_url), so snapshots land at "
                        "the bucket root: use a dedicated bucket and remove path",
                        snap.path,
                    )
                )
            if snap.ca_bundle is not None:
                problems.append(
                    Problem(
                        "snapshots.ca_bundle",
                        "Qdrant's S3 snapshot client takes no CA setting (qdrant/qdrant#8934): "
                        "use an endpoint whose certificate the Qdrant image trusts",
                    )
                )
        if self.retain_storage_class is not None and self.storage_class is not None:
            problems.append(
                Problem(
                    "retain_storage_class",
                    "give storage_class (an existing class) or retain_storage_class (created "
                    "by the library), not both",
                )
            )
        raise_if_any(problems)
        return self
