"""Where a resource lives and which platform it belongs to, as policies can see it.

- Cloud location: GCP and Azure resources carry `location` (GCP also `region`/`zone`); AWS
  resources carry their provider's `region` (or their own `region` input, pulumi-aws v7).
  The provider's props reach a resource policy as `args.provider` (default providers too:
  the engine builds them from `aws:region`, `gcp:region`/`gcp:zone`, `azure-native:location`).
- On-prem site: on-prem resources carry no region. The site is the stack config's
  `llmops:platform` `region` (with `target: onprem`). Policies read it with `pulumi.Config`:
  the Pulumi CLI hands the stack's config to policy packs (pulumi/pulumi#20570) and
  `llmops check` runs with the same config set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..targets import CLOUD_OF_PROVIDER_PACKAGE
from .props import UNKNOWN, get, is_unknown

REGIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Allowed regions per cloud (aws, gcp, azure) and allowed on-prem site "
    "names (onprem). A cloud without a list allows nothing. Default: all empty.",
    "properties": {
        key: {"type": "array", "items": {"type": "string"}}
        for key in ("aws", "gcp", "azure", "onprem")
    },
    "additionalProperties": False,
    "default": {"aws": [], "gcp": [], "azure": [], "onprem": []},
}
ALLOW_UNKNOWN_SCHEMA: dict[str, Any] = {
    "type": "boolean",
    "description": "Pass when the value is unknown until deploy (computed). Default: false, "
    "an unknown value is a violation: residency cannot be proven at preview.",
    "default": False,
}

CLOUD_PACKAGES = CLOUD_OF_PROVIDER_PACKAGE
_VERSIONED = re.compile(r"^(azure-native:[A-Za-z]+)/v\w+:")
_GCP_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")


def package_of(resource_type: str) -> str:
    """`aws` for `aws:eks/cluster:Cluster` and for `pulumi:providers:aws`."""
    if resource_type.startswith("pulumi:providers:"):
        return resource_type.removeprefix("pulumi:providers:")
    return resource_type.split(":", 1)[0]


def cloud_of(resource_type: str) -> str | None:
    """aws, gcp or azure for a cloud resource or provider type; None otherwise."""
    return CLOUD_PACKAGES.get(package_of(resource_type))


def unversioned(resource_type: str) -> str:
    """azure-native also registers API-versioned tokens: `azure-native:storage/v20240101:X`
    -> `azure-native:storage:X`."""
    return _VERSIONED.sub(r"\1:", resource_type)


def is_provider(resource_type: str) -> bool:
    return resource_type.startswith("pulumi:providers:")


def normalize_region(cloud: str, region: str) -> str:
    """Comparable region: Azure display names lose spaces and case (`West Europe` ->
    `westeurope`); a GCP zone becomes its region (`europe-west4-a` -> `europe-west4`)."""
    value = region.strip().lower()
    if cloud == "azure":
        return value.replace(" ", "")
    if cloud == "gcp":
        match = _GCP_ZONE.match(value)
        if match:
            return match.group(1)
    return value


def _provider_props(args: Any) -> Any:
    provider = getattr(args, "provider", None)
    return getattr(provider, "props", None) if provider is not None else None


def location_of(args: Any) -> tuple[Any, str]:
    """(location, where it came from) of a cloud resource or provider.

    The location is a string, `UNKNOWN`, or None when the resource states none (Azure
    resources then inherit their resource group's, AWS ones use the provider default).
    """
    cloud = cloud_of(args.resource_type)
    props = args.props
    own_keys = {
        "aws": ("region",),
        "gcp": ("location", "region", "zone"),
        "azure": ("location",),
    }.get(cloud or "", ())
    for key in own_keys:
        value = get(props, key)
        if value is not None:
            return value, key
    if is_provider(args.resource_type):
        return None, ""
    provider = _provider_props(args)
    provider_keys = {"aws": ("region",), "gcp": ("region", "zone"), "azure": ("location",)}.get(
        cloud or "", ()
    )
    for key in provider_keys:
        value = get(provider, key)
        if value is not None:
            return value, f"provider {key}"
    return None, ""


def allowed_regions(config: Mapping[str, Any], cloud: str) -> list[str]:
    """Normalized allowed regions of `cloud` from a policy's `allowedRegions` config."""
    regions = (config.get("allowedRegions") or {}).get(cloud) or []
    return [normalize_region(cloud, str(r)) for r in regions]


def platform_settings() -> Mapping[str, Any]:
    """The stack's `llmops:platform` config object ({} when absent or unreadable)."""
    try:
        import pulumi

        raw = pulumi.Config("llmops").get("platform")
    except Exception:  # noqa: BLE001 - no runtime settings: not a platform stack
        return {}
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, Mapping) else {}


def onprem_site() -> Any:
    """The on-prem site (the platform `region` when `target: onprem`), else None."""
    settings = platform_settings()
    if settings.get("target") != "onprem":
        return None
    site = settings.get("region")
    return site if isinstance(site, str) and site else UNKNOWN


__all__ = [
    "ALLOW_UNKNOWN_SCHEMA",
    "REGIONS_SCHEMA",
    "allowed_regions",
    "cloud_of",
    "is_provider",
    "is_unknown",
    "location_of",
    "normalize_region",
    "onprem_site",
    "package_of",
    "platform_settings",
    "unversioned",
]
