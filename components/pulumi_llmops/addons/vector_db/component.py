"""`VectorDatabase`: the platform's retrieval store on Kubernetes (Qdrant by default).

Upstream: https://qdrant.tech/documentation/guides/installation/#kubernetes
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from ... import k8s
from ...cluster.handle import ClusterHandle
from ...config.data import VectorDatabaseSpec
from ...kube import (
    MetricsTarget,
    data_protection,
    generated_password,
    helm_chart,
    labelled_namespace,
    secret_object,
)
from ...versions import chart_pin
from . import snapshots as snap
from .common import API_KEY_KEY, API_KEY_SECRET, SNAPSHOT_CREDENTIALS_SECRET
from .engines import ENGINES, render_values
from .network import client_namespaces, network_policy
from .storage import retain_storage_class


@dataclass(frozen=True, kw_only=True)
class SnapshotCredentials:
    """Object-store keys as secret Outputs (when the library creates the credentials Secret)."""

    access_key_id: pulumi.Input[str]
    secret_access_key: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class VectorDatabaseArgs:
    """Wiring: the cluster, the spec, the platform region (snapshot default), extra client
    namespaces, chart pin overrides, snapshot credentials read from secret config, and
    `metrics` (Prometheus operator present: Weaviate/pgvector charts render their own monitor,
    so the chart waits for `depends_on`, e.g. the kube-prometheus-stack chart with the CRDs)."""

    cluster: ClusterHandle
    spec: VectorDatabaseSpec
    region: str
    extra_client_namespaces: Sequence[str] = ()
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    snapshot_credentials: SnapshotCredentials | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    metrics: bool = False
    depends_on: Sequence[pulumi.Resource] = ()


class VectorDatabase(pulumi.ComponentResource):
    """A vector database reachable only inside the cluster, with a generated API key.

    Creates: its Namespace (baseline), a RandomPassword and the Secret holding it, the engine's
    Helm chart (Qdrant, Weaviate, Milvus, or the CloudNativePG operator + cluster for pgvector),
    a NetworkPolicy admitting only `llmops-models`, the configured namespaces and monitoring,
    and, with `snapshots`, the credentials Secret and a snapshot CronJob (Qdrant/Weaviate) or
    CNPG scheduled backups (pgvector); with `retain_storage_class` the StorageClass
    `<name>-storage-class` (reclaimPolicy Retain) the volumes use. The namespace, the key and
    its Secret are protected and retained on delete unless `allow_data_deletion: true`; the
    chart is not (retain_on_delete does not reach a chart's resources): its volume claims
    belong to the StatefulSets, outlive the chart, and keep their disk on a Retain class.
    Does not create: the snapshot bucket, a CA bundle Secret, or any Ingress
    (cluster-internal only).
    """

    def __init__(
        self, name: str, args: VectorDatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:VectorDatabase", name, None, opts)
        spec = args.spec
        self.engine = ENGINES[spec.engine]
        self._args = args
        self._keep = data_protection(spec.allow_data_deletion)
        self._labels = {"app.kubernetes.io/part-of": "llmops-vector-db", **args.labels}
        self._k8s = pulumi.ResourceOptions(parent=self, provider=args.cluster.provider)

        self.namespace = labelled_namespace(
            f"{name}-namespace",
            spec.namespace,
            "baseline",
            labels=args.labels,
            opts=pulumi.ResourceOptions.merge(self._k8s, pulumi.ResourceOptions(**self._keep)),
        )
        depends = [self.namespace, *self._secrets(name), *args.depends_on]
        self.storage_class = None
        if spec.retain_storage_class is not None:
            manifest = retain_storage_class(
                spec.retain_storage_class, args.cluster.target, self._labels
            )
            self.storage_class = k8s.storage.v1.StorageClass(
                f"{name}-storage-class",
                metadata=manifest["metadata"],
                provisioner=manifest["provisioner"],
                reclaim_policy=manifest["reclaimPolicy"],
                volume_binding_mode=manifest["volumeBindingMode"],
                allow_volume_expansion=manifest["allowVolumeExpansion"],
                parameters=manifest.get("parameters"),
                opts=self._k8s,
            )
            depends.append(self.storage_class)
        clients = list(args.extra_client_namespaces)
        self.operator_namespace = self.operator_chart = None
        if self.engine.operator is not None:
            clients.append(self.engine.operator.namespace)
            depends.append(self._operator(name))
        self.values = render_values(spec, args.region, args.metrics)
        self.chart = helm_chart(
            f"{name}-{spec.engine}",
            chart_pin(self.engine.chart_key, args.chart_overrides),
            provider=args.cluster.provider,
            namespace=spec.namespace,
            values=self.values,
            parent=self,
            depends_on=depends,
        )
        self.network_policy = self._network_policy(name, clients) if spec.network_policy else None
        self.snapshot_script = self.snapshot_job = None
        if spec.snapshots is not None and self.engine.snapshots == "cronjob":
            self._snapshot_job(name)
        self.endpoint = self.engine.endpoint
        self.url = self.endpoint.url(spec.namespace)
        self.register_outputs(
            {
                "engine": spec.engine,
                "namespace": spec.namespace,
                "url": self.url,
                "api_key": self.api_key,
            }
        )

    def metrics_target(self) -> MetricsTarget | None:
        """What `ObservabilityArgs.vector_db` scrapes: the engine's metrics Service, port and
        path with the API key Secret. None for an engine whose metrics the chart's own
        monitor covers (no metrics port of the library's)."""
        endpoint = self.endpoint
        if endpoint.metrics_port is None:
            return None
        return MetricsTarget(
            namespace=self._args.spec.namespace,
            selector=endpoint.metrics_selector,
            port=endpoint.metrics_port,
            path=endpoint.metrics_path,
            secret_name=API_KEY_SECRET,
            secret_key=API_KEY_KEY,
        )

    def _after_namespace(self, *more: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions.merge(
            self._k8s, pulumi.ResourceOptions(depends_on=[self.namespace, *more])
        )

    def _secrets(self, name: str) -> list[pulumi.Resource]:
        """The generated API key and its Secret; the snapshot credentials Secret when the
        library holds the keys. Returns what the chart must wait for."""
        spec, args = self._args.spec, self._args
        self.api_key_password, self.api_key = generated_password(
            f"{name}-api-key", parent=self, protect=self._keep["protect"]
        )
        self.api_key_secret = secret_object(
            f"{name}-api-key-secret",
            provider=args.cluster.provider,
            namespace=spec.namespace,
            secret_name=API_KEY_SECRET,
            string_data=self.engine.key_data(self.api_key),
            secret_type=self.engine.secret_type,
            labels=self._labels,
            parent=self,
            protect=self._keep["protect"],
            depends_on=[self.namespace],
        )
        created: list[pulumi.Resource] = [self.api_key_secret]
        self.snapshot_credentials_secret = None
        creds = args.snapshot_credentials
        if spec.snapshots is not None and creds is not None:
            self.snapshot_credentials_secret = secret_object(
                f"{name}-snapshot-credentials",
                provider=args.cluster.provider,
                namespace=spec.namespace,
                secret_name=SNAPSHOT_CREDENTIALS_SECRET,
                string_data={
                    "AWS_ACCESS_KEY_ID": creds.access_key_id,
                    "AWS_SECRET_ACCESS_KEY": creds.secret_access_key,
                    # CloudNativePG's barman credentials use these key names.
                    "ACCESS_KEY_ID": creds.access_key_id,
                    "ACCESS_SECRET_KEY": creds.secret_access_key,
                },
                labels=self._labels,
                parent=self,
                depends_on=[self.namespace],
            )
            created.append(self.snapshot_credentials_secret)
        return created

    def _operator(self, name: str) -> pulumi.Resource:
        """The operator the engine's chart needs (CloudNativePG for pgvector)."""
        operator = self.engine.operator
        assert operator is not None
        args = self._args
        self.operator_namespace = labelled_namespace(
            f"{name}-cnpg-namespace",
            operator.namespace,
            "baseline",
            labels=args.labels,
            opts=self._k8s,
        )
        self.operator_chart = helm_chart(
            f"{name}-cnpg-operator",
            chart_pin(operator.chart_key, args.chart_overrides),
            provider=args.cluster.provider,
            namespace=operator.namespace,
            values=dict(operator.values),
            parent=self,
            depends_on=[self.operator_namespace],
        )
        return self.operator_chart

    def _network_policy(self, name: str, clients: list[str]) -> k8s.networking.v1.NetworkPolicy:
        spec = self._args.spec
        policy = network_policy(spec.namespace, client_namespaces(spec, clients), self._labels)
        return k8s.networking.v1.NetworkPolicy(
            f"{name}-network-policy",
            metadata=policy["metadata"],
            spec=policy["spec"],
            opts=self._after_namespace(),
        )

    def _snapshot_job(self, name: str) -> None:
        """The CronJob that asks the engine for a snapshot, and its script."""
        spec = self._args.spec
        assert spec.snapshots is not None
        cm = snap.script_configmap(spec, self._labels)
        self.snapshot_script = k8s.core.v1.ConfigMap(
            f"{name}-snapshot-script",
            metadata=cm["metadata"],
            data=cm["data"],
            opts=self._after_namespace(),
        )
        job = snap.snapshot_cronjob(spec, self._labels, spec.snapshots.image or snap.SNAPSHOT_IMAGE)
        self.snapshot_job = k8s.batch.v1.CronJob(
            f"{name}-snapshot",
            metadata=job["metadata"],
            spec=job["spec"],
            opts=pulumi.ResourceOptions.merge(
                self._k8s, pulumi.ResourceOptions(depends_on=[self.chart, self.snapshot_script])
            ),
        )
