"""Add-on specs for GPU scheduling and model serving: `addons.gpu_operator`, `addons.cert_manager`,
`addons.kserve`. Plain data: the components live in `addons/gpu_operator/`, `addons/cert_manager.py`
and `addons/kserve.py`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Spec
from .errors import Problem, raise_if_any

DeploymentMode = Literal["Standard", "Knative"]


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
        False,
        description="Create no Ingress/HTTPRoute per model (cluster-internal only).",
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
        "/mnt/models",
        pattern=r"^/[A-Za-z0-9._/-]*$",
        description="Node directory holding the cache (a local PersistentVolume); the default "
        "is the node agent's.",
    )
    storage_class: str = Field(
        "llmops-model-cache",
        pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="Storage class name put on the local volumes and their claims.",
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
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the kserve-resources values.",
    )
