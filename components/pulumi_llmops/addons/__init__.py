"""L2: Kubernetes-only add-ons, one folder or module each. Nothing here imports a cloud SDK,
another add-on, or the bundle; shared plumbing comes from `pulumi_llmops.kube`."""

from .._deprecated import moved_names
from .namespaces import PlatformNamespaces, PlatformNamespacesArgs, base_namespaces

__all__ = ["PlatformNamespaces", "PlatformNamespacesArgs", "base_namespaces"]

__getattr__ = moved_names(
    __name__,
    {
        "MODELS_NAMESPACE": "pulumi_llmops.kube",
        "SYSTEM_NAMESPACE": "pulumi_llmops.kube",
        "labelled_namespace": "pulumi_llmops.kube",
        "namespace_labels": "pulumi_llmops.kube",
    },
)
