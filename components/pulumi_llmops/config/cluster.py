"""Cluster spec: the cluster's name and how to reach an existing one."""

from __future__ import annotations

from pydantic import Field, model_validator

from .aks import AksClusterSpec
from .base import Spec
from .eks import EksClusterSpec
from .errors import Problem, raise_if_any
from .gke import GkeClusterSpec


class KubeconfigSpec(Spec):
    """Where the kubeconfig of an existing cluster comes from.

    `secret_config_key` names a Pulumi secret in the `llmops` namespace
    (`pulumi config set --secret llmops:<key> "$(cat kubeconfig)"`); `path` is a file on the
    machine that runs Pulumi. With only `context`, the ambient kubeconfig (KUBECONFIG or
    ~/.kube/config) is used with that context.
    """

    secret_config_key: str | None = Field(
        None,
        pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$",
        description="Pulumi secret config key holding the kubeconfig contents.",
    )
    path: str | None = Field(None, min_length=1, description="Path to a kubeconfig file.")
    context: str | None = Field(
        None, min_length=1, description="Kubeconfig context. Default: the current context."
    )

    @model_validator(mode="after")
    def _one_source(self) -> KubeconfigSpec:
        problems = []
        if self.secret_config_key and self.path:
            problems.append(Problem("", "set secret_config_key or path, not both"))
        if not (self.secret_config_key or self.path or self.context):
            problems.append(Problem("", "set secret_config_key, path or context (none was given)"))
        raise_if_any(problems)
        return self


class ClusterSpec(Spec):
    """The Kubernetes cluster the platform runs on."""

    name: str = Field(
        pattern=r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$",
        description="Cluster name (2-40 characters of [a-z0-9-]); prefixes child resource names.",
    )
    kubeconfig: KubeconfigSpec | None = Field(
        None, description="How to reach an existing cluster. Required on-prem."
    )
    eks: EksClusterSpec | None = Field(
        None, description="EKS only: create or adopt the cluster. Required on eks."
    )
    gke: GkeClusterSpec | None = Field(
        None, description="GKE only: project, network, endpoint access. Required on gke."
    )
    aks: AksClusterSpec | None = Field(
        None,
        description="AKS only: resource group, API access. Default on aks: see AksClusterSpec.",
    )
