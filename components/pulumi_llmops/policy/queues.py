"""Cost guardrail on Kueue GPU quotas: no team's guaranteed GPUs (nor all teams' together)
exceed what the pool behind a ResourceFlavor can scale to.

A ClusterQueue's `nominalQuota` is a promise: quota above the pool's maximum either never
materialises (jobs wait forever) or pushes someone to raise the pool's max size to honour
it. The pool's maximum is the flavor's `llmops.dev/max-gpus` annotation, which the library
writes from the pool contract (max nodes x schedulable GPUs per node).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .props import elements, get, is_unknown
from .rule import Rule

_KUEUE = re.compile(r"^kubernetes:kueue\.x-k8s\.io/v1beta[12]:(ResourceFlavor|ClusterQueue)$")
MAX_GPUS_ANNOTATION = "llmops.dev/max-gpus"
GPU_RESOURCE_ANNOTATION = "llmops.dev/gpu-resource"


def _is_gpu(name: str, declared: str | None) -> bool:
    return name == declared or "gpu" in name.lower() or name.startswith("nvidia.com/mig-")


def _count(value: Any) -> float | None:
    """A quantity as a number: engine floats, or strings such as "8" (no suffixes for GPUs)."""
    if isinstance(value, bool) or is_unknown(value):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    return None


def _flavors(resources: list[Any]) -> dict[str, tuple[str, float | None, str | None]]:
    """Flavor name -> (urn, max GPUs or None, GPU resource name or None)."""
    found = {}
    for resource in resources:
        match = _KUEUE.match(resource.resource_type)
        if not match or match.group(1) != "ResourceFlavor":
            continue
        name = get(resource.props, "metadata.name")
        if not isinstance(name, str):
            continue
        annotations = get(resource.props, "metadata.annotations") or {}
        limit = _count(get(annotations, [MAX_GPUS_ANNOTATION]))
        gpu = get(annotations, [GPU_RESOURCE_ANNOTATION])
        found[name] = (resource.urn, limit, gpu if isinstance(gpu, str) else None)
    return found


def _quotas(resource: Any) -> Iterator[tuple[str, str, Any]]:
    """(flavor, resource name, nominalQuota) of a ClusterQueue."""
    for group in elements(get(resource.props, "spec.resourceGroups")):
        for flavor in elements(get(group, "flavors")):
            name = get(flavor, "name")
            for row in elements(get(flavor, "resources")):
                yield name, get(row, "name"), get(row, "nominalQuota")


def check_quotas(args: Any, config: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    share = float(config.get("maxQuotaShare", 1.0))
    flavors = _flavors(list(args.resources))
    totals: dict[str, list[tuple[str, float]]] = {}
    for resource in args.resources:
        match = _KUEUE.match(resource.resource_type)
        if not match or match.group(1) != "ClusterQueue":
            continue
        queue = get(resource.props, "metadata.name")
        subject = f"ClusterQueue {queue!r}"
        for flavor, name, quota in _quotas(resource):
            known = flavors.get(flavor) if isinstance(flavor, str) else None
            gpu = known[2] if known and known[2] else None
            if not isinstance(name, str) or not _is_gpu(name, gpu):
                continue
            amount = _count(quota)
            if amount is None:
                yield (
                    resource.urn,
                    f"{subject}: nominalQuota of {name} on flavor {flavor!r} is not a literal "
                    "GPU count, so it cannot be checked against the pool. Fix: give a number.",
                )
                continue
            if known is None or known[1] is None:
                yield (
                    resource.urn,
                    f"{subject}: flavor {flavor!r} does not say how many GPUs its pool can "
                    f"scale to ({MAX_GPUS_ANNOTATION}), so the quota of {amount:g} {name} "
                    "cannot be checked. Fix: let the library build the flavor from the pool, "
                    "or annotate it.",
                )
                continue
            limit = known[1] * share
            if amount > limit:
                yield (
                    resource.urn,
                    f"{subject}: quota of {amount:g} {name} on flavor {flavor!r} exceeds the "
                    f"{known[1]:g} its pool can scale to. Fix: lower "
                    f"teams.<team>.quotas.{flavor}.gpus or raise the pool's max nodes.",
                )
            totals.setdefault(flavor, []).append((str(queue), amount))
    for flavor, rows in sorted(totals.items()):
        urn, max_gpus, _gpu = flavors[flavor]
        total = sum(a for _, a in rows)
        assert max_gpus is not None
        if len(rows) > 1 and total > max_gpus * share:
            parts = ", ".join(f"{q} {a:g}" for q, a in sorted(rows))
            yield (
                urn,
                f"flavor {flavor!r}: the teams' quotas add up to {total:g} GPUs ({parts}), "
                f"above the {max_gpus:g} its pool can scale to"
                + (f" x {share:g}" if share != 1.0 else "")
                + ". Fix: lower the teams' quotas (borrowing shares idle GPUs without "
                "promising them) or raise the pool's max nodes.",
            )


QUOTAS_WITHIN_POOLS = Rule(
    name="gpu-quotas-within-pools",
    description="No team's Kueue GPU quota, nor all teams' quotas together, exceed the GPUs "
    "the pool behind the flavor can scale to.",
    kind="stack",
    check=check_quotas,
    severity="medium",
    remediation="Lower `teams.<team>.quotas.<pool>.gpus` (use borrowing_limit to share idle "
    "GPUs instead of promising them), raise the pool's max nodes, or raise `maxQuotaShare` "
    "in policies/config/<env>/cost-guardrails.json to allow overcommitted quotas.",
    config={
        "maxQuotaShare": {
            "type": "number",
            "minimum": 0,
            "default": 1,
            "description": "Share of a pool's max GPUs the teams' nominal quotas may add up "
            "to (1: exactly the pool; 1.5: 50% overcommit). Default: 1.",
        }
    },
    applies_to=("kubernetes:kueue.x-k8s.io ClusterQueue and ResourceFlavor",),
)
