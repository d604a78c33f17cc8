"""`VectorDatabase`: the platform's retrieval store on Kubernetes (Qdrant by default).

Upstream: https://qdrant.tech/documentation/guides/installation/#kubernetes
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ...cluster.handle import ClusterHandle
from ...config.data import VectorDatabaseSpec
from ...versions import chart_pin
from ..helm import deep_merge, helm_chart
from ..namespaces import MODELS_NAMESPACE, labelled_namespace
from . import snapshots as snap
from . import values as vals
from .secrets import generated_password, secret_object

CNPG_OPERATOR_NAMESPACE = "cnpg-system"
MILVUS_USER_YAML = "<generated: user.yaml with the root password>"
"""Stands in for Milvus' secret user.yaml while values are rendered and merged (pure)."""


def data_protection(allow_data_deletion: bool) -> dict[str, bool]:
    """Options of every resource whose deletion would delete data: protect and retain unless
    the stack opted in with `allow_data_deletion: true`."""
    keep = not allow_data_deletion
    return {"protect": keep, "retain_on_delete": keep}


def client_namespaces(spec: VectorDatabaseSpec, extra: Sequence[str] = ()) -> list[str]:
    """Namespaces admitted by the NetworkPolicy: serving, configured apps, and `extra`
    (monitoring, the CNPG operator), sorted and de-duplicated."""
    return sorted({MODELS_NAMESPACE, *spec.allowed_namespaces, *extra})


def render_values(
    spec: VectorDatabaseSpec,
    platform_region: str,
    milvus_user_yaml: Any = None,
    metrics: bool = False,
) -> dict[str, Any]:
    """The engine chart's values with `values_overrides` deep-merged last. `metrics` turns on
    the chart's own monitor where the library has none (Weaviate, pgvector)."""
    if spec.engine == "qdrant":
        values = vals.qdrant_values(spec, platform_region)
    elif spec.engine == "weaviate":
        values = vals.weaviate_values(spec, platform_region, metrics)
    elif spec.engine == "milvus":
        values = vals.milvus_values(spec, milvus_user_yaml)
    else:
        values = vals.pgvector_values(spec, platform_region, metrics)
    return deep_merge(values, spec.values_overrides)


CHART_KEYS = {
    "qdrant": "qdrant",
    "weaviate": "weaviate",
    "milvus": "milvus",
    "pgvector": "cnpg-cluster",
}


@dataclass
class SnapshotCredentials:
    """Object-store keys as secret Outputs (when the library creates the credentials Secret)."""

    access_key_id: pulumi.Input[str]
    secret_access_key: pulumi.Input[str]


@dataclass
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
    CNPG scheduled backups (pgvector). The namespace, chart and key are protected and retained
    on delete unless `allow_data_deletion: true`.
    Does not create: the snapshot bucket, StorageClasses, or any Ingress (cluster-internal only).
    """

    def __init__(
        self, name: str, args: VectorDatabaseArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:VectorDatabase", name, None, opts)
        spec = args.spec
        cluster = args.cluster
        keep = data_protection(spec.allow_data_deletion)
        labels = {"app.kubernetes.io/part-of": "llmops-vector-db", **args.labels}
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=cluster.provider)

        self.namespace = labelled_namespace(
            f"{name}-namespace",
            spec.namespace,
            "baseline",
            labels=args.labels,
            opts=pulumi.ResourceOptions.merge(k8s_opts, pulumi.ResourceOptions(**keep)),
        )
        self.api_key_password, self.api_key = generated_password(
            f"{name}-api-key", parent=self, protect=keep["protect"]
        )
        self.api_key_secret = secret_object(
            f"{name}-api-key-secret",
            cluster=cluster,
            namespace=spec.namespace,
            secret_name=vals.API_KEY_SECRET,
            string_data=_key_data(spec.engine, self.api_key),
            secret_type="kubernetes.io/basic-auth" if spec.engine == "pgvector" else "Opaque",
            labels=labels,
            parent=self,
            protect=keep["protect"],
            depends_on=[self.namespace],
        )
        depends: list[pulumi.Resource] = [self.namespace, self.api_key_secret, *args.depends_on]
        self.snapshot_credentials_secret = None
        if spec.snapshots is not None and args.snapshot_credentials is not None:
            creds = args.snapshot_credentials
            self.snapshot_credentials_secret = secret_object(
                f"{name}-snapshot-credentials",
                cluster=cluster,
                namespace=spec.namespace,
                secret_name=vals.SNAPSHOT_CREDENTIALS_SECRET,
                string_data={
                    "AWS_ACCESS_KEY_ID": creds.access_key_id,
                    "AWS_SECRET_ACCESS_KEY": creds.secret_access_key,
                    # CloudNativePG's barman credentials use these key names.
                    "ACCESS_KEY_ID": creds.access_key_id,
                    "ACCESS_SECRET_KEY": creds.secret_access_key,
                },
                labels=labels,
                parent=self,
                depends_on=[self.namespace],
            )
            depends.append(self.snapshot_credentials_secret)

        extra_clients = list(args.extra_client_namespaces)
        self.operator_namespace = self.operator_chart = None
        if spec.engine == "pgvector":
            extra_clients.append(CNPG_OPERATOR_NAMESPACE)
            self.operator_namespace = labelled_namespace(
                f"{name}-cnpg-namespace",
                CNPG_OPERATOR_NAMESPACE,
                "baseline",
                labels=args.labels,
                opts=k8s_opts,
            )
            self.operator_chart = helm_chart(
                f"{name}-cnpg-operator",
                chart_pin("cloudnative-pg", args.chart_overrides),
                cluster=cluster,
                namespace=CNPG_OPERATOR_NAMESPACE,
                values={"fullnameOverride": "cnpg"},
                parent=self,
                depends_on=[self.operator_namespace],
            )
            depends.append(self.operator_chart)

        self.values = render_values(spec, args.region, MILVUS_USER_YAML, args.metrics)
        files = self.values.get("extraConfigFiles") or {}
        if spec.engine == "milvus" and files.get("user.yaml") == MILVUS_USER_YAML:
            # Inline-only in the Milvus chart: the values carry a secret Output (never plain).
            files["user.yaml"] = pulumi.Output.secret(self.api_key.apply(vals.milvus_user_yaml))
        self.chart = helm_chart(
            f"{name}-{spec.engine}",
            chart_pin(CHART_KEYS[spec.engine], args.chart_overrides),
            cluster=cluster,
            namespace=spec.namespace,
            values=self.values,
            parent=self,
            depends_on=depends,
            **keep,
        )

        self.network_policy = None
        if spec.network_policy:
            policy = snap.network_policy(
                spec.namespace, client_namespaces(spec, extra_clients), labels
            )
            self.network_policy = k8s.networking.v1.NetworkPolicy(
                f"{name}-network-policy",
                metadata=policy["metadata"],
                spec=policy["spec"],
                opts=pulumi.ResourceOptions.merge(
                    k8s_opts, pulumi.ResourceOptions(depends_on=[self.namespace])
                ),
            )

        self.snapshot_script = self.snapshot_job = None
        if spec.snapshots is not None and spec.engine in ("qdrant", "weaviate"):
            cm = snap.script_configmap(spec, labels)
            self.snapshot_script = k8s.core.v1.ConfigMap(
                f"{name}-snapshot-script",
                metadata=cm["metadata"],
                data=cm["data"],
                opts=pulumi.ResourceOptions.merge(
                    k8s_opts, pulumi.ResourceOptions(depends_on=[self.namespace])
                ),
            )
            image = spec.snapshots.image or snap.SNAPSHOT_IMAGE
            job = snap.snapshot_cronjob(spec, labels, image)
            self.snapshot_job = k8s.batch.v1.CronJob(
                f"{name}-snapshot",
                metadata=job["metadata"],
                spec=job["spec"],
                opts=pulumi.ResourceOptions.merge(
                    k8s_opts, pulumi.ResourceOptions(depends_on=[self.chart, self.snapshot_script])
                ),
            )

        endpoint = vals.ENDPOINTS[spec.engine]
        self.endpoint = endpoint
        self.url = endpoint.url(spec.namespace)
        self.register_outputs(
            {
                "engine": spec.engine,
                "namespace": spec.namespace,
                "url": self.url,
                "api_key": self.api_key,
            }
        )


def _key_data(engine: str, key: pulumi.Output[str]) -> dict[str, pulumi.Input[str]]:
    if engine == "pgvector":
        return {"username": vals.PG_USER, "password": key}
    data: dict[str, pulumi.Input[str]] = {vals.API_KEY_KEY: key}
    if engine == "weaviate":
        # The chart's envSecrets reads the Secret key named like the env var.
        data["AUTHENTICATION_APIKEY_ALLOWED_KEYS"] = key
    return data
