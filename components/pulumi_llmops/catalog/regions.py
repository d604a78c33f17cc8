"""Cloud regions and availability zones: pure look-ups over `catalog/data/regions.yaml`.

`region_problem(cloud, region)` and `zone_problem(cloud, region, zone)` return the sentence a
config error shows (with "did you mean" and, for a region of another cloud, which cloud it
belongs to), or None when the name is known. Extra regions (new or sovereign ones) come in
through `extra` (stack config `catalog.regions`).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .gpus import read_data_file

CLOUD_NAMES = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}
_AWS_ZONE = re.compile(r"^(?P<region>[a-z]{2}(-[a-z]+)+-\d+)(?P<letter>[a-z])$")
_AWS_LOCAL_ZONE = re.compile(r"^(?P<region>[a-z]{2}(-[a-z]+)+-\d+)-[a-z0-9-]+[a-z]$")
_GCP_ZONE = re.compile(r"^(?P<region>[a-z]+(-[a-z]+)+\d+)-(?P<letter>[a-z])$")
AZURE_ZONES = ("1", "2", "3")


@dataclass(frozen=True)
class Region:
    """One region: its cloud, name and zones (GCP zone names; Azure 1-3 or none; AWS
    letters are per account, so empty)."""

    cloud: str
    name: str
    zones: tuple[str, ...] = ()


@functools.cache
def _regions() -> dict[str, dict[str, Region]]:
    data = read_data_file("regions.yaml")
    found: dict[str, dict[str, Region]] = {}
    for cloud, regions in data["regions"].items():
        found[cloud] = {}
        for name, facts in regions.items():
            facts = facts or {}
            zones: tuple[str, ...] = ()
            if cloud == "gcp":
                zones = tuple(f"{name}-{letter}" for letter in facts.get("zones", ()))
            elif cloud == "azure" and facts.get("zones"):
                zones = AZURE_ZONES
            found[cloud][name] = Region(cloud, name, zones)
    return found


def source(cloud: str) -> str:
    """Where the region list of `cloud` comes from (with its date)."""
    return str(read_data_file("regions.yaml")["sources"][cloud])


def list_regions(cloud: str, extra: Iterable[str] = ()) -> list[str]:
    """Sorted region names of `cloud` (plus `extra`)."""
    return sorted(set(_regions().get(cloud, {})) | set(extra))


def lookup_region(cloud: str, region: str, extra: Iterable[str] = ()) -> Region | None:
    """The catalogue's region, a bare `Region` for an `extra` one, else None."""
    known = _regions().get(cloud, {}).get(region)
    if known is None and region in set(extra):
        return Region(cloud, region)
    return known


def cloud_of_region(region: str) -> str | None:
    """The cloud whose catalogue lists `region` (None when none does)."""
    return next((c for c, regions in _regions().items() if region in regions), None)


def region_problem(
    cloud: str, region: str, extra: Mapping[str, Iterable[str]] | None = None
) -> str | None:
    """Why `region` is not a region of `cloud` (None when it is)."""
    more = list((extra or {}).get(cloud, ()))
    if lookup_region(cloud, region, more) is not None:
        return None
    name = CLOUD_NAMES.get(cloud, cloud)
    other = cloud_of_region(region)
    if other is not None and other != cloud:
        what = f"{region!r} is {_a(CLOUD_NAMES[other])} region, not {_a(name)} region"
    else:
        what = f"{region!r} is not a known {name} region"
    return f"{what}{_did_you_mean(region, list_regions(cloud, more))}{_escape(cloud)}"


def zone_problem(
    cloud: str, region: str, zone: str, extra: Mapping[str, Iterable[str]] | None = None
) -> str | None:
    """Why `zone` is not a zone of `region` on `cloud` (None when it is, or when the region
    itself is unknown: that is reported once, on `region`)."""
    more = list((extra or {}).get(cloud, ()))
    known = lookup_region(cloud, region, more)
    if known is None:
        return None
    if cloud == "azure":
        if zone in known.zones:
            return None
        if not known.zones:
            return f"{region} has no availability zones; remove the zone list"
        return f"Azure zones are {', '.join(AZURE_ZONES)}"
    if cloud == "gcp":
        if zone in known.zones or (not known.zones and zone.startswith(f"{region}-")):
            return None
        match = _GCP_ZONE.match(zone)
        if match and match.group("region") != region:
            return _other_region(zone, match.group("region"), region)
        return f"not a zone of {region}{_did_you_mean(zone, list(known.zones))}"
    match = _AWS_ZONE.match(zone) or _AWS_LOCAL_ZONE.match(zone)
    if match and match.group("region") == region:
        return None
    if match:
        return _other_region(zone, match.group("region"), region)
    return f"not an availability zone of {region} (AWS zones are {region}a, {region}b, ...)"


def _other_region(zone: str, its_region: str, region: str) -> str:
    return f"zone {zone!r} is in {its_region}, not in the stack's region {region}"


def _a(name: str) -> str:
    return f"{'an' if name[0] in 'AEIOU' else 'a'} {name}"


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def _escape(cloud: str) -> str:
    return f" (a region missing from the catalogue can be declared under catalog.regions.{cloud})"
