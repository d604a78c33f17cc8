"""L2: Kubernetes-only add-ons. Nothing here may import a cloud SDK."""

from .namespaces import PlatformNamespaces, PlatformNamespacesArgs, namespace_labels

__all__ = ["PlatformNamespaces", "PlatformNamespacesArgs", "namespace_labels"]
