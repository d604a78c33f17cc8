"""Security baseline: private API endpoints, secrets encryption, no public load balancers,
no privileged pods outside the GPU operator's namespace, no plaintext secrets in Helm values."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .context import unversioned
from .helm import HELM_TYPES, chart_name, mappings, setting_groups
from .props import UNKNOWN, as_bool, describe, elements, get, is_unknown, items, plain
from .rule import Rule

OPEN_CIDRS = ("0.0.0.0/0", "::/0")


def _restricted(cidrs: Any) -> bool:
    values = elements(cidrs)
    return bool(values) and all(isinstance(c, str) and c not in OPEN_CIDRS for c in values)


def check_private_endpoint(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    t, props = unversioned(args.resource_type), args.props
    allow_restricted = bool(config.get("allowRestrictedPublicEndpoint"))
    subject = f"{t} {args.name!r}"
    if t in ("aws:eks/cluster:Cluster", "eks:index:Cluster"):
        prefix = "vpcConfig." if t.startswith("aws:") else ""
        public = get(props, f"{prefix}endpointPublicAccess", True)
        cidrs = get(props, f"{prefix}publicAccessCidrs")
        if is_unknown(public) or is_unknown(cidrs):
            yield f"{subject}: endpoint access is unknown until deploy. Fix: set it literally."
        elif as_bool(public, True) and not (allow_restricted and _restricted(cidrs)):
            yield (
                f"{subject}: the Kubernetes API endpoint is public to "
                f"{'the internet' if not _restricted(cidrs) else 'listed CIDRs'}. Fix: set "
                "endpointPublicAccess false (private access only)"
                + (" or restrict publicAccessCidrs." if allow_restricted else ".")
            )
    elif t == "gcp:container/cluster:Cluster":
        private = get(props, "privateClusterConfig.enablePrivateEndpoint")
        nodes = get(props, "privateClusterConfig.enablePrivateNodes")
        cidrs = [
            get(b, "cidrBlock")
            for b in elements(get(props, "masterAuthorizedNetworksConfig.cidrBlocks"))
        ]
        if is_unknown(private) or is_unknown(nodes):
            yield f"{subject}: private cluster config is unknown until deploy."
        elif not as_bool(private, False) and not (
            allow_restricted and as_bool(nodes, False) and _restricted(cidrs)
        ):
            yield (
                f"{subject}: the control plane endpoint is public. Fix: set "
                "privateClusterConfig.enablePrivateEndpoint true"
                + (
                    " (or private nodes plus masterAuthorizedNetworksConfig)."
                    if allow_restricted
                    else "."
                )
            )
    elif t == "azure-native:containerservice:ManagedCluster":
        private = get(props, "apiServerAccessProfile.enablePrivateCluster")
        ranges = get(props, "apiServerAccessProfile.authorizedIPRanges")
        if is_unknown(private) or is_unknown(ranges):
            yield f"{subject}: API server access profile is unknown until deploy."
        elif not as_bool(private, False) and not (allow_restricted and _restricted(ranges)):
            yield (
                f"{subject}: the API server is public. Fix: set "
                "apiServerAccessProfile.enablePrivateCluster true"
                + (" or list authorizedIPRanges." if allow_restricted else ".")
            )


PRIVATE_ENDPOINT = Rule(
    name="private-cluster-endpoint",
    description="Kubernetes API endpoints of EKS, GKE and AKS clusters are private or limited "
    "to listed networks.",
    kind="resource",
    check=check_private_endpoint,
    severity="critical",
    remediation="Make the cluster endpoint private (EKS endpointPublicAccess false, GKE "
    "enablePrivateEndpoint, AKS enablePrivateCluster), or restrict it to known CIDRs when "
    "`allowRestrictedPublicEndpoint` is true.",
    config={
        "allowRestrictedPublicEndpoint": {
            "type": "boolean",
            "default": True,
            "description": "Accept a public endpoint limited to listed CIDRs (none of them "
            "0.0.0.0/0). Default: true.",
        }
    },
    applies_to=(
        "aws:eks/cluster:Cluster",
        "eks:index:Cluster",
        "gcp:container/cluster:Cluster",
        "azure-native:containerservice:ManagedCluster",
    ),
)


def check_secrets_encryption(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    t, props = unversioned(args.resource_type), args.props
    subject = f"{t} {args.name!r}"
    if t == "aws:eks/cluster:Cluster":
        encryption = get(props, "encryptionConfig")
        resources = [r for r in elements(get(encryption, "resources"))]
        key = get(encryption, "provider.keyArn")
        if is_unknown(encryption) or UNKNOWN in resources:
            yield f"{subject}: encryptionConfig is unknown until deploy."
        elif "secrets" not in resources or key is None:
            yield (
                f"{subject}: Kubernetes secrets are not envelope-encrypted with a KMS key. "
                "Fix: set encryptionConfig {provider: {keyArn: <KMS key>}, resources: "
                "[secrets]}."
            )
    elif t == "gcp:container/cluster:Cluster":
        state = get(props, "databaseEncryption.state")
        if is_unknown(state):
            yield f"{subject}: databaseEncryption is unknown until deploy."
        elif state != "ENCRYPTED" or get(props, "databaseEncryption.keyName") is None:
            yield (
                f"{subject}: application-layer secrets encryption is off. Fix: set "
                "databaseEncryption {state: ENCRYPTED, keyName: <Cloud KMS key>}."
            )
    elif t == "azure-native:containerservice:ManagedCluster" and config.get("requireAksKms"):
        enabled = get(props, "securityProfile.azureKeyVaultKms.enabled")
        if is_unknown(enabled):
            yield f"{subject}: securityProfile.azureKeyVaultKms is unknown until deploy."
        elif not as_bool(enabled, False):
            yield (
                f"{subject}: Key Vault KMS encryption of secrets is off. Fix: set "
                "securityProfile.azureKeyVaultKms {enabled: true, keyId: <Key Vault key>}."
            )


SECRETS_ENCRYPTION = Rule(
    name="secrets-encryption",
    description="Kubernetes secrets are envelope-encrypted with a customer-managed KMS key.",
    kind="resource",
    check=check_secrets_encryption,
    severity="high",
    remediation="Give the cluster a KMS key for secrets (EKS encryptionConfig, GKE "
    "databaseEncryption, AKS securityProfile.azureKeyVaultKms).",
    config={
        "requireAksKms": {
            "type": "boolean",
            "default": True,
            "description": "Also require Key Vault KMS on AKS (AKS encrypts etcd with "
            "platform keys by default). Default: true.",
        }
    },
    applies_to=(
        "aws:eks/cluster:Cluster",
        "gcp:container/cluster:Cluster",
        "azure-native:containerservice:ManagedCluster",
    ),
)

# Annotations that make a LoadBalancer Service internal, per cloud.
INTERNAL_LB_ANNOTATIONS: dict[str, tuple[str, ...]] = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": ("true",),
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ("internal",),
    "networking.gke.io/load-balancer-type": ("internal",),
    "cloud.google.com/load-balancer-type": ("internal",),
    "service.beta.kubernetes.io/azure-load-balancer-internal": ("true",),
}
# Charts whose defaults expose a public LoadBalancer unless values override them.
LB_CHART_DEFAULTS: dict[str, tuple[str, ...]] = {"weaviate": ("service", "grpcService")}


def _internal(annotations: Any) -> bool:
    for key, value in items(annotations):
        if str(value).lower() in INTERNAL_LB_ANNOTATIONS.get(key, ()):
            return True
    return False


def check_load_balancers(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    t = args.resource_type
    allowed = set(config.get("allowedServices") or [])
    if t == "kubernetes:core/v1:Service":
        kind = get(args.props, "spec.type")
        name = get(args.props, "metadata.name", args.name)
        if f"{get(args.props, 'metadata.namespace', 'default')}/{name}" in allowed:
            return
        if is_unknown(kind):
            yield f"Service {args.name!r}: spec.type is unknown until deploy. Fix: set it."
        elif kind == "LoadBalancer" and not _internal(get(args.props, "metadata.annotations")):
            yield (
                f"Service {args.name!r} is a public LoadBalancer. Fix: use ClusterIP behind "
                "an ingress/gateway, or add the cloud's internal load balancer annotation."
            )
    elif t in HELM_TYPES:
        chart = chart_name(args.props) or "?"
        values = plain(get(args.props, "values")) or {}
        if is_unknown(values):
            yield f"Helm chart {args.name!r} ({chart}): values are unknown until deploy."
            return
        for path, node in mappings(values, "values"):
            if (
                node.get("type") == "LoadBalancer"
                and not _internal(node.get("annotations"))
                and f"{args.name}:{path}" not in allowed
            ):
                yield (
                    f"Helm chart {args.name!r} ({chart}): {path}.type is LoadBalancer "
                    "(public). Fix: set it to ClusterIP, or add the cloud's internal "
                    f"load balancer annotation under {path}.annotations."
                )
        for key in LB_CHART_DEFAULTS.get(chart, ()):
            node = values.get(key) if isinstance(values, Mapping) else None
            if not isinstance(node, Mapping) or "type" not in node:
                yield (
                    f"Helm chart {args.name!r} ({chart}): values.{key}.type is not set and "
                    "the chart defaults it to LoadBalancer (public). Fix: set "
                    f"values.{key}.type: ClusterIP."
                )


NO_PUBLIC_LB = Rule(
    name="no-public-load-balancers",
    description="No Service or Helm chart exposes a public cloud load balancer.",
    kind="resource",
    check=check_load_balancers,
    severity="high",
    remediation="Use ClusterIP Services behind an ingress or gateway; for load balancers that "
    "must exist, make them internal with the cloud's annotation (e.g. "
    "service.beta.kubernetes.io/aws-load-balancer-scheme: internal).",
    config={
        "allowedServices": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Exceptions: `<namespace>/<service>` for Services, "
            "`<chart resource name>:<values path>` for Helm values. Default: none.",
        }
    },
    applies_to=("kubernetes:core/v1:Service", *sorted(HELM_TYPES)),
)

_WORKLOADS = re.compile(
    r"^kubernetes:(core/v1:Pod|apps/v1:(Deployment|DaemonSet|StatefulSet|ReplicaSet)"
    r"|batch/v1:(Job|CronJob))$"
)


def _pod_spec(resource_type: str, props: Any) -> Any:
    if resource_type.endswith(":Pod"):
        return get(props, "spec")
    if resource_type.endswith(":CronJob"):
        return get(props, "spec.jobTemplate.spec.template.spec")
    return get(props, "spec.template.spec")


def check_privileged(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    t, props = args.resource_type, args.props
    allowed = set(config.get("privilegedNamespaces") or [])
    if t == "kubernetes:core/v1:Namespace":
        name = get(props, "metadata.name", args.name)
        level = get(props, ("metadata", "labels", "pod-security.kubernetes.io/enforce"))
        if level == "privileged" and name not in allowed:
            yield (
                f"Namespace {describe(name)} enforces the privileged Pod Security level. Fix: "
                "enforce baseline or restricted; only "
                f"{', '.join(sorted(allowed)) or 'no namespace'} may be privileged."
            )
        return
    if not _WORKLOADS.match(t):
        return
    namespace = get(props, "metadata.namespace", "default")
    if namespace in allowed:
        return
    spec = plain(_pod_spec(t, props))
    if is_unknown(spec) or not isinstance(spec, Mapping):
        return
    for key in ("hostPID", "hostNetwork", "hostIPC"):
        if spec.get(key) is True:
            yield (
                f"{t.rsplit(':', 1)[-1]} {args.name!r} in namespace {namespace!r} sets "
                f"{key}. Fix: remove it; host access belongs in the GPU operator namespace."
            )
    for group in ("initContainers", "containers"):
        for container in spec.get(group) or []:
            context = (container or {}).get("securityContext") or {}
            if context.get("privileged") is True or context.get("allowPrivilegeEscalation") is True:
                yield (
                    f"{t.rsplit(':', 1)[-1]} {args.name!r} container "
                    f"{container.get('name')!r} in namespace {namespace!r} is privileged. "
                    "Fix: drop privileged/allowPrivilegeEscalation; only "
                    f"{', '.join(sorted(allowed)) or 'no namespace'} may run privileged pods."
                )


NO_PRIVILEGED = Rule(
    name="no-privileged-pods",
    description="Privileged pods and privileged Pod Security namespaces exist only in the "
    "namespaces of node agents (the GPU operator, the NVIDIA DRA driver).",
    kind="resource",
    check=check_privileged,
    severity="critical",
    remediation="Remove privileged/hostPID/hostNetwork settings and enforce baseline or "
    "restricted Pod Security; list a namespace in `privilegedNamespaces` only for node-level "
    "agents such as the GPU operator.",
    config={
        "privilegedNamespaces": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["dra-driver-nvidia-gpu", "gpu-operator"],
            "description": "Namespaces allowed to run privileged pods. Default: gpu-operator "
            "and dra-driver-nvidia-gpu (the DRA kubelet plugin of gpu.allocation: dra pools).",
        }
    },
    applies_to=("kubernetes:core/v1:Namespace", "Pods and pod templates (apps/v1, batch/v1)"),
)

# Value keys (lowercase, without - and _) that hold a credential...
_SECRET_SUFFIXES = (
    "password",
    "passwd",
    "secretkey",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "credentials",
    "clientsecret",
    "jwtsecret",
)
# ...and those that name or reference one instead (existingSecret, passwordKey, tokenFile).
_REFERENCE_SUFFIXES = (
    "secretname",
    "secretref",
    "keyref",
    "fromsecret",
    "file",
    "path",
    "enabled",
    "length",
    "passwordkey",
    "tokenkey",
    "credentialskey",
)


def is_secret_key(key: str) -> bool:
    """A Helm values key that holds a credential (heuristic on the key name)."""
    compact = key.replace("-", "").replace("_", "").lower()
    if "existing" in compact or compact.endswith(_REFERENCE_SUFFIXES):
        return False
    return compact.endswith(_SECRET_SUFFIXES)


_ENV_REFERENCE = re.compile(r"^\$(\{[A-Za-z_][A-Za-z0-9_]*\}|\([A-Za-z_][A-Za-z0-9_]*\))$")


def check_helm_secrets(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    if args.resource_type not in HELM_TYPES:
        return
    chart = chart_name(args.props) or "?"
    values = plain(get(args.props, "values"))
    allowed = set(config.get("allowedPaths") or [])
    subject = f"Helm chart {args.name!r} ({chart})"
    fix = "Fix: store it in a Kubernetes Secret and reference it (existingSecret / secretKeyRef)."
    for _group, settings in setting_groups(values, "values"):
        for key, (path, value) in sorted(settings.items()):
            if not is_secret_key(key) or f"{args.name}:{path}" in allowed:
                continue
            if is_unknown(value):
                yield (
                    f"{subject}: {path} ({key}) is a value computed at deploy time (e.g. a "
                    f"generated password) written into Helm values. {fix}"
                )
            elif isinstance(value, str) and value and not _ENV_REFERENCE.match(value):
                yield f"{subject}: {path} ({key}) holds a literal secret in Helm values. {fix}"


NO_PLAINTEXT_SECRETS = Rule(
    name="no-plaintext-secrets-in-helm-values",
    description="Helm values do not carry passwords, tokens or API keys as literal strings.",
    kind="resource",
    check=check_helm_secrets,
    severity="high",
    remediation="Create a Kubernetes Secret (from a Pulumi secret) and point the chart at it "
    "(`existingSecret`, `secretKeyRef`); policies cannot tell Pulumi secrets from literals "
    "(pulumi-policy#241), so secret values are flagged as well.",
    config={
        "allowedPaths": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Exceptions as `<chart resource name>:<values path>`. Default: none.",
        }
    },
    applies_to=tuple(sorted(HELM_TYPES)),
)

RULES: tuple[Rule, ...] = (
    PRIVATE_ENDPOINT,
    SECRETS_ENCRYPTION,
    NO_PUBLIC_LB,
    NO_PRIVILEGED,
    NO_PLAINTEXT_SECRETS,
)
