"""Every Helm chart pin, in one place: chart, repository and version, with what each is.

Components never inline a version: they look their chart up here. Users override a pin
per stack with `versions.charts.<key>` in stack config (see `config/versions.py`).
Pins are the versions whose default values and CRDs the conformance tests check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ChartPin:
    """A pinned Helm chart. `repository` is an https chart repo, or empty for OCI charts."""

    chart: str
    version: str
    repository: str
    description: str

    @property
    def is_oci(self) -> bool:
        return self.chart.startswith("oci://")

    @property
    def is_local(self) -> bool:
        """The chart is a local directory or archive (an absolute path): no repository."""
        return self.chart.startswith("/")

    @property
    def chart_name(self) -> str:
        """The bare chart name (last path element for OCI references)."""
        return self.chart.rsplit("/", 1)[-1]


CHARTS: Mapping[str, ChartPin] = {
    "gpu-operator": ChartPin(
        "gpu-operator",
        "v26.7.0",
        "https://helm.ngc.nvidia.com/nvidia",
        "NVIDIA GPU operator: driver, container toolkit, device plugin, DCGM exporter, "
        "MIG manager (driver 595.91.07, device plugin v0.20.0)",
    ),
    "cert-manager": ChartPin(
        "cert-manager",
        "v1.21.1",
        "https://charts.jetstack.io",
        "cert-manager: webhook certificates for KServe",
    ),
    "kserve-crd": ChartPin(
        "oci://ghcr.io/kserve/charts/kserve-crd",
        "v0.20.0",
        "",
        "KServe CustomResourceDefinitions (installed before the controller)",
    ),
    "kserve-resources": ChartPin(
        "oci://ghcr.io/kserve/charts/kserve-resources",
        "v0.20.0",
        "",
        "KServe controller (chart named `kserve` up to v0.15)",
    ),
    "kserve-runtime-configs": ChartPin(
        "oci://ghcr.io/kserve/charts/kserve-runtime-configs",
        "v0.20.0",
        "",
        "KServe ClusterServingRuntimes (Hugging Face / vLLM and others)",
    ),
    "kserve-localmodel-crd": ChartPin(
        "oci://ghcr.io/kserve/charts/kserve-localmodel-crd",
        "v0.20.0",
        "",
        "KServe model cache CRDs (LocalModelCache, LocalModelNodeGroup)",
    ),
    "kserve-localmodel-resources": ChartPin(
        "oci://ghcr.io/kserve/charts/kserve-localmodel-resources",
        "v0.20.0",
        "",
        "KServe model cache controller and node agent",
    ),
    "qdrant": ChartPin(
        "qdrant",
        "1.19.0",
        "https://qdrant.github.io/qdrant-helm",
        "Qdrant vector database (app v1.19.0)",
    ),
    "milvus": ChartPin(
        "milvus",
        "5.0.19",
        "https://zilliztech.github.io/milvus-helm/",
        "Milvus vector database (app 2.6.15)",
    ),
    "weaviate": ChartPin(
        "weaviate",
        "17.8.3",
        "https://weaviate.github.io/weaviate-helm",
        "Weaviate vector database (app 1.38.2)",
    ),
    "cloudnative-pg": ChartPin(
        "cloudnative-pg",
        "0.29.0",
        "https://cloudnative-pg.github.io/charts",
        "CloudNativePG operator (PostgreSQL, for pgvector)",
    ),
    "cnpg-cluster": ChartPin(
        "cluster",
        "0.8.1",
        "https://cloudnative-pg.github.io/charts",
        "CloudNativePG cluster chart (a PostgreSQL cluster with pgvector)",
    ),
    "kube-prometheus-stack": ChartPin(
        "kube-prometheus-stack",
        "88.5.3",
        "https://prometheus-community.github.io/helm-charts",
        "Prometheus operator, Prometheus, Alertmanager, Grafana 12.11.1 subchart",
    ),
    "opentelemetry-collector": ChartPin(
        "opentelemetry-collector",
        "0.170.0",
        "https://open-telemetry.github.io/opentelemetry-helm-charts",
        "OpenTelemetry collector",
    ),
    "argo-cd": ChartPin(
        "argo-cd", "10.1.1", "https://argoproj.github.io/argo-helm", "Argo CD (app v3.4.4)"
    ),
    "flux2": ChartPin(
        "flux2",
        "2.18.3",
        "https://fluxcd-community.github.io/helm-charts",
        "Flux controllers (app 2.8.5)",
    ),
    "keda": ChartPin(
        "keda", "2.20.2", "https://kedacore.github.io/charts", "KEDA event-driven autoscaler"
    ),
    "cluster-autoscaler": ChartPin(
        "cluster-autoscaler",
        "9.59.0",
        "https://kubernetes.github.io/autoscaler",
        "Kubernetes Cluster Autoscaler for EKS managed node groups (upstream MANIFEST: "
        "kubernetes/autoscaler@cluster-autoscaler-chart-9.59.0, 5a0b98e4); the image tag "
        "follows the cluster's minor (catalog/data/kubernetes_versions.yaml)",
    ),
    "kueue": ChartPin(
        "oci://registry.k8s.io/kueue/charts/kueue",
        "0.19.2",
        "",
        "Kueue job queueing: GPU quotas per team, fine-tuning and batch jobs (upstream "
        "MANIFEST: kubernetes-sigs/kueue@v0.19.2, 8eab6877); the controller image tag is "
        "v<version>",
    ),
    "dra-driver-nvidia-gpu": ChartPin(
        "oci://registry.k8s.io/dra-driver-nvidia/charts/dra-driver-nvidia-gpu",
        "0.4.1",
        "",
        "NVIDIA DRA driver for GPUs (kubernetes-sigs/dra-driver-nvidia-gpu v0.4.1, 2026-06-30; "
        "successor of NVIDIA's nvidia-dra-driver-gpu 25.12.0): DeviceClasses gpu.nvidia.com and "
        "mig.nvidia.com, GPU kubelet plugin, for pools with gpu.allocation: dra",
    ),
    "karpenter": ChartPin(
        "oci://public.ecr.aws/karpenter/karpenter",
        "1.14.1",
        "",
        "Karpenter node autoscaler for EKS",
    ),
    "inferencepool": ChartPin(
        "oci://registry.k8s.io/gateway-api-inference-extension/charts/inferencepool",
        "v1.5.0",
        "",
        "Gateway API Inference Extension: one InferencePool and its endpoint picker (EPP "
        "v1.5.0) per routed model (upstream MANIFEST: kubernetes-sigs/"
        "gateway-api-inference-extension@v1.5.0, df9f8909; the last release with charts)",
    ),
}


IMAGES: Mapping[str, str] = {
    # The vector-DB snapshot CronJob runs a standard-library-only Python script. A floating
    # minor tag (security patches arrive without a release of this library); pin a digest
    # with `addons.vector_db.snapshots.image` where reproducibility matters more.
    "snapshot-job": "docker.io/library/python:3.13-alpine",
    # The benchmark Job runs `vllm bench serve` (vLLM's own load generator) from vLLM's
    # OpenAI server image, the release of the vllm 0.33.0 package on PyPI (2026-11).
    "benchmark-job": "docker.io/vllm/vllm-openai:v0.33.0",
    # NVIDIA dcgm-exporter on GKE pools with GKE-managed drivers (addons/observability/dcgm.py):
    # the repository, image and tag the pinned gpu-operator chart v26.7.0 runs by default
    # (its values.yaml `dcgmExporter.repository/image/version`, NVIDIA/gpu-operator@v26.7.0,
    # 10ee5b36), so pools on either driver path export the same DCGM 4.6.0 fields. Bump it
    # with the gpu-operator pin (tests/addons/observability/test_dcgm.py checks they agree).
    "dcgm-exporter": "nvcr.io/nvidia/k8s/dcgm-exporter:4.6.0-4.8.3-distroless",
}

MANIFESTS: Mapping[str, str] = {
    # CRDs the inference gateway needs, as the upstream releases publish them.
    # InferencePool (inference.networking.k8s.io/v1) and InferenceObjective
    # (inference.networking.x-k8s.io/v1alpha2), matching the inferencepool chart pin.
    "inference-extension-crds": "https://github.com/kubernetes-sigs/"
    "gateway-api-inference-extension/releases/download/v1.5.0/manifests.yaml",
    # Gateway API standard channel (GatewayClass, Gateway, HTTPRoute...) for targets whose
    # gateway implementation does not bring them (GKE manages its own).
    "gateway-api-crds": "https://github.com/kubernetes-sigs/gateway-api/releases/download/"
    "v1.6.1/standard-install.yaml",
}


def chart_pin(key: str, overrides: Mapping[str, Mapping[str, str]] | None = None) -> ChartPin:
    """The pin for `key`, with a stack's `versions.charts.<key>` override applied."""
    pin = CHARTS[key]
    override = (overrides or {}).get(key) or {}
    return replace(pin, **{k: v for k, v in override.items() if v})
