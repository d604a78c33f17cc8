"""`Observability`: kube-prometheus-stack plus the library's monitors, alerts and dashboards.

Upstream: https://prometheus-operator.dev/docs/getting-started/installation/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from ... import k8s
from ...cluster.contracts import GpuPoolContract
from ...cluster.handle import ClusterHandle
from ...config.observability import ObservabilitySpec
from ...kube import (
    MetricsTarget,
    custom_resource,
    data_protection,
    generated_password,
    helm_chart,
    labelled_namespace,
    secret_object,
)
from ...versions import IMAGES, chart_pin
from . import dashboards as dash
from . import dcgm, monitors
from . import values as vals
from .cost import cost_expression
from .rules import prometheus_rule


@dataclass(frozen=True, kw_only=True)
class ObservabilityArgs:
    """Wiring: cluster, spec, per-GPU-model prices for the cost dashboard, whether to create
    the DCGM ServiceMonitor (False when the GPU operator ships its own), the GKE pools with
    GKE-managed drivers that get the library's DCGM exporter (GKE only, and only where no
    GPU operator runs its own; `spec.gke_dcgm_exporter.enabled` can switch it off), the
    vector DB target, resources the monitors must wait for, and chart pin overrides."""

    cluster: ClusterHandle
    spec: ObservabilitySpec
    gpu_prices: Mapping[str, float] = field(default_factory=dict)
    dcgm_service_monitor: bool = True
    dcgm_exporter_pools: Mapping[str, GpuPoolContract] = field(default_factory=dict)
    vector_db: MetricsTarget | None = None
    vector_db_depends_on: Sequence[pulumi.Resource] = ()
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


class Observability(pulumi.ComponentResource):
    """Metrics, alerts and dashboards for GPUs and LLM serving.

    Creates: the `monitoring` Namespace (Pod Security `baseline`) and the `node-exporter`
    Namespace (`privileged`: the node-exporter DaemonSet needs hostNetwork, hostPID and
    hostPath; nothing else runs there), a generated Grafana admin password and its Secret,
    kube-prometheus-stack (the Prometheus volume claim outlives it: StatefulSet claims are
    not chart resources; the namespace is protected and retained by default), three
    dashboard ConfigMaps (GPU fleet, LLM serving, cost), the `llmops` PrometheusRule, a
    PodMonitor for vLLM on KServe predictors, a ServiceMonitor for the vector DB and (unless
    the GPU operator ships one) for the DCGM exporter, the Service
    `llmops-prometheus` (a stable address of Prometheus, `prometheus_url`: KEDA reads vLLM
    metrics there), and optionally an OpenTelemetry collector. On GKE, given pools with
    GKE-managed drivers (`dcgm_exporter_pools`): NVIDIA's dcgm-exporter DaemonSet on exactly
    those pools, its Service (what the DCGM ServiceMonitor selects), its `privileged`
    Namespace and the ResourceQuota GKE needs to admit its system-node-critical pods.
    Does not create: Alertmanager receivers (add them with values_overrides), Ingress for Grafana.
    """

    def __init__(
        self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:Observability", name, None, opts)
        spec = args.spec
        self._args = args
        self._labels = {"app.kubernetes.io/part-of": "llmops-observability", **args.labels}
        self._k8s = pulumi.ResourceOptions(parent=self, provider=args.cluster.provider)
        keep = data_protection(spec.allow_data_deletion)

        self.namespace = labelled_namespace(
            f"{name}-namespace",
            spec.namespace,
            "baseline",
            labels=args.labels,
            opts=pulumi.ResourceOptions.merge(self._k8s, pulumi.ResourceOptions(**keep)),
        )
        # node-exporter alone needs hostNetwork/hostPID/hostPath: the only privileged part.
        self.node_exporter_namespace = labelled_namespace(
            f"{name}-node-exporter-namespace",
            spec.node_exporter_namespace,
            "privileged",
            labels=args.labels,
            opts=self._k8s,
        )
        self._grafana_admin(name)
        self.values = vals.kube_prometheus_stack_values(spec, args.cluster.target)
        self.chart = helm_chart(
            f"{name}-kube-prometheus-stack",
            chart_pin("kube-prometheus-stack", args.chart_overrides),
            provider=args.cluster.provider,
            namespace=spec.namespace,
            values=self.values,
            parent=self,
            depends_on=[self.namespace, self.node_exporter_namespace, self.grafana_admin_secret],
        )
        self._dashboards(name)
        self._gke_dcgm_exporter(name)
        self._monitors(name)
        service = monitors.prometheus_service(spec.namespace, self._labels)
        self.prometheus_service = k8s.core.v1.Service(
            f"{name}-prometheus-service",
            metadata=service["metadata"],
            spec=service["spec"],
            opts=self._after(self.namespace),
        )
        self.prometheus_url = monitors.prometheus_url(spec.namespace)
        self.opentelemetry = None
        if spec.opentelemetry is not None and spec.opentelemetry.enabled:
            self.opentelemetry = helm_chart(
                f"{name}-opentelemetry-collector",
                chart_pin("opentelemetry-collector", args.chart_overrides),
                provider=args.cluster.provider,
                namespace=spec.namespace,
                values=vals.opentelemetry_values(spec.opentelemetry),
                parent=self,
                depends_on=[self.namespace],
            )
        self.register_outputs(
            {
                "namespace": spec.namespace,
                "dashboards": sorted(self.dashboards),
                "grafana_admin_password": self.grafana_admin_password,
            }
        )

    def _after(self, *resources: pulumi.Resource) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions.merge(
            self._k8s, pulumi.ResourceOptions(depends_on=list(resources))
        )

    def _grafana_admin(self, name: str) -> None:
        """A generated Grafana admin password, kept in the Secret Grafana reads."""
        self.grafana_admin_password_resource, self.grafana_admin_password = generated_password(
            f"{name}-grafana-admin", parent=self
        )
        self.grafana_admin_secret = secret_object(
            f"{name}-grafana-admin-secret",
            provider=self._args.cluster.provider,
            namespace=self._args.spec.namespace,
            secret_name=vals.GRAFANA_ADMIN_SECRET,
            string_data={
                vals.GRAFANA_USER_KEY: "admin",
                vals.GRAFANA_PASSWORD_KEY: self.grafana_admin_password,
            },
            labels=self._labels,
            parent=self,
            depends_on=[self.namespace],
        )

    def _gke_dcgm_exporter(self, name: str) -> None:
        """dcgm-exporter on GKE pools whose drivers GKE installs (no GPU operator there)."""
        args, spec = self._args, self._args.spec.gke_dcgm_exporter
        self.dcgm_exporter_namespace: k8s.core.v1.Namespace | None = None
        self.dcgm_exporter_quota: k8s.core.v1.ResourceQuota | None = None
        self.dcgm_exporter: k8s.apps.v1.DaemonSet | None = None
        self.dcgm_exporter_service: k8s.core.v1.Service | None = None
        pools = dict(args.dcgm_exporter_pools)
        if not pools or not spec.enabled:
            return
        if args.cluster.target != "gke":
            raise ValueError(
                f"dcgm_exporter_pools {sorted(pools)}: the library's DCGM exporter is for GKE "
                f"pools with GKE-managed drivers; the cluster's target is "
                f"{args.cluster.target!r} (its GPU operator runs the exporter)"
            )
        ns = spec.namespace
        self.dcgm_exporter_namespace = labelled_namespace(
            f"{name}-dcgm-exporter-namespace",
            ns,
            "privileged",
            labels=args.labels,
            opts=self._k8s,
        )
        quota = dcgm.critical_pods_quota(ns, pools, self._labels)
        self.dcgm_exporter_quota = k8s.core.v1.ResourceQuota(
            f"{name}-dcgm-exporter-critical-pods",
            metadata=quota["metadata"],
            spec=quota["spec"],
            opts=self._after(self.dcgm_exporter_namespace),
        )
        daemonset = dcgm.daemonset(
            ns, pools, spec, spec.image or IMAGES["dcgm-exporter"], self._labels
        )
        self.dcgm_exporter = k8s.apps.v1.DaemonSet(
            f"{name}-dcgm-exporter-daemonset",
            metadata=daemonset["metadata"],
            spec=daemonset["spec"],
            opts=self._after(self.dcgm_exporter_namespace, self.dcgm_exporter_quota),
        )
        service = dcgm.service(ns, self._labels)
        self.dcgm_exporter_service = k8s.core.v1.Service(
            f"{name}-dcgm-exporter-service",
            metadata=service["metadata"],
            spec=service["spec"],
            opts=self._after(self.dcgm_exporter_namespace),
        )

    def _dashboards(self, name: str) -> None:
        ns = self._args.spec.namespace
        self.dashboards: dict[str, k8s.core.v1.ConfigMap] = {}
        for key, dashboard in sorted(dash.dashboards(dict(self._args.gpu_prices)).items()):
            cm = dash.dashboard_configmap(key, dashboard, ns, self._labels)
            self.dashboards[key] = k8s.core.v1.ConfigMap(
                f"{name}-dashboard-{key}",
                metadata=cm["metadata"],
                data=cm["data"],
                opts=self._after(self.namespace),
            )

    def _monitors(self, name: str) -> None:
        """The rules and monitors: custom resources whose CRDs come with the chart."""
        args, spec, labels = self._args, self._args.spec, self._labels
        after_crds = self._after(self.chart)
        self.cost_expression = cost_expression(args.gpu_prices, spec.cost.dcgm_model_regex)
        self.rules = custom_resource(
            f"{name}-rules",
            prometheus_rule(spec.namespace, spec.alerts, self.cost_expression, labels),
            after_crds,
        )
        self.serving_monitor = custom_resource(
            f"{name}-kserve-vllm",
            monitors.serving_pod_monitor(spec.namespace, spec.serving_metrics_port, labels),
            after_crds,
        )
        self.dcgm_monitor = None
        if args.dcgm_service_monitor:
            self.dcgm_monitor = custom_resource(
                f"{name}-dcgm-exporter",
                monitors.dcgm_service_monitor(spec.namespace, labels),
                after_crds,
            )
        self.vector_db_monitor = None
        target = args.vector_db
        if target is not None:
            self.vector_db_monitor = custom_resource(
                f"{name}-vector-db",
                monitors.vector_db_service_monitor(
                    target.namespace,
                    dict(target.selector),
                    target.port,
                    target.path,
                    target.secret_name,
                    target.secret_key,
                    labels,
                ),
                self._after(self.chart, *args.vector_db_depends_on),
            )
