"""L2: Kubernetes-only add-ons. Nothing here may import a cloud SDK."""

from .namespaces import (
    MODELS_NAMESPACE,
    SYSTEM_NAMESPACE,
    PlatformNamespaces,
    PlatformNamespacesArgs,
    base_namespaces,
    labelled_namespace,
    namespace_labels,
)

__all__ = [
    "MODELS_NAMESPACE",
    "SYSTEM_NAMESPACE",
    "PlatformNamespaces",
    "PlatformNamespacesArgs",
    "base_namespaces",
    "labelled_namespace",
    "namespace_labels",
]
