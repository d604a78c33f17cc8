"""`PlatformConfig`: the whole `llmops:platform` stack-config object, validated as one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import Field, ValidationError, model_validator

from ..targets import CLOUD_TARGETS, Target
from .addons import AddonsSpec
from .base import ResourceKey, Spec
from .benchmark import BenchmarkSpec, benchmark_problems
from .catalog import CatalogSpec
from .cloud import cloud_problems, foreign_block_problems, mig_profile_problems
from .cluster import ClusterSpec
from .errors import ConfigError, Problem, raise_if_any
from .finetune import FinetuneSpec, adapter_problems, finetune_problems
from .models import ModelSpec, model_problems
from .node_pool import GpuPoolSpec
from .queues import TeamSpec, team_problems
from .routing import RoutingSpec, routed_models, routing_problems
from .versions import VersionsSpec

__all__ = [
    "CLOUD_TARGETS",
    "PlatformConfig",
    "Target",
    "load_platform_config",
    "validate_platform",
]

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
    teams: dict[ResourceKey, TeamSpec] = Field(
        default_factory=dict,
        description="Teams sharing the GPU pools through Kueue queues, keyed by team name "
        "(docs/queues.md). Empty: no team queues.",
    )
    finetune: dict[ResourceKey, FinetuneSpec] = Field(
        default_factory=dict,
        description="Fine-tuning runs, each a Kueue-admitted Job in its team's queue, keyed "
        "by run name (docs/finetuning.md).",
    )
    routing: RoutingSpec = Field(
        default_factory=RoutingSpec,
        description="How requests reach the models: their Service (default) or the "
        "inference gateway (docs/routing.md).",
    )
    benchmark: BenchmarkSpec | None = Field(
        None,
        description="A load-test Job against one model (docs/benchmark.md). Unset: none.",
    )

    @model_validator(mode="after")
    def _target_rules(self) -> PlatformConfig:
        raise_if_any(self.rule_problems())
        return self

    def rule_problems(self) -> list[Problem]:
        """The cross-field rules of the whole config (tags, target, regions, models)."""
        from .allocation import allocation_problems
        from .regions import region_problems
        from .reservations import reservation_problems

        return (
            self._tag_problems()
            + region_problems(self.target, self.region, self.cluster, self.node_pools, self.catalog)
            + self._target_problems()
            + self._model_problems()
            + allocation_problems(self)
            + reservation_problems(self)
            + self._queue_problems()
            + self._routing_problems()
            + self._benchmark_problems()
        )

    def _queue_problems(self) -> list[Problem]:
        kueue = self.addons.kueue
        pools = list(self.node_pools)
        return (
            team_problems(self.teams, pools, kueue.enabled)
            + finetune_problems(
                self.finetune, pools, dict(self.teams), list(kueue.priority_classes), kueue.enabled
            )
            + adapter_problems(dict(self.models), dict(self.finetune))
        )

    def _model_problems(self) -> list[Problem]:
        kserve = self.addons.kserve
        return model_problems(
            self.models,
            list(self.node_pools),
            kserve_field=kserve.enabled,
            deployment_mode=kserve.deployment_mode,
            model_cache=kserve.model_cache.enabled,
            held_at_zero=frozenset(routed_models(self.routing, self.models)),
        )

    def _benchmark_problems(self) -> list[Problem]:
        bench, gateway = self.benchmark, self.routing.gateway
        in_cluster = (gateway.class_name or ("gke" if self.target == "gke" else "istio")) == "istio"
        routed = bench is not None and bench.model in routed_models(self.routing, self.models)
        return benchmark_problems(bench, self.models, via_in_cluster_gateway=routed and in_cluster)

    def _routing_problems(self) -> list[Problem]:
        kserve = self.addons.kserve
        return routing_problems(
            self.routing,
            self.models,
            target=self.target,
            network_policy=kserve.network_policy,
            deployment_mode=kserve.deployment_mode,
            keda=self.addons.observability.enabled,
        )

    def _tag_problems(self) -> list[Problem]:
        import re

        problems = []
        for key, value in self.tags.items():
            if not re.match(TAG_PATTERN, key):
                problems.append(
                    Problem(
                        f"tags.{key}",
                        "tag key must be 1-63 characters of lowercase letters, digits, '_' "
                        "and '-', starting with a letter",
                        key,
                    )
                )
            if not re.match(TAG_VALUE_PATTERN, value):
                problems.append(
                    Problem(
                        f"tags.{key}",
                        "tag value must be up to 63 characters of lowercase letters, digits, "
                        "'_' and '-'",
                        value,
                    )
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
            if pool.declared_gpu is None:
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

        gpu = pool.declared_gpu
        assert gpu is not None and gpu.model is not None
        try:
            known = get_gpu_model(gpu.model, self.catalog.to_overrides())
        except CatalogError as exc:
            if gpu.memory_gib is not None:
                return []
            return [
                Problem(
                    f"{where}.gpu.model",
                    f"{str(exc).rstrip('.')}; "
                    "or declare gpu.memory_gib for a GPU the catalogue lacks",
                    gpu.model,
                )
            ]
        if pool.sharing and pool.sharing.mig and not known.mig_capable:
            return [
                Problem(
                    f"{where}.sharing.mig",
                    f"{known.name} does not support MIG (A100, H100, H200 do); use time_slicing",
                )
            ]
        if pool.sharing and pool.sharing.mig:
            return mig_profile_problems(where, pool.sharing.mig.profile, known)
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


SemanticCheck = Callable[[PlatformConfig], list[Problem]]


def load_platform_config(data: Any, source: str = "llmops:platform") -> PlatformConfig:
    """Validate the raw `llmops:platform` object; raise one `ConfigError` listing every problem."""
    return validate_platform(data, source)


def validate_platform(
    data: Any, source: str = "llmops:platform", semantic: SemanticCheck | None = None
) -> PlatformConfig:
    """Validate `data` and run `semantic(config)` (the bundle's `prepare` rules) in one pass.

    When the schema fails, the offending keys are set aside (`repair`) so the rules of the
    rest still run: one `ConfigError` then lists schema and semantic problems together.
    Semantic problems on a key that already has a schema problem are not repeated.
    """
    if not isinstance(data, Mapping):
        raise ConfigError(
            [Problem("", "must be a mapping (environment, target, region, cluster...)", data)],
            source,
        )
    try:
        config = PlatformConfig.pydantic_validate(dict(data))
    except ValidationError as exc:
        problems, repaired, removed = repair(dict(data), exc)
        if repaired is not None and semantic is not None:
            bad = [p.path for p in problems] + removed
            problems += [p for p in semantic(repaired) if not _related(p, bad, removed)]
        raise ConfigError(problems, source) from None
    if semantic is not None:
        problems = semantic(config)
        if problems:
            raise ConfigError(problems, source)
    return config


# Required keys that cannot be set aside; a placeholder keeps the other rules running.
_PLACEHOLDERS: dict[tuple[str, ...], Any] = {
    ("environment",): "placeholder",
    ("region",): "placeholder",
    ("cluster", "name"): "placeholder",
}


def repair(
    data: dict[str, Any], exc: ValidationError
) -> tuple[list[Problem], PlatformConfig | None, list[str]]:
    """Every schema and rule problem of `data`, found by setting aside what failed and
    validating again (a placeholder stands in for a required top-level key), a few rounds.

    Returns (problems, the config of what remains or None, dotted paths set aside). The
    config passed every rule, so the bundle's rules can run on it safely.
    """
    import copy

    current = copy.deepcopy(data)
    problems: list[Problem] = []
    removed: list[str] = []
    error = exc
    for _ in range(8):
        found = ConfigError.from_validation_error(error, PlatformConfig).problems
        bad = [p.path for p in problems] + removed
        problems += [p for p in found if not _related(p, bad, removed)]
        locs = [tuple(e["loc"]) for e in error.errors(include_url=False)]
        if all(loc == () for loc in locs):
            targets = [tuple(p.path.split(".")) for p in found if p.path]
        else:
            targets = sorted({loc for loc in locs if loc}, key=len, reverse=True)
        if not targets:
            return problems, None, removed
        for loc in targets:
            path = _set_aside(current, loc)
            if path is None:
                return problems, None, removed
            removed.append(path)
        try:
            return problems, PlatformConfig.pydantic_validate(current), removed
        except ValidationError as again:
            error = again
    return problems, None, removed


def _set_aside(data: dict[str, Any], loc: tuple) -> str | None:
    """Remove the value at `loc` (a placeholder for required top-level keys); its path."""
    parts = [p for p in loc if p != "[key]"]
    while parts and isinstance(parts[-1], int):
        parts = parts[:-1]  # a list goes whole: removing one item would shift the others
    while parts:
        key = tuple(str(p) for p in parts)
        if key in _PLACEHOLDERS:
            _assign(data, parts, _placeholder(key, data))
            return ".".join(key)
        if len(parts) == 1 and parts[0] in ("target", "cluster"):
            return None
        if _delete(data, parts):
            return ".".join(map(str, parts))
        parts = parts[:-1]
    return None


def _placeholder(key: tuple[str, ...], data: dict[str, Any]) -> Any:
    """A valid stand-in: a region of the target's cloud (the first in the catalogue)."""
    if key == ("region",):
        from ..catalog.regions import list_regions
        from ..targets import TARGETS

        target = data.get("target")
        # The target may itself be invalid (a list, a map): only a string names one.
        info = TARGETS.get(target) if isinstance(target, str) else None
        if info is not None and info.is_cloud:
            return list_regions(info.cloud)[0]
    return _PLACEHOLDERS[key]


def _container(data: Any, parts: list) -> Any:
    for part in parts[:-1]:
        if isinstance(data, dict) and str(part) in data:
            data = data[str(part)]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _delete(data: dict[str, Any], parts: list) -> bool:
    parent = _container(data, parts)
    last = parts[-1]
    if isinstance(parent, dict) and str(last) in parent:
        del parent[str(last)]
        return True
    if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        del parent[last]
        return True
    return False


def _assign(data: dict[str, Any], parts: list, value: Any) -> None:
    parent = _container(data, parts)
    if isinstance(parent, dict):
        parent[str(parts[-1])] = value


def _related(problem: Problem, bad: list[str], removed: list[str]) -> bool:
    """A semantic problem caused by (or repeating) a schema problem: same key, inside it,
    around it, or naming a map entry that was set aside (a model's pool)."""
    path = problem.path
    for other in bad:
        if (
            not other
            or path == other
            or path.startswith(other + ".")
            or other.startswith(path + ".")
        ):
            return True
    if "region" in removed and any(z in path for z in (".availability_zones", ".node_locations")):
        return True  # zones were checked against a stand-in region
    names = {r.rsplit(".", 1)[-1] for r in removed}
    return problem.has_value and isinstance(problem.value, str) and problem.value in names
