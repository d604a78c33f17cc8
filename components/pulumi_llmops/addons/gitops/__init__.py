"""GitOps add-on: Argo CD (default) or Flux for application workloads."""

from .component import GitOps, GitOpsArgs

__all__ = ["GitOps", "GitOpsArgs"]
