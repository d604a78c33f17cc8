"""The team's stack settings: one config object, typed with pulumi-llmops specs.

`pulumi config set --path 'acme-llm-platform:settings.gpu_pools.l4.max_nodes' 4` edits it;
a typo or a bad value fails before anything registers, named by its path.
"""

from __future__ import annotations

import pulumi
from pydantic import Field, ValidationError, model_validator

from pulumi_llmops.config import (
    CertManagerSpec,
    ConfigError,
    EksClusterSpec,
    GitOpsSpec,
    GpuOperatorSpec,
    GpuPoolSpec,
    KServeSpec,
    ModelSpec,
    ObservabilitySpec,
    Spec,
    VectorDatabaseSpec,
)
from pulumi_llmops.config.errors import raise_if_any
from pulumi_llmops.config.models import model_problems

SETTINGS_KEY = "settings"


class TeamSettings(Spec):
    """`<project>:settings` in Pulumi.<stack>.yaml."""

    environment: str = Field(pattern=r"^[a-z][a-z0-9-]{0,15}$", description="dev, prod...")
    region: str = Field(description="AWS region of the cluster and its GPU pools.")
    cluster_name: str = Field(
        pattern=r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$", description="EKS cluster name."
    )
    eks: EksClusterSpec = Field(description="Cluster options (network, API access, admins).")
    gpu_pools: dict[str, GpuPoolSpec] = Field(description="GPU node pools by name.")
    models: dict[str, ModelSpec] = Field(
        default_factory=dict, description="Models to serve, by served name. Default: none."
    )
    gpu_operator: GpuOperatorSpec = Field(
        default_factory=GpuOperatorSpec, description="GPU operator options. Default: library's."
    )
    cert_manager: CertManagerSpec = Field(
        default_factory=CertManagerSpec, description="cert-manager options. Default: library's."
    )
    kserve: KServeSpec = Field(
        default_factory=KServeSpec, description="KServe options. Default: Standard mode."
    )
    vector_db: VectorDatabaseSpec = Field(
        default_factory=VectorDatabaseSpec, description="Vector DB. Default: Qdrant, 20 GiB."
    )
    observability: ObservabilitySpec = Field(
        default_factory=ObservabilitySpec, description="Monitoring. Default: on."
    )
    gitops: GitOpsSpec = Field(
        default_factory=GitOpsSpec,
        description="Argo CD / Flux for the team's applications. Default: off unless "
        "applications are configured.",
    )
    team_namespaces: list[str] = Field(
        default_factory=list,
        description="Application namespaces the team adds (Pod Security restricted), allowed "
        "to reach the vector DB. Default: none.",
    )
    tags: dict[str, str] = Field(
        default_factory=dict, description="Cost tags on every AWS resource and namespace."
    )

    @model_validator(mode="after")
    def _models_fit_the_pools(self) -> TeamSettings:
        # The same cross-field rules the bundle applies to `models` (pools exist, replicas
        # and scale metrics match the KServe mode), with paths from this object's root.
        raise_if_any(
            model_problems(
                self.models,
                list(self.gpu_pools),
                kserve_field=self.kserve.enabled,
                deployment_mode=self.kserve.deployment_mode,
                model_cache=self.kserve.model_cache.enabled,
            )
        )
        return self

    @property
    def resource_tags(self) -> dict[str, str]:
        return {"managed-by": "pulumi", "environment": self.environment, **self.tags}


def load_settings() -> TeamSettings:
    """Validate `<project>:settings`; one `ConfigError` lists every problem by path."""
    source = f"{pulumi.get_project()}:{SETTINGS_KEY}"
    raw = pulumi.Config().require_object(SETTINGS_KEY)
    try:
        return TeamSettings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError.from_validation_error(exc, TeamSettings, source) from None
