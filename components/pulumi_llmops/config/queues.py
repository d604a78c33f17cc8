"""`teams:` and `addons.kueue` of the stack config: GPU quotas per team, enforced by Kueue.

Each team gets a namespace, a LocalQueue in it and a ClusterQueue with a GPU quota
(`nominalQuota`) per pool; every pool a quota names becomes a Kueue ResourceFlavor (the
pool's node labels and taints). Teams in the same cohort lend each other unused quota up to
their borrowing and lending limits. Plain data: the component is `addons/kueue/`.
Upstream: https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from .base import ResourceKey, Spec
from .errors import Problem, raise_if_any

_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
RESERVED_NAMESPACES = frozenset(
    {"default", "kube-system", "kube-public", "kube-node-lease", "kueue-system"}
    | {"llmops-system", "llmops-models"}
)
"""Namespaces a team may not take: Kubernetes', Kueue's and the platform's own."""
DEFAULT_COHORT = "llmops"
"""The cohort every team joins unless it names another (or `cohort: null`)."""


class TeamQuotaSpec(Spec):
    """A team's share of one GPU pool (`teams.<team>.quotas.<pool>`), in the pool's GPU
    resource units (whole GPUs; time slices or MIG slices on shared pools)."""

    gpus: int = Field(
        ge=0,
        le=100_000,
        description="GPUs the team is guaranteed on this pool (Kueue nominalQuota). Required.",
    )
    borrowing_limit: int | None = Field(
        None,
        ge=0,
        le=100_000,
        description="GPUs beyond `gpus` the team may borrow from unused quota of its cohort. "
        "Unset: no limit (Kueue's default); 0: never borrows. Needs a cohort.",
    )
    lending_limit: int | None = Field(
        None,
        ge=0,
        le=100_000,
        description="GPUs of `gpus` the team's cohort may borrow while the team does not use "
        "them. Unset: all of them (Kueue's default). Must be <= gpus.",
    )
    cpu_cores: int | None = Field(
        None,
        ge=0,
        le=1_000_000,
        description="CPU cores admitted with the GPUs. Unset: the pool's vCPUs per GPU x gpus "
        "(the machine type's catalogue figures), or 8 per GPU when unknown.",
    )
    memory_gib: int | None = Field(
        None,
        ge=0,
        le=100_000_000,
        description="Host memory admitted with the GPUs, GiB. Unset: the pool's memory per "
        "GPU x gpus (catalogue), or 64 GiB per GPU when unknown.",
    )

    @model_validator(mode="after")
    def _lending(self) -> TeamQuotaSpec:
        if self.lending_limit is not None and self.lending_limit > self.gpus:
            raise_if_any(
                [Problem("lending_limit", f"must be <= gpus ({self.gpus})", self.lending_limit)]
            )
        return self


class TeamSpec(Spec):
    """One team (`teams.<team>`): its namespace, queue and GPU quotas."""

    namespace: str | None = Field(
        None,
        pattern=_DNS_LABEL,
        description="Namespace the team submits jobs in (created, Pod Security baseline). "
        "Unset: team-<team>.",
    )
    cohort: str | None = Field(
        DEFAULT_COHORT,
        pattern=_DNS_LABEL,
        description="Kueue cohort: teams in one cohort borrow each other's unused quota. "
        "Every team is in cohort llmops unless it names another; null: the team neither "
        "borrows nor lends.",
    )
    quotas: dict[ResourceKey, TeamQuotaSpec] = Field(
        default_factory=dict,
        description="GPU quota per pool (keys of node_pools). Empty: the team's queue admits "
        "no GPU job.",
    )

    @model_validator(mode="after")
    def _borrowing_needs_cohort(self) -> TeamSpec:
        if self.cohort is None:
            raise_if_any(
                [
                    Problem(
                        f"quotas.{pool}.borrowing_limit",
                        "borrowing needs a cohort; set cohort or remove borrowing_limit",
                        q.borrowing_limit,
                    )
                    for pool, q in sorted(self.quotas.items())
                    if q.borrowing_limit is not None
                ]
            )
        return self

    def namespace_of(self, team: str) -> str:
        return self.namespace or f"team-{team}"


class PriorityClassSpec(Spec):
    """A Kueue WorkloadPriorityClass (`addons.kueue.priority_classes.<name>`)."""

    value: int = Field(
        ge=-2_147_483_648,
        le=1_000_000_000,
        description="Priority: higher is admitted first and may preempt lower. Required.",
    )
    description: str = Field("", max_length=256, description="What the class is for.")


class KueueSpec(Spec):
    """Kueue job queueing (`addons.kueue`)."""

    enabled: bool | None = Field(
        None,
        description="Install Kueue. Default: on when `teams` or `finetune` are configured.",
    )
    priority_classes: dict[ResourceKey, PriorityClassSpec] = Field(
        default_factory=dict,
        description="WorkloadPriorityClasses by name (fine-tuning jobs name one with "
        "`priority_class`). Empty: every workload has priority 0.",
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the rendered values.",
    )


def team_problems(
    teams: dict[str, TeamSpec], pools: list[str], kueue_enabled: bool | None
) -> list[Problem]:
    """Cross-field rules of `teams` (paths from the root): known pools, unique namespaces,
    Kueue not switched off."""
    problems: list[Problem] = []
    if teams and kueue_enabled is False:
        problems.append(
            Problem(
                "addons.kueue.enabled",
                "false, but teams are configured; their quotas need Kueue",
                False,
            )
        )
    known = ", ".join(sorted(pools)) or "none"
    owners: dict[str, str] = {}
    for team, spec in sorted(teams.items()):
        for pool in sorted(spec.quotas):
            if pool not in pools:
                problems.append(
                    Problem(
                        f"teams.{team}.quotas.{pool}",
                        f"unknown pool; configured pools: {known}",
                        pool,
                    )
                )
        namespace = spec.namespace_of(team)
        if namespace in RESERVED_NAMESPACES:
            problems.append(
                Problem(
                    f"teams.{team}.namespace",
                    "a platform or system namespace; give the team its own",
                    namespace,
                )
            )
        elif namespace in owners:
            problems.append(
                Problem(
                    f"teams.{team}.namespace",
                    f"already the namespace of team {owners[namespace]}",
                    namespace,
                )
            )
        owners.setdefault(namespace, team)
    return problems
