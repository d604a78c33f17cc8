"""Data-residency rules: regions, model sources, vector DB snapshot targets, replication.

Region lists are per cloud (`aws`, `gcp`, `azure`) plus `onprem` site names. CrossGuard
config is per policy (no pack-wide config: pulumi-policy#374), so each rule that needs the
lists carries its own `allowedRegions`; the shipped config files keep them identical (tested).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlparse

from .context import (
    ALLOW_UNKNOWN_SCHEMA,
    REGIONS_SCHEMA,
    allowed_regions,
    cloud_of,
    is_provider,
    location_of,
    normalize_region,
    onprem_site,
)
from .helm import HELM_TYPES, chart_name, setting_groups, walk
from .props import UNKNOWN, describe, get, is_unknown, matches_any, plain
from .replication import NO_CROSS_REGION_REPLICATION
from .rule import Rule
from .training_data import TRAINING_DATA

# Resource types whose location is checked. Other types of these clouds either have no
# location of their own (IAM, child objects) or inherit it from a checked parent.
_LOCATED = re.compile(
    r"^(aws:(eks/(cluster|nodeGroup)|s3/(bucket|bucketV2)|kms/(key|replicaKey)|ecr/repository"
    r"|efs/fileSystem|ebs/volume|rds/(instance|cluster)|secretsmanager/secret)"
    r"|gcp:(container/(cluster|nodePool)|storage/bucket|kms/keyRing|artifactregistry/repository"
    r"|filestore/instance|compute/(disk|instance|regionDisk)|secretmanager/secret)):"
    r"|^azure-native:resources(/v\w+)?:ResourceGroup$"
)


def _region_problem(
    cloud: str, location: Any, where: str, config: Mapping[str, Any], subject: str
) -> str | None:
    allowed = allowed_regions(config, cloud)
    shown = ", ".join(allowed) or "none configured"
    if is_unknown(location):
        if config.get("allowUnknownLocation"):
            return None
        return (
            f"{subject}: {where} is unknown until deploy, so residency cannot be checked "
            f"at preview. Fix: set a literal {cloud} region (allowed: {shown})."
        )
    if not isinstance(location, str) or not location:
        return (
            f"{subject}: no region or location is set (neither on the resource nor on its "
            f"provider). Fix: set it explicitly to one of: {shown}."
        )
    if normalize_region(cloud, location) not in allowed:
        return (
            f"{subject}: {where} {location!r} is not an allowed {cloud} region "
            f"(allowed: {shown}). Fix: deploy to an allowed region or change the "
            "data-residency config for this environment."
        )
    return None


def check_allowed_regions(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    if args.resource_type == "pulumi:providers:kubernetes":
        site = onprem_site()
        if site is None:
            return
        subject = f"on-prem site of Kubernetes provider {args.name!r}"
        allowed = [str(s).lower() for s in (config.get("allowedRegions") or {}).get("onprem", [])]
        if is_unknown(site) or site.lower() not in allowed:
            yield (
                f"{subject}: site {describe(site)} (llmops:platform region) is not an "
                f"allowed on-prem site (allowed: {', '.join(allowed) or 'none configured'}). "
                "Fix: deploy to an allowed site or change the data-residency config."
            )
        return
    cloud = cloud_of(args.resource_type)
    if cloud is None:
        return
    location, where = location_of(args)
    if is_provider(args.resource_type):
        if location is None:
            return  # a provider without a region: each located resource reports it
    elif not _LOCATED.match(args.resource_type) and (
        cloud == "aws" or where not in ("location", "region", "zone")
    ):
        # Other types are checked only where they state a location of their own; the rest
        # have none (IAM, child objects) or inherit it (Azure: the resource group's).
        return
    problem = _region_problem(
        cloud, location, where or "location", config, f"{args.resource_type} {args.name!r}"
    )
    if problem:
        yield problem


ALLOWED_REGIONS = Rule(
    name="allowed-regions",
    description="Clusters, node pools, buckets, KMS keys and cloud providers run only in "
    "allowed regions, and on-prem platforms only at allowed sites.",
    kind="resource",
    check=check_allowed_regions,
    severity="critical",
    remediation="Set the region/location to one allowed for the environment (stack config "
    "`llmops:platform` `region`, the provider's region, or the resource's location), or add "
    "the region to `allowedRegions` in policies/config/<env>/data-residency.json after a "
    "residency review.",
    config={"allowedRegions": REGIONS_SCHEMA, "allowUnknownLocation": ALLOW_UNKNOWN_SCHEMA},
    applies_to=(
        "pulumi:providers:aws|gcp|azure-native|kubernetes (on-prem site)",
        "aws eks/s3/kms/ecr/efs/ebs/rds",
        "gcp container/storage/kms/compute",
        "azure-native resources with a location",
    ),
)


# --- model sources ---------------------------------------------------------------------

_MODEL_TYPES = re.compile(
    r"^kubernetes:serving\.kserve\.io/v1(alpha\d|beta1):"
    r"(InferenceService|LocalModelCache|LLMInferenceService|ClusterStorageContainer)$"
)
_URI_KEYS = ("storageUri", "sourceModelUri")


def model_uris(resource_type: str, props: Any) -> list[tuple[str, Any]]:
    """(path, uri) of every model location in a KServe object's spec."""
    spec = plain(get(props, "spec"))
    found = [(p, v) for p, v in walk(spec, "spec") if p.rsplit(".", 1)[-1] in _URI_KEYS]
    if resource_type.endswith(":LLMInferenceService"):
        uri = get(props, "spec.model.uri")
        if uri is not None:
            found.append(("spec.model.uri", uri))
    return sorted(found, key=lambda item: item[0])


def check_model_sources(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    if not _MODEL_TYPES.match(args.resource_type):
        return
    prefixes = [str(p) for p in config.get("allowedModelSources") or []]
    shown = ", ".join(prefixes) or "none configured"
    subject = f"{args.resource_type.rsplit(':', 1)[-1]} {args.name!r}"
    spec = get(args.props, "spec")
    if is_unknown(spec):
        if not config.get("allowUnknownSource"):
            yield (
                f"{subject}: spec is unknown until deploy, so its model source cannot be "
                f"checked. Fix: give a literal storage URI (allowed prefixes: {shown})."
            )
        return
    for path, uri in model_uris(args.resource_type, args.props):
        if is_unknown(uri):
            if not config.get("allowUnknownSource"):
                yield (
                    f"{subject}: {path} is unknown until deploy, so the model source "
                    f"cannot be checked. Fix: give a literal URI (allowed prefixes: {shown})."
                )
        elif not isinstance(uri, str) or not any(uri.startswith(p) for p in prefixes):
            yield (
                f"{subject}: {path} {uri!r} is not from an allowed model source "
                f"(allowed prefixes: {shown}). Fix: mirror the model to an allowed "
                "registry or bucket and point the URI there."
            )


MODEL_SOURCES = Rule(
    name="allowed-model-sources",
    description="Model servers load models only from allowed registries and buckets.",
    kind="resource",
    check=check_model_sources,
    severity="high",
    remediation="Mirror the model into an allowed location (an in-region bucket, a PVC, an "
    "approved registry) and set storageUri to it, or add the prefix to "
    "`allowedModelSources` in policies/config/<env>/data-residency.json.",
    config={
        "allowedModelSources": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "URI prefixes a storageUri may start with, e.g. `pvc://`, "
            "`s3://models-eu/`, `hf://meta-llama/` (end bucket prefixes with `/`). "
            "Default: none, so every model URI is a violation until configured.",
            "default": [],
        },
        "allowUnknownSource": {
            **ALLOW_UNKNOWN_SCHEMA,
            "description": "Pass model URIs unknown until deploy. Default: false.",
        },
    },
    applies_to=(
        "kubernetes:serving.kserve.io InferenceService, LLMInferenceService, LocalModelCache",
    ),
)


# --- vector DB snapshot / backup targets -------------------------------------------------

_REGION_KEY = re.compile(r"(^|_)region$|^awsregion$|^location$", re.IGNORECASE)
_ENDPOINT_KEY = re.compile(r"(^|_)endpoint(_?url)?$", re.IGNORECASE)
_CLOUD_HOSTS = (".amazonaws.com", ".googleapis.com", ".core.windows.net")


def _endpoint_host(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    host = urlparse(value if "://" in value else f"https://{value}").hostname
    return host.lower() if host else None


def check_vector_snapshots(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    if args.resource_type not in HELM_TYPES:
        return
    chart = chart_name(args.props)
    if chart is None or chart not in set(config.get("vectorDbCharts") or []):
        return
    values = plain(get(args.props, "values"))
    regions = config.get("allowedRegions") or {}
    allowed = {
        normalize_region(c, str(r)) for c in ("aws", "gcp", "azure") for r in regions.get(c) or []
    }
    shown = ", ".join(sorted(allowed)) or "none configured"
    endpoints = [str(e) for e in config.get("allowedEndpoints") or []]
    subject = f"Helm chart {args.name!r} ({chart})"
    for _group, settings in setting_groups(values, "values"):
        endpoint = next(((p, v) for k, (p, v) in settings.items() if _ENDPOINT_KEY.search(k)), None)
        host = _endpoint_host(endpoint[1]) if endpoint else None
        if endpoint and is_unknown(endpoint[1]):
            yield (
                f"{subject}: {endpoint[0]} is unknown until deploy. Fix: set a literal "
                "snapshot endpoint."
            )
            continue
        if host and not host.endswith(_CLOUD_HOSTS):
            # An S3-compatible store (MinIO...): its `region` is only a name; where the data
            # lives is the endpoint's host.
            if not matches_any(host, endpoints):
                yield (
                    f"{subject}: {endpoint[0]} sends snapshots to {host!r}, which is not an "
                    f"allowed snapshot endpoint (allowed: {', '.join(endpoints) or 'none'}). "
                    "Fix: use an in-region object store or list its host in "
                    "allowedEndpoints."
                )
            continue
        for key, (path, value) in sorted(settings.items()):
            if not _REGION_KEY.search(key):
                continue
            if is_unknown(value):
                if not config.get("allowUnknownLocation"):
                    yield (
                        f"{subject}: {path} is unknown until deploy. Fix: set a literal "
                        f"region (allowed: {shown})."
                    )
            elif (
                isinstance(value, str)
                and value
                and normalize_region("azure" if " " in value else "gcp", value) not in allowed
            ):
                yield (
                    f"{subject}: {path} {value!r} sends snapshots or backups outside the "
                    f"allowed regions (allowed: {shown}). Fix: use a bucket in an allowed "
                    "region."
                )


VECTOR_SNAPSHOTS = Rule(
    name="vector-snapshots-in-region",
    description="Vector database snapshots and backups go to object storage in an allowed region.",
    kind="resource",
    check=check_vector_snapshots,
    severity="high",
    remediation="Point the vector database's snapshot/backup storage at a bucket in an "
    "allowed region (the chart's `region`/`AWS_REGION` value); buckets the stack creates are "
    "checked by allowed-regions.",
    config={
        "allowedRegions": REGIONS_SCHEMA,
        "vectorDbCharts": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Helm chart names treated as vector databases. Default: qdrant, "
            "milvus, weaviate, cluster (CloudNativePG/pgvector).",
            "default": ["qdrant", "milvus", "weaviate", "cluster"],
        },
        "allowedEndpoints": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Host patterns of S3-compatible snapshot stores (e.g. "
            "`*.fra-dc1.example.internal`); with a custom endpoint its host is checked instead "
            "of the region name. Default: none.",
            "default": [],
        },
        "allowUnknownLocation": ALLOW_UNKNOWN_SCHEMA,
    },
    applies_to=("kubernetes:helm.sh Chart/Release of a vector database chart",),
)


RULES: tuple[Rule, ...] = (
    ALLOWED_REGIONS,
    MODEL_SOURCES,
    VECTOR_SNAPSHOTS,
    NO_CROSS_REGION_REPLICATION,
    TRAINING_DATA,
)
__all__ = ["NO_CROSS_REGION_REPLICATION", "RULES", "UNKNOWN"]
