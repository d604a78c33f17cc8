"""`addons.observability`: kube-prometheus-stack, the library's dashboards and alerts, OTel.

Default: enabled (a platform without GPU and latency metrics cannot be operated), 15 days
of metrics on a 50 GiB volume that survives `pulumi destroy`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .base import Spec
from .errors import Problem, raise_if_any

_STORAGE_CLASS = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"


class AlertThresholdsSpec(Spec):
    """Thresholds of the library's PrometheusRules."""

    ttft_p95_slo_seconds: float = Field(
        2.0,
        gt=0,
        le=600,
        description="Alert when a model's p95 time to first token stays above this for 10 minutes.",
    )
    queue_depth_max: int = Field(
        10,
        ge=1,
        le=100000,
        description="Alert when more requests than this wait in a model's vLLM queue for 5 "
        "minutes.",
    )
    gpu_memory_used_percent: int = Field(
        95,
        ge=50,
        le=100,
        description="Alert when a GPU's framebuffer use stays above this share for 15 "
        "minutes (vLLM preallocates ~90% by design).",
    )
    gpu_idle_minutes: int = Field(
        60,
        ge=5,
        le=10080,
        description="Alert when a node's GPUs stay at 0% utilisation this long while the node "
        "runs (paid for, unused).",
    )


class CostSpec(Spec):
    """Inputs of the cost dashboard."""

    gpu_usd_per_hour: dict[str, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(
        default_factory=dict,
        description="USD per GPU-hour keyed by catalogue GPU model (e.g. `L4: 0.45`). "
        "Overrides the catalogue price derived from each pool's machine type and region; "
        "on-prem pools have no catalogue price, so set an amortised figure here. "
        "Default: catalogue prices only.",
    )
    dcgm_model_regex: dict[str, str] = Field(
        default_factory=dict,
        description="Regex of DCGM's `modelName` label per catalogue GPU model, where the "
        "derived one (each token of the name as a whole word: `A100-80GB` -> "
        r"`.*\bA100\b.*\b80GB\b.*`) does not match your GPUs. Default: derived.",
    )


class OpenTelemetrySpec(Spec):
    """An OpenTelemetry collector (opentelemetry-collector chart)."""

    enabled: bool = Field(
        True, description="Install the collector (on whenever the block is present)."
    )
    mode: Literal["deployment", "daemonset", "statefulset"] = Field(
        "deployment", description="Collector mode."
    )
    image_repository: str = Field(
        "otel/opentelemetry-collector-k8s",
        min_length=1,
        description="Collector image (the chart has no default). Default: the -k8s "
        "distribution, run as `otelcol-k8s`.",
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict, description="Helm values deep-merged last."
    )


class GkeDcgmExporterSpec(Spec):
    """NVIDIA's dcgm-exporter on GKE pools whose drivers GKE installs (the GKE default,
    `gke.gpu_driver_version` DEFAULT or LATEST): no GPU operator runs there, so without it
    no GPU metrics reach Prometheus. Ignored on other targets and on GKE pools on the GPU
    operator path (`INSTALLATION_DISABLED`), whose exporter the operator runs."""

    enabled: bool = Field(
        True,
        description="Run dcgm-exporter as a DaemonSet on GKE pools with GKE-managed drivers, "
        "plus its Service (scraped by the library's DCGM ServiceMonitor). Default: on "
        "wherever such a pool exists, since without it the GPU dashboards, GPU alerts and "
        "the cost rule stay empty; set false if you run an exporter yourself.",
    )
    namespace: str = Field(
        "dcgm-exporter",
        pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
        description="Namespace of the exporter (Pod Security `privileged`: the container is "
        "privileged to reach the GPU device nodes it does not request; list it in the "
        "security-baseline's `privilegedNamespaces`).",
    )
    image: str | None = Field(
        None,
        min_length=1,
        description="Exporter image. Default: the dcgm-exporter the pinned GPU operator "
        "chart runs (versions.IMAGES['dcgm-exporter']), so both paths export the same "
        "metrics.",
    )
    cpu_request_millicores: int = Field(
        100, ge=10, le=4000, description="CPU request in millicores (no CPU limit)."
    )
    memory_request_mib: int = Field(512, ge=128, le=16384, description="Memory request in MiB.")
    memory_limit_mib: int = Field(
        1024,
        ge=128,
        le=16384,
        description="Memory limit in MiB (the exporter's DCGM host engine grows with the "
        "node's GPU count; 512 MiB is reported too little on 8-GPU nodes).",
    )

    @model_validator(mode="after")
    def _limit_covers_request(self) -> GkeDcgmExporterSpec:
        if self.memory_limit_mib < self.memory_request_mib:
            raise_if_any(
                [
                    Problem(
                        "memory_limit_mib",
                        f"must be at least memory_request_mib ({self.memory_request_mib})",
                        self.memory_limit_mib,
                    )
                ]
            )
        return self


class ObservabilitySpec(Spec):
    """Monitoring add-on. Default: enabled; Prometheus 15 d / 50 GiB; data retained on destroy."""

    enabled: bool = Field(True, description="Install the monitoring stack.")
    namespace: str = Field(
        "monitoring",
        pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
        description="Namespace of Prometheus, Grafana, Alertmanager and the operator (Pod "
        "Security `baseline`).",
    )
    node_exporter_namespace: str = Field(
        "node-exporter",
        pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
        description="Namespace of the node-exporter DaemonSet, the only `privileged` one: it "
        "needs hostNetwork, hostPID and hostPath mounts.",
    )
    retention_days: int = Field(15, ge=1, le=3650, description="Prometheus retention in days.")
    storage_gib: int = Field(50, ge=1, le=65536, description="Prometheus volume size in GiB.")
    storage_class: str | None = Field(
        None,
        pattern=_STORAGE_CLASS,
        description="StorageClass of the Prometheus and Grafana volumes. Default: the "
        "cluster's default class.",
    )
    grafana_storage_gib: int | None = Field(
        None,
        ge=1,
        le=1024,
        description="Grafana volume in GiB (users, annotations). Unset: no volume (dashboards are "
        "shipped as ConfigMaps, so Grafana keeps no irreplaceable state by default).",
    )
    alertmanager_enabled: bool = Field(True, description="Install Alertmanager.")
    dcgm_service_monitor: bool | None = Field(
        None,
        description="Create a ServiceMonitor for the DCGM exporter. Default (null): only when "
        "this platform does not install the GPU operator, whose chart (v26.7+) creates its own "
        "(`dcgmExporter.serviceMonitor.enabled: true`); two monitors would double every series.",
    )
    gke_dcgm_exporter: GkeDcgmExporterSpec = Field(
        default_factory=GkeDcgmExporterSpec,
        description="DCGM exporter on GKE pools with GKE-managed drivers (see its section).",
    )
    serving_metrics_port: int = Field(
        8080,
        ge=1,
        le=65535,
        description="Container port of KServe predictor pods serving vLLM /metrics.",
    )
    alerts: AlertThresholdsSpec = Field(
        default_factory=AlertThresholdsSpec, description="Alert thresholds (see its section)."
    )
    cost: CostSpec = Field(
        default_factory=CostSpec, description="Cost dashboard prices (see its section)."
    )
    opentelemetry: OpenTelemetrySpec | None = Field(None, description="OpenTelemetry collector.")
    allow_data_deletion: bool = Field(
        False,
        description="Lift protect/retain_on_delete on the metrics volumes' owners so destroy can "
        "delete them.",
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="kube-prometheus-stack values deep-merged last (dicts merge, lists replace).",
    )
