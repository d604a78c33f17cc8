"""`PlatformConfig`: the whole `llmops:platform` stack-config object, validated as one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationError, model_validator

from ..targets import CLOUD_TARGETS, Target
from .addons import AddonsSpec
from .base import ResourceKey, Spec
from .catalog import CatalogSpec
from .cloud import cloud_problems, foreign_block_problems
from .cluster import ClusterSpec
from .errors import ConfigError, Problem, raise_if_any
from .models import ModelSpec, model_problems
from .node_pool import GpuPoolSpec
from .versions import VersionsSpec

__all__ = ["CLOUD_TARGETS", "PlatformConfig", "Target", "load_platform_config"]

TAG_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"
TAG_VALUE_PATTERN = r"^[a-z0-9_-]{0,63}$"


class PlatformConfig(Spec):
    """Everything one stack deploys: `config: llmops:platform:` in Pulumi.<stack>.yaml."""

    environment: str = Field(
        pattern=r"^[a-z][a-z0-9-]{0,15}$",
        description="Environment name (dev, staging, prod...). Drives policy defaults.",
    )
    target: Target = Field(description="Where the cluster runs: eks, gke, aks or onprem.")
    region: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
        description="Cloud region (e.g. us-east-1) or, on-prem, the site name (e.g. fra-dc1).",
    )
    cluster: ClusterSpec = Field(description="The cluster to create or adopt.")
    node_pools: dict[ResourceKey, GpuPoolSpec] = Field(
        default_factory=dict, description="GPU node pools keyed by pool name."
    )
    tags: dict[str, str] = Field(
        default_factory=dict,
        description="Cost/ownership tags, applied as cloud tags and Kubernetes labels. "
        "Keys and values: lowercase [a-z0-9_-], up to 63 characters.",
    )

    addons: AddonsSpec = Field(
        default_factory=AddonsSpec, description="Platform add-ons (see each section)."
    )
    versions: VersionsSpec = Field(
        default_factory=VersionsSpec,
        description="Chart pin overrides. Default: the library's tested pins.",
    )
    catalog: CatalogSpec = Field(
        default_factory=CatalogSpec,
        description="GPU and machine-type catalogue overrides (prices, new machine types). "
        "Default: the built-in catalogue.",
    )

    models: dict[ResourceKey, ModelSpec] = Field(
        default_factory=dict,
        description="Models to serve with KServe, keyed by served model name.",
    )

    @model_validator(mode="after")
    def _target_rules(self) -> PlatformConfig:
        raise_if_any(self._tag_problems() + self._target_problems() + self._model_problems())
        return self

    def _model_problems(self) -> list[Problem]:
        kserve = self.addons.kserve
        return model_problems(
            self.models,
            list(self.node_pools),
            kserve_field=kserve.enabled,
            deployment_mode=kserve.deployment_mode,
            model_cache=kserve.model_cache.enabled,
        )

    def _tag_problems(self) -> list[Problem]:
        import re

        problems = []
        for key, value in self.tags.items():
            if not re.match(TAG_PATTERN, key):
                problems.append(Problem(f"tags.{key}", "tag key must match " + TAG_PATTERN, key))
            if not re.match(TAG_VALUE_PATTERN, value):
                problems.append(
                    Problem(f"tags.{key}", "tag value must match " + TAG_VALUE_PATTERN, value)
                )
        return problems

    def _target_problems(self) -> list[Problem]:
        if self.target == "onprem":
            return self._onprem_problems() + foreign_block_problems(
                "onprem", self.cluster, self.node_pools
            )
        return cloud_problems(
            self.target, self.region, self.cluster, self.node_pools, self.catalog.to_overrides()
        )

    def _onprem_problems(self) -> list[Problem]:
        problems = []
        if self.cluster.kubeconfig is None:
            problems.append(
                Problem(
                    "cluster.kubeconfig",
                    "required on-prem: set secret_config_key, path or context",
                )
            )
        for name, pool in self.node_pools.items():
            where = f"node_pools.{name}"
            if pool.onprem is None:
                problems.append(
                    Problem(f"{where}.onprem", "required on-prem: set node_names or node_selector")
                )
            if pool.gpu is None:
                problems.append(
                    Problem(f"{where}.gpu", "required on-prem: declare {model, count} per node")
                )
            else:
                problems += self._onprem_gpu_problems(where, pool)
            for field in ("machine_type", "min_nodes", "max_nodes", "spot", "disk_size_gib"):
                if field in pool.model_fields_set:
                    problems.append(
                        Problem(
                            f"{where}.{field}",
                            "not used on-prem (the node set is fixed); remove it",
                            getattr(pool, field),
                        )
                    )
        return problems

    def _onprem_gpu_problems(self, where: str, pool: GpuPoolSpec) -> list[Problem]:
        """A declared GPU must be in the catalogue unless its memory is declared too."""
        from ..catalog.gpus import CatalogError, get_gpu_model

        assert pool.gpu is not None
        try:
            known = get_gpu_model(pool.gpu.model, self.catalog.to_overrides())
        except CatalogError as exc:
            if pool.gpu.memory_gib is not None:
                return []
            return [
                Problem(
                    f"{where}.gpu.model",
                    f"{str(exc).rstrip('.')}; "
                    "or declare gpu.memory_gib for a GPU the catalogue lacks",
                    pool.gpu.model,
                )
            ]
        if pool.sharing and pool.sharing.mig and not known.mig_capable:
            return [
                Problem(
                    f"{where}.sharing.mig",
                    f"{known.name} does not support MIG (A100, H100, H200 do); use time_slicing",
                )
            ]
        return []

    @property
    def deletion_protection(self) -> bool:
        """Clusters are protected from deletion in `prod` (each cluster block may override)."""
        return self.environment == "prod"

    @property
    def resource_tags(self) -> dict[str, str]:
        """User tags plus the library's ownership tags (user tags win on conflicts)."""
        return {
            "managed-by": "pulumi-llmops",
            "llmops-environment": self.environment,
            **self.tags,
        }


def load_platform_config(data: Any, source: str = "llmops:platform") -> PlatformConfig:
    """Validate the raw `llmops:platform` object; raise one `ConfigError` listing every problem."""
    if not isinstance(data, Mapping):
        raise ConfigError(
            [Problem("", "must be a mapping (environment, target, region, cluster...)", data)],
            source,
        )
    try:
        return PlatformConfig.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError.from_validation_error(exc, PlatformConfig, source) from None
