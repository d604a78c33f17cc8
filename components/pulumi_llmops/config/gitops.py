"""`addons.gitops`: Argo CD (default) or Flux, and the applications they sync from Git.

Split of responsibilities: Pulumi manages the platform and its add-ons; GitOps manages
application workloads. Default: off unless applications are configured.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from .base import ResourceKey, Spec
from .errors import Problem, raise_if_any

_NAMESPACE = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"


class GitApplicationSpec(Spec):
    """One application synced from a Git repository (keyed by name in `applications`)."""

    repo_url: str = Field(
        pattern=r"^(https://|ssh://|git@)\S+$",
        description="Git repository URL (https://, ssh:// or git@).",
    )
    path: str = Field(".", min_length=1, description="Directory of the manifests in the repo.")
    revision: str = Field(
        "main",
        min_length=1,
        description="Branch (Flux: a branch; Argo CD: branch, tag or commit).",
    )
    namespace: str = Field(
        pattern=_NAMESPACE, description="Destination namespace of the workloads."
    )
    automated: bool = Field(
        True, description="Sync automatically (Argo CD automated / Flux interval)."
    )
    prune: bool = Field(True, description="Delete objects removed from Git.")
    self_heal: bool = Field(True, description="Argo CD: revert drift made outside Git.")
    create_namespace: bool = Field(True, description="Create the destination namespace.")
    interval_minutes: int = Field(
        5, ge=1, le=1440, description="Flux reconcile interval in minutes."
    )


class GitOpsSpec(Spec):
    """GitOps add-on. Default: installed only when `applications` is non-empty."""

    enabled: bool | None = Field(
        None,
        description="Install the GitOps engine. Default (null): when applications are configured.",
    )
    engine: Literal["argocd", "flux"] = Field("argocd", description="argocd (default) or flux.")
    namespace: str | None = Field(
        None,
        pattern=_NAMESPACE,
        description="Engine namespace. Default: argocd (Argo CD) or flux-system (Flux).",
    )
    project: str = Field(
        "llmops-apps",
        pattern=_NAMESPACE,
        description="Argo CD AppProject holding the applications (restricted to their repos "
        "and namespaces).",
    )
    applications: dict[ResourceKey, GitApplicationSpec] = Field(
        default_factory=dict, description="Applications keyed by name."
    )
    values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values of the engine chart, deep-merged last.",
    )

    @property
    def active(self) -> bool:
        return bool(self.applications) if self.enabled is None else self.enabled

    @property
    def resolved_namespace(self) -> str:
        return self.namespace or ("argocd" if self.engine == "argocd" else "flux-system")

    @model_validator(mode="after")
    def _rules(self) -> GitOpsSpec:
        problems = []
        if self.enabled is False and self.applications:
            problems.append(
                Problem("enabled", "false, but applications are configured; remove them or enable")
            )
        raise_if_any(problems)
        return self
