"""Shared Kubernetes plumbing for the L2 components (add-ons and serving).

Helm releases of pinned charts, custom resources from pure manifests, generated secrets,
Pod-Security-labelled namespaces, data protection options and the library's labels. It
imports only pulumi, pulumi_kubernetes, pulumi_random and `versions`: never an add-on.
"""

from .custom_resource import custom_resource
from .helm import (
    WAIT_FOR_CA_BUNDLE,
    await_webhook_ca,
    deep_merge,
    helm_chart,
    namespaced_chart,
    protect_crds,
    sorted_values,
)
from .hooks import DROPPED_HOOKS, HOOK_GUARDS, HOOK_SWITCHES, hook_switch_values, reenabled_hooks
from .labels import MANAGED_BY, MANAGED_BY_KEY, MANAGED_BY_VALUE
from .metrics import MetricsTarget
from .namespaces import (
    MODELS_NAMESPACE,
    SYSTEM_NAMESPACE,
    PodSecurityLevel,
    labelled_namespace,
    namespace_labels,
    namespace_manifest,
)
from .network import namespace_ingress_policy
from .protection import data_protection
from .secrets import generated_password, secret_object

__all__ = [
    "DROPPED_HOOKS",
    "HOOK_GUARDS",
    "HOOK_SWITCHES",
    "MANAGED_BY",
    "MANAGED_BY_KEY",
    "MANAGED_BY_VALUE",
    "MODELS_NAMESPACE",
    "MetricsTarget",
    "SYSTEM_NAMESPACE",
    "WAIT_FOR_CA_BUNDLE",
    "PodSecurityLevel",
    "await_webhook_ca",
    "custom_resource",
    "data_protection",
    "deep_merge",
    "generated_password",
    "helm_chart",
    "hook_switch_values",
    "labelled_namespace",
    "namespace_labels",
    "namespace_ingress_policy",
    "namespaced_chart",
    "namespace_manifest",
    "protect_crds",
    "reenabled_hooks",
    "secret_object",
    "sorted_values",
]
