"""Fixes in stack-config terms: which `llmops:platform` key to change, and to what.

A rule's message speaks the engine's language (provider fields such as
`masterAuthorizedNetworksConfig`), because CrossGuard also checks hand-written programs. For
resources the library built, `stack_fix(rule, type, inputs)` names the stack key behind the
field and the offending value (`remove '0.0.0.0/0' from cluster.gke.public_endpoint_cidrs`),
plus the documented fix where one exists. `llmops check` shows it and points SARIF results
at that key's line. Pure: reads recorded inputs (camelCase, as the engine sends them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..targets import TARGETS
from .context import unversioned

POOL_LABEL = "llmops.dev/pool"
OPEN_CIDRS = ("0.0.0.0/0", "::/0")


@dataclass(frozen=True)
class StackFix:
    """`key`: dotted path under `llmops:platform`; `text`: what to do; `docs`: where the
    fix is documented (a repository path with anchor), when it is."""

    key: str
    text: str
    docs: str | None = None

    def render(self) -> str:
        return self.text + (f" (documented in {self.docs})" if self.docs else "")


def _get(props: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(props, Mapping):
            return None
        props = props.get(part)
    return props


def pool_key(resource_type: str, props: Mapping[str, Any]) -> str | None:
    """The `node_pools` key of a pool the library built (its `llmops.dev/pool` label)."""
    t = unversioned(resource_type)
    labels = {
        "aws:eks/nodeGroup:NodeGroup": "labels",
        "gcp:container/nodePool:NodePool": "nodeConfig.labels",
        "azure-native:containerservice:AgentPool": "nodeLabels",
    }.get(t)
    value = _get(props, labels) if labels else None
    found = value.get(POOL_LABEL) if isinstance(value, Mapping) else None
    return found if isinstance(found, str) and found else None


def _cidr_fix(key: str, cidrs: Any) -> StackFix:
    values = [c for c in cidrs or [] if isinstance(c, str)]
    open_ones = [c for c in values if c in OPEN_CIDRS]
    if open_ones:
        shown = " and ".join(repr(c) for c in open_ones)
        return StackFix(
            key,
            f"remove {shown} from {key}: list only the CI/VPN ranges that need the API, or "
            "leave it empty for a private endpoint",
        )
    return StackFix(
        key, f"leave {key} empty (private endpoint) or list only specific CIDRs (none is open)"
    )


def _private_endpoint(t: str, props: Mapping[str, Any], _: Mapping) -> StackFix | None:
    if t == "aws:eks/cluster:Cluster":
        return _cidr_fix(
            "cluster.eks.public_access_cidrs", _get(props, "vpcConfig.publicAccessCidrs")
        )
    if t == "gcp:container/cluster:Cluster":
        blocks = _get(props, "masterAuthorizedNetworksConfig.cidrBlocks") or []
        cidrs = [b.get("cidrBlock") for b in blocks if isinstance(b, Mapping)]
        return _cidr_fix("cluster.gke.public_endpoint_cidrs", cidrs)
    if t == "azure-native:containerservice:ManagedCluster":
        return _cidr_fix(
            "cluster.aks.authorized_ip_ranges",
            _get(props, "apiServerAccessProfile.authorizedIPRanges"),
        )
    return None


def _secrets_encryption(t: str, props: Mapping[str, Any], _: Mapping) -> StackFix | None:
    if t == "aws:eks/cluster:Cluster":
        return StackFix(
            "cluster.eks.existing_kms_key_arn",
            "leave cluster.eks.existing_kms_key_arn unset (the library creates a KMS key with "
            "rotation) or set it to your key's ARN",
            "docs/targets/eks.md",
        )
    if t == "gcp:container/cluster:Cluster":
        return StackFix(
            "cluster.gke.database_encryption_key",
            "set cluster.gke.database_encryption_key: projects/<project>/locations/<region>/"
            "keyRings/<ring>/cryptoKeys/<key> (a Cloud KMS key in the cluster's region)",
            "docs/security.md#secrets-at-rest-per-target",
        )
    if t == "azure-native:containerservice:ManagedCluster":
        return StackFix(
            "cluster.aks.key_vault_key_id",
            "set cluster.aks.key_vault_key_id (a versioned Key Vault key id) and "
            "cluster.aks.key_vault_resource_id (its vault)",
            "docs/security.md#secrets-at-rest-per-target",
        )
    return None


def _region(t: str, props: Mapping[str, Any], platform: Mapping[str, Any]) -> StackFix | None:
    value = platform.get("region")
    shown = f" ({value!r})" if isinstance(value, str) else ""
    return StackFix(
        "region",
        f"change region{shown} to a region allowed for this environment, or allow it in "
        "policies/config/<env>/data-residency.json after a residency review",
    )


def _pool_field(field: str, text: Callable[[str, Any], str]) -> Callable[..., Any]:
    values = {
        "machine_type": ("instanceTypes", "nodeConfig.machineType", "vmSize"),
        "max_nodes": ("scalingConfig.maxSize", "autoscaling.totalMaxNodeCount", "maxCount"),
        "min_nodes": ("scalingConfig.minSize", "autoscaling.totalMinNodeCount", "minCount"),
    }.get(field, ())

    def fix(t: str, props: Mapping[str, Any], _: Mapping) -> StackFix | None:
        pool = pool_key(t, props)
        if pool is None:
            return None
        value = next((_get(props, p) for p in values if _get(props, p) is not None), None)
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        key = f"node_pools.{pool}.{field}"
        return StackFix(key, text(key, value))

    return fix


def _model_source(t: str, props: Mapping[str, Any], _: Mapping) -> StackFix | None:
    name = _get(props, "metadata.name")
    if not isinstance(name, str):
        return None
    key = f"models.{name}.storage_uri"
    return StackFix(key, f"point {key} at an allowed model source (mirror the model there)")


_FIXES: dict[str, Callable[..., StackFix | None]] = {
    "allowed-regions": _region,
    "private-cluster-endpoint": _private_endpoint,
    "secrets-encryption": _secrets_encryption,
    "allowed-gpu-machine-types": _pool_field(
        "machine_type", lambda key, v: f"change {key} ({v!r}) to an allowed GPU machine type"
    ),
    "max-nodes-per-gpu-pool": _pool_field(
        "max_nodes", lambda key, v: f"lower {key} ({v}) to the environment's limit"
    ),
    "gpu-pools-scale-to-zero": _pool_field("min_nodes", lambda key, v: f"set {key}: 0 (it is {v})"),
    "spot-gpu-pools-outside-prod": _pool_field(
        "spot", lambda key, v: f"set {key}: true outside production"
    ),
    "required-cost-tags": lambda t, props, _: StackFix(
        "tags", "add the missing keys under tags (applied as cloud tags and labels)"
    ),
    "allowed-model-sources": _model_source,
}
_MODEL_TYPES = re.compile(r"^kubernetes:serving\.kserve\.io/")


def stack_fix(
    rule: str,
    resource_type: str,
    props: Mapping[str, Any],
    platform: Mapping[str, Any] | None = None,
) -> StackFix | None:
    """The stack-config fix of `rule`'s violation on a resource the library built, or None
    (a hand-composed resource, or a rule whose fix is not one stack key). `platform` is
    the stack's `llmops:platform` object (for the values the keys hold)."""
    fix = _FIXES.get(rule)
    if fix is None:
        return None
    if rule == "allowed-model-sources" and not _MODEL_TYPES.match(resource_type):
        return None
    return fix(unversioned(resource_type), props, platform or {})


def unpriced_fix(cloud: str, machine_type: str, region: str | None) -> StackFix:
    """The exact `catalog.instances` YAML that prices an unpriced machine type."""
    from ..catalog import CatalogError, lookup_instance

    try:
        known = lookup_instance(cloud, machine_type)
        gpu, count = known.gpu_model, known.gpu_count
        accelerator = known.accelerator_type
        prices = [f"{p.region}: {p.usd_per_hour}" for p in known.prices]
    except CatalogError:
        gpu, count, accelerator = "<GPU model>", "<GPUs per node>", "<accelerator type>"
        prices = []
    prices.append(f"{region or '<region>'}: <on-demand USD per hour>")
    lines = [
        "catalog:",
        "  instances:",
        f"    {machine_type}:",
        f"      cloud: {cloud}",
        f"      gpu_model: {gpu}",
        f"      gpu_count: {count}",
        *([f"      accelerator_type: {accelerator}"] if cloud == "gcp" else []),
        f"      usd_per_hour: {{{', '.join(prices)}}}",
        '      price_source: "<where the price comes from, e.g. the provider price list>"',
        '      price_date: "<YYYY-MM>"',
    ]
    return StackFix(
        f"catalog.instances.{machine_type}",
        "add the machine type's price under llmops:platform (the entry replaces the "
        "built-in one whole, so it keeps the known prices):\n" + "\n".join(lines),
        "docs/cost.md",
    )


CLOUD_OF_PACKAGE = {t.provider_package: t.cloud for t in TARGETS.values() if t.provider_package}
