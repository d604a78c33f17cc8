"""Data-residency rule: no replication of data to regions outside the allowed list
(Azure geo-redundant storage, GCS multi-/dual-regions, S3 and ECR replication)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from .context import REGIONS_SCHEMA, allowed_regions, location_of, normalize_region
from .props import describe, elements, get, is_unknown
from .rule import Rule

# Azure cross-region replication pairs (GRS/RA-GRS/GZRS replicate to the pair).
# https://learn.microsoft.com/azure/reliability/cross-region-replication-azure
AZURE_PAIRS: dict[str, str] = {}
for _a, _b in (
    ("eastus", "westus"),
    ("eastus2", "centralus"),
    ("northcentralus", "southcentralus"),
    ("westus2", "westcentralus"),
    ("canadacentral", "canadaeast"),
    ("northeurope", "westeurope"),
    ("uksouth", "ukwest"),
    ("francecentral", "francesouth"),
    ("germanywestcentral", "germanynorth"),
    ("switzerlandnorth", "switzerlandwest"),
    ("norwayeast", "norwaywest"),
    ("swedencentral", "swedensouth"),
    ("japaneast", "japanwest"),
    ("koreacentral", "koreasouth"),
    ("australiaeast", "australiasoutheast"),
    ("centralindia", "southindia"),
    ("eastasia", "southeastasia"),
    ("uaenorth", "uaecentral"),
    ("southafricanorth", "southafricawest"),
):
    AZURE_PAIRS[_a], AZURE_PAIRS[_b] = _b, _a
AZURE_PAIRS.update({"westus3": "eastus", "brazilsouth": "southcentralus"})  # one-way pairs

GEO_REDUNDANT_SKUS = ("GRS", "RAGRS", "GZRS", "RAGZRS")
# GCS multi-regions and predefined dual-regions: data is stored in several regions.
GCS_MULTI_REGIONS = ("US", "EU", "ASIA", "NAM4", "EUR4", "EUR5", "EUR7", "EUR8", "ASIA1")


def check_replication(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    t, name = args.resource_type, args.name
    if re.match(r"^azure-native:storage(/v\w+)?:StorageAccount$", t):
        yield from _azure_storage(args, config)
    elif t == "gcp:storage/bucket:Bucket":
        yield from _gcs_bucket(args, config)
    elif t == "aws:s3/bucketReplicationConfig:BucketReplicationConfig":
        allowed = list(config.get("allowedReplicationDestinations") or [])
        for rule in elements(get(args.props, "rules")):
            dest = get(rule, "destination.bucket")
            if is_unknown(dest) or dest not in allowed:
                yield (
                    f"S3 replication {name!r}: destination bucket {describe(dest)} is not an "
                    "allowed replication destination (allowed: "
                    f"{', '.join(allowed) or 'none configured'}). Fix: remove the "
                    "replication rule or list the in-region bucket's ARN in "
                    "allowedReplicationDestinations."
                )
    elif t == "aws:ecr/replicationConfiguration:ReplicationConfiguration":
        allowed = allowed_regions(config, "aws")
        rules = elements(get(args.props, "replicationConfiguration.rules"))
        for rule in rules:
            for dest in elements(get(rule, "destinations")):
                region = get(dest, "region")
                if is_unknown(region) or normalize_region("aws", str(region)) not in allowed:
                    yield (
                        f"ECR replication {name!r}: destination region {describe(region)} "
                        f"is not allowed (allowed: {', '.join(allowed) or 'none'}). Fix: "
                        "replicate only to allowed regions."
                    )


def _azure_storage(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    name = args.name
    sku = get(args.props, "sku.name")
    if get(args.props, "allowCrossTenantReplication") is True:
        yield (
            f"storage account {name!r}: allowCrossTenantReplication is true, so object "
            "replication may copy data to other tenants and regions. Fix: set it to false."
        )
    if is_unknown(sku):
        yield (
            f"storage account {name!r}: sku.name is unknown until deploy. Fix: set a "
            "literal SKU (LRS or ZRS keep data in one region)."
        )
        return
    if not isinstance(sku, str) or sku.split("_")[-1].upper() not in GEO_REDUNDANT_SKUS:
        return
    location, _ = location_of(args)
    if not isinstance(location, str) or is_unknown(location):
        yield (
            f"storage account {name!r}: {sku} replicates to the paired region of a "
            "location that is not known at preview. Fix: set a literal location or use "
            "LRS/ZRS."
        )
        return
    region = normalize_region("azure", location)
    pairs = {
        **AZURE_PAIRS,
        **{str(k).lower(): str(v).lower() for k, v in (config.get("regionPairs") or {}).items()},
    }
    pair = pairs.get(region)
    allowed = allowed_regions(config, "azure")
    if pair is None or pair not in allowed:
        where = f"paired region {pair!r}" if pair else "an unknown paired region"
        yield (
            f"storage account {name!r}: {sku} replicates {region!r} data to {where}, which "
            f"is not an allowed azure region (allowed: {', '.join(allowed) or 'none'}). "
            "Fix: use Standard_LRS or Standard_ZRS, or allow the paired region."
        )


def _gcs_bucket(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    name = args.name
    location = get(args.props, "location")
    multi = {str(m).upper() for m in config.get("allowedMultiRegions") or []}
    if (
        isinstance(location, str)
        and location.upper() in GCS_MULTI_REGIONS
        and location.upper() not in multi
    ):
        yield (
            f"bucket {name!r}: location {location!r} is a multi-/dual-region that "
            "stores data in several regions. Fix: use a single allowed region, or list "
            "it in allowedMultiRegions after a residency review."
        )
    allowed = allowed_regions(config, "gcp")
    for data_location in elements(get(args.props, "customPlacementConfig.dataLocations")):
        if is_unknown(data_location) or normalize_region("gcp", str(data_location)) not in allowed:
            yield (
                f"bucket {name!r}: dual-region data location {describe(data_location)} is "
                f"not an allowed gcp region (allowed: {', '.join(allowed) or 'none'}). "
                "Fix: place both data locations in allowed regions."
            )


NO_CROSS_REGION_REPLICATION = Rule(
    name="no-cross-region-replication",
    description="Storage does not replicate data to regions outside the allowed list.",
    kind="resource",
    check=check_replication,
    severity="critical",
    remediation="Use region-local redundancy (Azure LRS/ZRS, a single-region GCS bucket), or "
    "allow the replica region explicitly in policies/config/<env>/data-residency.json.",
    config={
        "allowedRegions": REGIONS_SCHEMA,
        "allowedMultiRegions": {
            "type": "array",
            "items": {"type": "string"},
            "description": "GCS multi-/dual-regions allowed (e.g. EU, EUR4). Default: none.",
            "default": [],
        },
        "allowedReplicationDestinations": {
            "type": "array",
            "items": {"type": "string"},
            "description": "S3 bucket ARNs replication may target. Default: none.",
            "default": [],
        },
        "regionPairs": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Extra Azure region pairs (region -> paired region) over the "
            "built-in table. Default: none.",
            "default": {},
        },
    },
    applies_to=(
        "azure-native:storage:StorageAccount",
        "gcp:storage/bucket:Bucket",
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        "aws:ecr/replicationConfiguration:ReplicationConfiguration",
    ),
)
