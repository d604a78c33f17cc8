"""Add-on specs for GPU scheduling and model serving: `addons.gpu_operator`, `addons.cert_manager`,
`addons.kserve`. Plain data: the components live in `addons/gpu_operator/`, `addons/cert_manager.py`
and `addons/kserve.py`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Spec
from .errors import Problem, raise_if_any

DeploymentMode = Literal["Standard", "Knative"]
_NAMESPACE = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
CACHE_HOST_PATH = "/models"
"""Where kserve-localmodel-resources v0.20.0 keeps the model cache on the host."""


class GpuOperatorSpec(Spec):
    """NVIDIA GPU operator (`addons.gpu_operator`)."""

    enabled: bool | None = Field(
        None,
        description=(
            "Install the GPU operator. Default: on when the stack has GPU pools whose driver "
            "or device plugin the operator must run (every target except GKE with "
            "GKE-managed drivers); false skips it (bring your own)."
        ),
    )
    driver_preinstalled: bool = Field(
        False,
        description=(
            "On-prem only: the NVIDIA driver is already installed on the nodes, so the "
            "operator does not install it (driver.enabled=false)."
        ),
    )
    mig_parted_config: dict[str, Any] | None = Field(
        None,
        description=(
            "A custom mig-parted config (version, mig-configs) shipped as the MIG manager's "
            "`config.yaml`. Unset: the MIG manager generates the all-<profile> and "
            "all-balanced configs from the hardware, which covers `sharing.mig.profile`."
        ),
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the rendered values.",
    )

    @model_validator(mode="after")
    def _mig_config_shape(self) -> GpuOperatorSpec:
        config = self.mig_parted_config
        if config is not None and not isinstance(config.get("mig-configs"), dict):
            raise_if_any(
                [
                    Problem(
                        "mig_parted_config",
                        "must have a `mig-configs` mapping (and `version: v1`)",
                        config,
                    )
                ]
            )
        return self


class CertManagerSpec(Spec):
    """cert-manager (`addons.cert_manager`): KServe's webhook certificates."""

    enabled: bool | None = Field(
        None,
        description=(
            "Install cert-manager. Default: on when KServe is installed; false when the "
            "cluster already runs cert-manager >= 1.15 (bring your own)."
        ),
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the rendered values.",
    )


class GatewaySpec(Spec):
    """How KServe exposes InferenceServices (`kserve.controller.gateway.*` chart values)."""

    domain: str = Field(
        "example.com",
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="Ingress domain of model URLs (<name>-<namespace>.<domain>); the default "
        "is the chart's.",
    )
    url_scheme: Literal["http", "https"] = Field("http", description="Scheme of model URLs.")
    enable_gateway_api: bool = Field(
        False,
        description="Expose models through Gateway API HTTPRoutes instead of Ingress.",
    )
    class_name: str = Field(
        "istio",
        min_length=1,
        max_length=63,
        description="Ingress (or GatewayClass) class name.",
    )
    disable_ingress_creation: bool = Field(
        True,
        description="Create no Ingress/HTTPRoute per model: models are reachable only inside "
        "the cluster, through their Service, by the namespaces the models NetworkPolicy "
        "admits. false gives each model a route through the ingress class (vLLM has no "
        "authentication of its own: put authentication in front, see docs/security.md).",
    )
    namespace: str | None = Field(
        None,
        pattern=_NAMESPACE,
        description="Namespace of the ingress gateway pods, admitted by the models "
        "NetworkPolicy when models get routes. Default: istio-system for class `istio`, "
        "else required when routes are created and the NetworkPolicy is on.",
    )


class ModelCacheSpec(Spec):
    """KServe model cache: models pre-downloaded to a node-local volume on GPU nodes."""

    enabled: bool = Field(
        False,
        description="Install the model cache charts and allow `models.<name>.cache`.",
    )
    storage_gib: int = Field(
        500,
        ge=10,
        le=65536,
        description="Cache volume size per node in GiB (also the node group's storage limit).",
    )
    host_path: str = Field(
        "/models",
        pattern=r"^/[A-Za-z0-9._/-]*$",
        description="Node directory holding the cache (the local PersistentVolumes' path). "
        "The pinned node agent (kserve-localmodel-resources v0.20.0) always uses /models, "
        "so no other value is accepted.",
    )
    storage_class: str = Field(
        "llmops-model-cache",
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="Storage class name put on the local volumes and their claims.",
    )

    @model_validator(mode="after")
    def _agent_host_path(self) -> ModelCacheSpec:
        if self.host_path != CACHE_HOST_PATH:
            raise_if_any(
                [
                    Problem(
                        "host_path",
                        f"the pinned cache node agent always keeps the cache in "
                        f"{CACHE_HOST_PATH} on the host; set {CACHE_HOST_PATH} or leave it unset",
                        self.host_path,
                    )
                ]
            )
        return self


class KedaSpec(Spec):
    """KEDA (`addons.kserve.keda`): scales models on vLLM's own metrics (queue, KV cache)."""

    enabled: bool | None = Field(
        None,
        description="Install KEDA. Default: on when a model scales on queue or kv_cache; "
        "false when the cluster already runs KEDA >= 2.17 (bring your own).",
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the rendered values.",
    )


class KServeSpec(Spec):
    """KServe (`addons.kserve`): the model-serving controller and the Hugging Face runtime."""

    enabled: bool | None = Field(
        None,
        description="Install KServe. Default: on when `models` is not empty; false skips "
        "KServe (then `models` must be empty).",
    )
    deployment_mode: DeploymentMode = Field(
        "Standard",
        description=(
            "Standard (plain Deployments + HPA; no scale from zero) or Knative (needs Knative "
            "Serving installed; allows min_replicas 0)."
        ),
    )
    gateway: GatewaySpec = Field(
        default_factory=GatewaySpec, description="Ingress settings (see its section)."
    )
    install_runtimes: bool = Field(
        True,
        description="Install the ClusterServingRuntimes chart (kserve-runtime-configs), which "
        "provides the Hugging Face/vLLM runtime models use.",
    )
    model_cache: ModelCacheSpec = Field(
        default_factory=ModelCacheSpec, description="Model cache (see its section)."
    )
    keda: KedaSpec = Field(
        default_factory=KedaSpec, description="KEDA autoscaler (see its section)."
    )
    network_policy: bool = Field(
        True,
        description="Create the NetworkPolicy of the models namespace: ingress only from the "
        "namespace itself, the observability namespace (metrics), the gateway namespace "
        "when models get routes, knative-serving in Knative mode, and allowed_namespaces.",
    )
    allowed_namespaces: list[str] = Field(
        default_factory=list,
        description="Application namespaces allowed to call the models.",
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the kserve-resources values.",
    )

    @model_validator(mode="after")
    def _rules(self) -> KServeSpec:
        problems = [
            Problem(f"allowed_namespaces.{i}", f"must match {_NAMESPACE}", ns)
            for i, ns in enumerate(self.allowed_namespaces)
            if not re.match(_NAMESPACE, ns)
        ]
        raise_if_any(problems)
        return self
