"""Kubernetes minor versions per cloud and their support windows, and Cluster Autoscaler tags.

Pure lookups over `catalog/data/kubernetes_versions.yaml` (sources and date there). The
catalogue date (`catalog_date()`) is what pinned versions are checked against, so a
check never depends on the day it runs.
Upstream: https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html,
https://learn.microsoft.com/azure/aks/supported-kubernetes-versions
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from .gpus import CatalogError, read_data_file

_FILE = "kubernetes_versions.yaml"


@dataclass(frozen=True)
class VersionSupport:
    """One cloud's support window for one Kubernetes minor (`1.35`), last days inclusive."""

    cloud: str
    minor: str
    standard_until: datetime.date
    extended_until: datetime.date | None
    source: str

    def in_standard_support(self, on: datetime.date) -> bool:
        return on <= self.standard_until

    def in_extended_support(self, on: datetime.date) -> bool:
        return self.extended_until is not None and on <= self.extended_until


def catalog_date() -> datetime.date:
    """The date the version data describes (`as_of`)."""
    value = read_data_file(_FILE).get("as_of")
    if not isinstance(value, datetime.date):
        raise CatalogError(f"catalogue data {_FILE}: as_of must be a date (YYYY-MM-DD)")
    return value


@functools.cache
def _versions(cloud: str) -> dict[str, VersionSupport]:
    entry = (read_data_file(_FILE).get("clouds") or {}).get(cloud)
    if entry is None:
        return {}
    source = str(entry.get("source", "")).strip()
    found = {}
    for minor, window in (entry.get("versions") or {}).items():
        found[str(minor)] = VersionSupport(
            cloud=cloud,
            minor=str(minor),
            standard_until=window["standard_until"],
            extended_until=window.get("extended_until"),
            source=source,
        )
    return found


def version_support(cloud: str, minor: str) -> VersionSupport | None:
    """The support window of `minor` on `cloud` (aws, azure), or None when not catalogued."""
    return _versions(cloud).get(minor)


def known_minors(cloud: str) -> tuple[str, ...]:
    """Catalogued minors of `cloud`, oldest first."""
    return tuple(sorted(_versions(cloud), key=minor_key))


def standard_minors(cloud: str, on: datetime.date | None = None) -> tuple[str, ...]:
    """Minors of `cloud` in standard support on `on` (default: the catalogue date)."""
    day = on or catalog_date()
    return tuple(m for m in known_minors(cloud) if _versions(cloud)[m].in_standard_support(day))


def minor_key(minor: str) -> tuple[int, int]:
    """Sort key of `1.35`."""
    major, _, rest = minor.partition(".")
    return int(major), int(rest)


def newer_than_catalogue(cloud: str, minor: str) -> bool:
    """`minor` is newer than every catalogued minor of `cloud` (released after the data)."""
    known = known_minors(cloud)
    return bool(known) and minor_key(minor) > minor_key(known[-1])


def cluster_autoscaler_image_tag(minor: str | None) -> str | None:
    """Cluster Autoscaler image tag for Kubernetes `minor`; for None (the cloud picks the
    version), the newest catalogued tag. None when the minor has no verified tag."""
    tags = (read_data_file(_FILE).get("cluster_autoscaler_images") or {}).get("tags") or {}
    tags = {str(k): str(v) for k, v in tags.items()}
    if minor is None:
        return tags[max(tags, key=minor_key)] if tags else None
    return tags.get(minor)
