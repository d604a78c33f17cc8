"""Whether a pinned Kubernetes minor is supported at the catalogue date. Pure, no Pulumi.

Used by the `cluster.eks` and `cluster.aks` specs; the data and its sources are in
`catalog/data/kubernetes_versions.yaml`.
"""

from __future__ import annotations

from ..catalog.kubernetes import (
    catalog_date,
    newer_than_catalogue,
    standard_minors,
    version_support,
)
from .errors import Problem


def version_problems(
    cloud: str, where: str, minor: str | None, *, extended: bool = False
) -> list[Problem]:
    """A pinned minor outside `cloud`'s support at the catalogue date (standard support, or
    extended support when `extended`). Minors newer than the data pass (released since)."""
    if minor is None or newer_than_catalogue(cloud, minor):
        return []
    day = catalog_date()
    support = version_support(cloud, minor)
    supported = ", ".join(standard_minors(cloud, day)) or "none catalogued"
    if support is None:
        return [
            Problem(
                where,
                f"not offered by {cloud} at the catalogue date {day} (in standard support: "
                f"{supported}); pin one of those or leave it unset",
                minor,
            )
        ]
    if support.in_standard_support(day) or (extended and support.in_extended_support(day)):
        return []
    return [
        Problem(
            where,
            f"left standard support on {support.standard_until} (catalogue date {day}, "
            f"catalog/data/kubernetes_versions.yaml); pin a supported minor ({supported}) "
            "or leave it unset",
            minor,
        )
    ]
