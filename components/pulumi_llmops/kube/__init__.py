"""Shared Kubernetes plumbing for the L2 components (add-ons and serving).

Helm releases of pinned charts, custom resources from pure manifests, generated secrets,
Pod-Security-labelled namespaces, data protection options and the library's labels. It
imports only pulumi, pulumi_kubernetes, pulumi_random and `versions`: never an add-on.
"""

from .custom_resource import custom_resource
from .helm import deep_merge, helm_chart, sorted_values
from .labels import MANAGED_BY, MANAGED_BY_KEY, MANAGED_BY_VALUE
from .namespaces import (
    MODELS_NAMESPACE,
    SYSTEM_NAMESPACE,
    PodSecurityLevel,
    labelled_namespace,
    namespace_labels,
    namespace_manifest,
)
from .protection import data_protection
from .secrets import generated_password, secret_object

__all__ = [
    "MANAGED_BY",
    "MANAGED_BY_KEY",
    "MANAGED_BY_VALUE",
    "MODELS_NAMESPACE",
    "SYSTEM_NAMESPACE",
    "PodSecurityLevel",
    "custom_resource",
    "data_protection",
    "deep_merge",
    "generated_password",
    "helm_chart",
    "labelled_namespace",
    "namespace_labels",
    "namespace_manifest",
    "secret_object",
    "sorted_values",
]
