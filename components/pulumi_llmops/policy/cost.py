"""Cost guardrails: GPU machine types, pool sizes, GPUs per stack, spot and scale-to-zero
outside prod, cost tags, and a monthly GPU budget priced from the library's catalogue."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .context import unversioned
from .pools import (
    catalog_overrides,
    gpus_per_node,
    instance_of,
    is_gpu_pool,
    pool_region,
    pools_of,
    stack_pools,
)
from .props import describe, get, is_unknown, items, matches_any
from .reservations import commitment
from .rule import Rule
from .stack_fixes import unpriced_fix


def _gpu_pools(args: Any) -> Iterator[Any]:
    overrides = catalog_overrides()
    for pool in pools_of(args):
        if is_gpu_pool(pool, overrides):
            yield pool


def check_machine_types(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    allowed = [str(p) for p in config.get("allowedMachineTypes") or []]
    accelerators = [str(p) for p in config.get("allowedAcceleratorTypes") or []]
    for pool in _gpu_pools(args):
        for machine_type in pool.machine_types:
            if (
                is_unknown(machine_type)
                or not isinstance(machine_type, str)
                or not matches_any(machine_type, allowed)
            ):
                yield (
                    f"{pool.label}: GPU machine type {describe(machine_type)} is not allowed "
                    f"(allowed: {', '.join(allowed) or 'none configured'}). Fix: pick an "
                    "allowed GPU machine type for this environment."
                )
        for kind, _ in pool.accelerators:
            if is_unknown(kind) or not isinstance(kind, str) or not matches_any(kind, accelerators):
                yield (
                    f"{pool.label}: GPU accelerator {describe(kind)} is not allowed "
                    f"(allowed: {', '.join(accelerators) or 'none configured'}). Fix: pick "
                    "an allowed accelerator type."
                )


ALLOWED_MACHINE_TYPES = Rule(
    name="allowed-gpu-machine-types",
    description="GPU node pools use only the GPU machine types and accelerators allowed for "
    "the environment.",
    kind="resource",
    check=check_machine_types,
    severity="high",
    remediation="Choose a machine type matching `allowedMachineTypes` (shell patterns such as "
    "`g6.*`) in policies/config/<env>/cost-guardrails.json, or extend the list after a cost "
    "review.",
    config={
        "allowedMachineTypes": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Shell-style patterns of allowed GPU machine types, matched "
            "case-insensitively. Default: L4/A10G/L40S/T4 inference families.",
            "default": [
                "g4dn.*",
                "g5.*",
                "g6.*",
                "g6e.*",
                "g2-standard-*",
                "n1-standard-*",
                "Standard_NC*as_T4_v3",
                "Standard_NV*ads_A10_v5",
                "Standard_NC*ads_A10_v4",
            ],
        },
        "allowedAcceleratorTypes": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Patterns of allowed GKE guest accelerator types. Default: "
            "nvidia-l4, nvidia-tesla-t4.",
            "default": ["nvidia-l4", "nvidia-tesla-t4"],
        },
    },
    applies_to=(
        "aws:eks/nodeGroup:NodeGroup",
        "gcp:container/nodePool:NodePool",
        "azure-native:containerservice:AgentPool / ManagedCluster profiles",
    ),
)


def check_max_nodes(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    limit = int(config.get("maxNodes", 0))
    for pool in _gpu_pools(args):
        value = pool.max_nodes
        fix = (
            "Fix: lower max nodes (node_pools.<pool>.max_nodes) or raise maxNodes for this "
            "environment."
        )
        if is_unknown(value) or value is None:
            state = "unknown until deploy" if value is not None else "not set"
            yield (
                f"{pool.label}: maximum size is {state}, so the limit of {limit} nodes per "
                f"GPU pool cannot be checked. {fix}"
            )
        elif value > limit:
            yield (
                f"{pool.label}: maximum size {value} exceeds the limit of {limit} nodes per "
                f"GPU pool. {fix}"
            )


MAX_NODES = Rule(
    name="max-nodes-per-gpu-pool",
    description="Each GPU node pool can scale to at most the configured number of nodes.",
    kind="resource",
    check=check_max_nodes,
    severity="medium",
    remediation="Lower the pool's maximum size, or raise `maxNodes` in "
    "policies/config/<env>/cost-guardrails.json.",
    config={
        "maxNodes": {
            "type": "integer",
            "minimum": 0,
            "default": 4,
            "description": "Largest allowed maximum size of a GPU pool. Default: 4.",
        }
    },
)


def check_max_gpus(args: Any, config: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    limit = int(config.get("maxGpus", 0))
    overrides = catalog_overrides()
    total, parts, unknown = 0, [], []
    for _resource, pool in stack_pools(args.resources):
        if not is_gpu_pool(pool, overrides):
            continue
        gpus = gpus_per_node(pool, overrides)
        nodes = pool.max_nodes
        if is_unknown(gpus) or gpus is None or is_unknown(nodes) or nodes is None:
            unknown.append(pool)
            continue
        total += gpus * nodes
        parts.append(f"{pool.label} {nodes}x{gpus}")
    for pool in unknown:
        yield (
            pool.urn,
            (
                f"{pool.label}: GPUs per node or maximum size is unknown, so the "
                "stack's GPU total cannot be checked. Fix: use a catalogue machine "
                "type (or add it under catalog.instances) and a literal max size."
            ),
        )
    if total > limit:
        yield (
            None,
            (
                f"the stack can scale to {total} GPUs ({'; '.join(parts)}), above the "
                f"limit of {limit}. Fix: lower pool max sizes or raise maxGpus."
            ),
        )


MAX_GPUS = Rule(
    name="max-gpus-per-stack",
    description="All GPU pools of a stack together scale to at most the configured number of GPUs.",
    kind="stack",
    check=check_max_gpus,
    severity="high",
    remediation="Lower the maximum size of GPU pools, or raise `maxGpus` in "
    "policies/config/<env>/cost-guardrails.json.",
    config={
        "maxGpus": {
            "type": "integer",
            "minimum": 0,
            "default": 16,
            "description": "GPUs the whole stack may scale to (sum over GPU pools "
            "of max nodes x GPUs per node). Default: 16.",
        }
    },
)


def check_spot(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    for pool in _gpu_pools(args):
        if pool.spot is not True:
            yield (
                f"{pool.label}: GPU pool does not use spot capacity "
                f"({'unknown until deploy' if is_unknown(pool.spot) else 'on-demand'}). "
                "Fix: set node_pools.<pool>.spot: true outside production."
            )


SPOT = Rule(
    name="spot-gpu-pools-outside-prod",
    description="GPU node pools outside production use spot or preemptible capacity.",
    kind="resource",
    check=check_spot,
    enforcement_level="advisory",
    severity="low",
    remediation="Set `spot: true` on the pool (EKS capacityType SPOT, GKE spot, AKS Spot "
    "priority); disable this policy in production's config.",
)


def check_scale_to_zero(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    for pool in _gpu_pools(args):
        if pool.min_nodes != 0:
            shown = describe(pool.min_nodes) if pool.min_nodes is not None else "not set"
            yield (
                f"{pool.label}: minimum size is {shown}, so idle GPUs keep billing. Fix: "
                "set node_pools.<pool>.min_nodes: 0 outside production."
            )


SCALE_TO_ZERO = Rule(
    name="gpu-pools-scale-to-zero",
    description="GPU node pools outside production can scale down to zero nodes.",
    kind="resource",
    check=check_scale_to_zero,
    severity="medium",
    remediation="Set the pool's minimum size to 0 (node_pools.<pool>.min_nodes: 0); disable "
    "this policy in production's config.",
)


# Where each taggable type keeps its tags/labels.
TAG_PATHS: dict[str, str] = {
    "aws:eks/cluster:Cluster": "tags",
    "aws:eks/nodeGroup:NodeGroup": "tags",
    "aws:s3/bucket:Bucket": "tags",
    "aws:s3/bucketV2:BucketV2": "tags",
    "aws:kms/key:Key": "tags",
    "gcp:container/cluster:Cluster": "resourceLabels",
    "gcp:container/nodePool:NodePool": "nodeConfig.resourceLabels",
    "gcp:storage/bucket:Bucket": "labels",
    "gcp:kms/cryptoKey:CryptoKey": "labels",
    "azure-native:containerservice:ManagedCluster": "tags",
    "azure-native:containerservice:AgentPool": "tags",
    "azure-native:storage:StorageAccount": "tags",
    "azure-native:keyvault:Vault": "tags",
    "azure-native:resources:ResourceGroup": "tags",
}


def check_tags(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    path = TAG_PATHS.get(unversioned(args.resource_type))
    if path is None:
        return
    tags = get(args.props, path)
    if is_unknown(tags):
        yield (
            f"{args.resource_type} {args.name!r}: {path} is unknown until deploy. Fix: set "
            "literal cost tags."
        )
        return
    present = {k for k, v in items(tags) if v not in (None, "")}
    if args.resource_type.startswith("aws:"):
        # The AWS provider's default_tags are applied to every taggable resource.
        present |= {
            k for k, _ in items(get(getattr(args.provider, "props", None), "defaultTags.tags"))
        }
    missing = [t for t in config.get("requiredTags") or [] if t not in present]
    if missing:
        yield (
            f"{args.resource_type} {args.name!r}: missing cost tag(s) {', '.join(missing)} "
            f"in {path}. Fix: add them under llmops:platform tags."
        )


REQUIRED_TAGS = Rule(
    name="required-cost-tags",
    description="Billable cloud resources carry the cost-allocation tags (labels on GCP).",
    kind="resource",
    check=check_tags,
    severity="medium",
    remediation="Add the tags under `tags:` in the stack's `llmops:platform` config (applied "
    "as cloud tags and labels), or on the resource directly.",
    config={
        "requiredTags": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["team", "cost-center"],
            "description": "Tag keys every billable resource needs. Default: team, cost-center.",
        }
    },
    applies_to=tuple(sorted(TAG_PATHS)),
)


def monthly_estimate(resources: list[Any]) -> tuple[float, list[str], list[tuple[str, str]]]:
    """(USD per month at max size, priced lines, [(urn, why not priced)]) over GPU pools.

    Each GPU pool costs max nodes x on-demand hourly price x 730 hours; a pool with several
    instance types is priced at the dearest. Spot pools are priced on-demand (upper bound).
    A pool drawing on a capacity reservation (`node_pools.<pool>.reservation` with
    `committed_nodes` in the stack config) costs its committed nodes at the reservation's
    price (declared, else on-demand) whether they run or not, plus on-demand for the nodes it
    can scale to beyond them.
    """
    from ..catalog import HOURS_PER_MONTH, hourly_price

    overrides = catalog_overrides()
    total, lines, unpriced = 0.0, [], []
    for resource, pool in stack_pools(resources):
        if not is_gpu_pool(pool, overrides):
            continue
        region = pool_region(resource, resources)
        prices = []
        for machine_type in pool.machine_types:
            instance = instance_of(pool.cloud, machine_type, overrides)
            price = hourly_price(instance, region) if instance and isinstance(region, str) else None
            prices.append(price)
        nodes = pool.max_nodes
        if is_unknown(nodes) or nodes is None or not prices or None in prices:
            why = (
                "maximum size unknown"
                if is_unknown(nodes) or nodes is None
                else f"no catalogue price for {', '.join(map(str, pool.machine_types))} in "
                f"{describe(region) if region is not None else 'an unknown region'}"
            )
            if not (is_unknown(nodes) or nodes is None):
                missing = [m for m, p in zip(pool.machine_types, prices, strict=True) if p is None]
                if missing and isinstance(missing[0], str):
                    yaml = unpriced_fix(
                        pool.cloud, missing[0], region if isinstance(region, str) else None
                    )
                    why += ". Fix: " + yaml.text
            unpriced.append((pool.urn, f"{pool.label}: {why}"))
            continue
        hourly = max(p.usd_per_hour for p in prices)
        reserved = commitment(resource)
        if reserved is not None:
            rate = reserved.usd_per_node_hour or hourly
            beyond = max(0, nodes - reserved.nodes)
            cost = (reserved.nodes * rate + beyond * hourly) * HOURS_PER_MONTH
            total += cost
            lines.append(
                f"{pool.label} reserved {reserved.nodes} x ${rate:.3f}/h"
                + (f" + {beyond} x ${hourly:.3f}/h" if beyond else "")
                + f" = ${cost:,.0f}"
            )
            continue
        cost = hourly * HOURS_PER_MONTH * nodes
        total += cost
        lines.append(f"{pool.label} {nodes} x ${hourly:.3f}/h = ${cost:,.0f}")
    return total, lines, unpriced


def check_budget(args: Any, config: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    budget = float(config.get("monthlyBudgetUsd", 0))
    total, lines, unpriced = monthly_estimate(list(args.resources))
    if not config.get("allowUnpriced"):
        for urn, why in unpriced:
            if ". Fix: " in why:
                cause, fix = why.split(". Fix: ", 1)
                yield urn, f"{cause}, so the GPU budget cannot be checked. Fix: {fix}"
            else:
                yield (
                    urn,
                    (
                        f"{why}, so the GPU budget cannot be checked. Fix: give the pool a "
                        "literal maximum size."
                    ),
                )
    if total > budget:
        yield (
            None,
            (
                f"GPU pools at maximum size cost ${total:,.0f}/month "
                f"({'; '.join(lines)}), above the budget of ${budget:,.0f}. Fix: lower "
                "max nodes, pick cheaper GPUs, or raise monthlyBudgetUsd."
            ),
        )


BUDGET = Rule(
    name="monthly-gpu-budget",
    description="GPU pools at their maximum size, and the capacity they reserve, fit the "
    "monthly budget, priced from the library's GPU catalogue.",
    kind="stack",
    check=check_budget,
    severity="high",
    remediation="Lower max nodes or choose cheaper GPU machine types; correct prices under "
    "`catalog.instances` in stack config; or raise `monthlyBudgetUsd` in "
    "policies/config/<env>/cost-guardrails.json.",
    config={
        "monthlyBudgetUsd": {
            "type": "number",
            "minimum": 0,
            "default": 10000,
            "description": "USD per month for all GPU pools at max size "
            "(730 h, on-demand prices). Default: 10000.",
        },
        "allowUnpriced": {
            "type": "boolean",
            "default": False,
            "description": "Pass pools the catalogue has no price for (they "
            "count as 0). Default: false, unpriced pools are violations.",
        },
    },
)

RULES: tuple[Rule, ...] = (
    ALLOWED_MACHINE_TYPES,
    MAX_NODES,
    MAX_GPUS,
    SPOT,
    SCALE_TO_ZERO,
    REQUIRED_TAGS,
    BUDGET,
)
