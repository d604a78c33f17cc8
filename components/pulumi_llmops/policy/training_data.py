"""Residency of fine-tuning data: a run's dataset and output stay in the stack's region.

Fine-tuning Jobs carry their dataset and output URIs and the region those buckets are
declared in (`finetune.<run>.data_region`, default the stack's) as annotations. A bucket URI
does not say where the bucket is, so the declaration is what is checked: against the
stack's region and the allowed regions of the URI's cloud (s3:// AWS, gs:// Google Cloud,
https://<account>.blob.core.windows.net Azure). pvc:// data stays in the cluster;
hf:// datasets come from Hugging Face and need an allowed prefix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..targets import catalog_cloud
from .context import (
    ALLOW_UNKNOWN_SCHEMA,
    REGIONS_SCHEMA,
    allowed_regions,
    normalize_region,
    platform_settings,
)
from .props import get, is_unknown
from .rule import Rule

DATASET_ANNOTATION = "llmops.dev/dataset-uri"
OUTPUT_ANNOTATION = "llmops.dev/output-uri"
DATA_REGION_ANNOTATION = "llmops.dev/data-region"
_CLOUD_NAMES = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}


def uri_cloud(uri: str) -> str | None:
    """The cloud whose object store holds `uri` (None: not an object-store URI)."""
    if uri.startswith("s3://"):
        return "aws"
    if uri.startswith("gs://"):
        return "gcp"
    if uri.startswith("https://") and ".blob.core.windows.net/" in uri:
        return "azure"
    return None


def check_training_data(args: Any, config: Mapping[str, Any]) -> Iterator[str]:
    if not args.resource_type.startswith("kubernetes:"):
        return
    annotations = get(args.props, "metadata.annotations")
    uris = [
        (what, get(annotations, [key]))
        for what, key in (("dataset", DATASET_ANNOTATION), ("output", OUTPUT_ANNOTATION))
    ]
    if all(uri is None for _, uri in uris):
        return
    subject = f"{args.resource_type.rsplit(':', 1)[-1]} {args.name!r}"
    prefixes = [str(p) for p in config.get("allowedDataSources") or []]
    settings = platform_settings()
    target = settings.get("target")
    stack_region = settings.get("region")
    declared = get(annotations, [DATA_REGION_ANNOTATION])
    for what, uri in uris:
        if uri is None:
            continue
        if is_unknown(uri):
            if not config.get("allowUnknownLocation"):
                yield (
                    f"{subject}: the {what} URI is unknown until deploy, so its residency "
                    "cannot be checked. Fix: give a literal URI."
                )
            continue
        if not isinstance(uri, str) or any(uri.startswith(p) for p in prefixes):
            continue
        if uri.startswith("pvc://"):
            continue  # a volume of the cluster itself
        cloud = uri_cloud(uri)
        if cloud is None:
            yield (
                f"{subject}: the {what} {uri!r} is read from outside the stack's region "
                "(not a bucket the residency rules can place). Fix: mirror it to an "
                "in-region bucket, or list its prefix in allowedDataSources."
            )
            continue
        if is_unknown(declared) or not isinstance(declared, str) or not declared:
            yield (
                f"{subject}: the {what} {uri!r} has no declared region "
                f"({DATA_REGION_ANNOTATION}). Fix: set finetune.<run>.data_region."
            )
            continue
        if target == "onprem":
            zone, sites = (
                "onprem",
                [str(s) for s in (config.get("allowedRegions") or {}).get("onprem") or []],
            )
            here = declared.strip().lower()
            home = str(stack_region or "").strip().lower()
            allowed = [s.strip().lower() for s in sites]
        else:
            zone = cloud
            stack_cloud = catalog_cloud(str(target)) if isinstance(target, str) else None
            if stack_cloud is not None and stack_cloud != cloud:
                yield (
                    f"{subject}: the {what} {uri!r} is in {_CLOUD_NAMES[cloud]} storage while "
                    f"the stack runs on {_CLOUD_NAMES[stack_cloud]}, outside its region "
                    f"{stack_region!r}. Fix: use a bucket of the stack's cloud and region."
                )
                continue
            here = normalize_region(cloud, declared)
            home = normalize_region(cloud, str(stack_region or ""))
            allowed = allowed_regions(config, cloud)
        if home and here != home:
            yield (
                f"{subject}: the {what} {uri!r} is declared in {declared!r}, outside the "
                f"stack's region {stack_region!r}. Fix: use an in-region bucket (and set "
                "finetune.<run>.data_region to it)."
            )
        elif here not in allowed:
            shown = ", ".join(allowed) or "none configured"
            yield (
                f"{subject}: the {what} {uri!r} is in {declared!r}, not an allowed {zone} "
                f"region (allowed: {shown}). Fix: use a bucket in an allowed region."
            )


TRAINING_DATA = Rule(
    name="training-data-in-region",
    description="Fine-tuning runs read datasets from and write outputs to storage in the "
    "stack's own, allowed region.",
    kind="resource",
    check=check_training_data,
    severity="high",
    remediation="Point `finetune.<run>.dataset_uri` and `output_uri` at buckets in the stack's "
    "region and declare it with `data_region`, use pvc:// volumes, or list an approved "
    "external prefix in `allowedDataSources` in policies/config/<env>/data-residency.json.",
    config={
        "allowedRegions": REGIONS_SCHEMA,
        "allowedDataSources": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "description": "URI prefixes a dataset or output may start with regardless of "
            "region (e.g. `hf://datasets/acme/`). Default: none.",
            "default": [],
        },
        "allowUnknownLocation": ALLOW_UNKNOWN_SCHEMA,
    },
    applies_to=("kubernetes:batch/v1:Job of a finetune run (llmops.dev/dataset-uri)",),
)
