"""Capacity reservations per GPU pool (`node_pools.<pool>.reservation`): EKS On-Demand Capacity
Reservations and Capacity Blocks for ML, GKE reservations (specific or any), AKS capacity
reservation groups. Plain data, the cross-field rules, and the committed cost.

Upstream: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-capacity-reservations.html,
https://cloud.google.com/kubernetes-engine/docs/how-to/consuming-reservations,
https://learn.microsoft.com/azure/aks/use-capacity-reservation-groups
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from .base import Spec
from .errors import Problem, raise_if_any

if TYPE_CHECKING:
    from ..catalog.shape import PoolShape
    from .platform import PlatformConfig

ReservationAffinity = Literal["specific", "any"]

_IDS = {
    "eks": (
        re.compile(r"^cr-[0-9a-f]{8}([0-9a-f]{9})?$"),
        "an EC2 capacity reservation id cr-<hex>",
    ),
    "gke": (
        re.compile(
            r"^(projects/[a-z][-a-z0-9]{4,28}[a-z0-9]/reservations/)?[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"
        ),
        "a reservation name, or projects/<project>/reservations/<name> for a shared one",
    ),
    "aks": (
        re.compile(
            r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/"
            r"Microsoft\.Compute/capacityReservationGroups/[^/]+$"
        ),
        "a capacity reservation group resource id (/subscriptions/<id>/resourceGroups/<rg>/"
        "providers/Microsoft.Compute/capacityReservationGroups/<name>)",
    ),
}


class ReservationSpec(Spec):
    """Reserved capacity a GPU pool's nodes draw on.

    `specific` targets one reservation by `id`: EKS an On-Demand Capacity Reservation (or a
    Capacity Block with `capacity_block: true`), GKE a reservation name, AKS a capacity
    reservation group. `any` (EKS and GKE) consumes any open reservation that matches, then
    falls back to on-demand capacity; nothing is committed by the pool.
    """

    affinity: ReservationAffinity = Field(
        "specific",
        description="`specific`: only the reservation `id`; `any`: any matching open "
        "reservation, else on-demand (EKS and GKE).",
    )
    id: str | None = Field(
        None,
        min_length=1,
        max_length=400,
        description="EKS: the reservation id (cr-...); GKE: the reservation name (or "
        "projects/<p>/reservations/<name>); AKS: the capacity reservation group resource id. "
        "Required with specific.",
    )
    capacity_block: bool = Field(
        False,
        description="EKS only: the reservation is a Capacity Block for ML (launch template "
        "market type capacity-block, node group capacity type CAPACITY_BLOCK).",
    )
    region: str | None = Field(
        None,
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
        description="Region the reservation is in. Default: the stack's region (another "
        "region is an error: reservations are regional or zonal).",
    )
    zone: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        description="Zone the reservation is in (EKS e.g. us-east-1a, GKE us-central1-a, AKS "
        "1, 2 or 3). Required with specific on EKS and GKE.",
    )
    committed_nodes: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="Nodes (instances of the pool's machine type) the reservation holds: "
        "billed whether used or not. Required with specific.",
    )
    usd_per_node_hour: float | None = Field(
        None,
        gt=0,
        le=10000,
        description="What one reserved node costs per hour. Default: the catalogue's "
        "on-demand price (ODCRs, GKE and AKS reservations bill at the on-demand rate). "
        "Required with capacity_block (Capacity Blocks are priced at purchase).",
    )

    @model_validator(mode="after")
    def _shape(self) -> ReservationSpec:
        problems = []
        if self.affinity == "specific":
            if self.id is None:
                problems.append(Problem("id", "required with affinity specific"))
            if self.committed_nodes is None:
                problems.append(Problem("committed_nodes", "required with affinity specific"))
        else:
            for key in ("id", "zone", "committed_nodes", "usd_per_node_hour"):
                if getattr(self, key) is not None:
                    problems.append(Problem(key, "only with affinity specific", getattr(self, key)))
            if self.capacity_block:
                problems.append(Problem("capacity_block", "only with affinity specific", True))
        if self.capacity_block and self.usd_per_node_hour is None:
            problems.append(
                Problem("usd_per_node_hour", "required with capacity_block (its purchase price)")
            )
        raise_if_any(problems)
        return self


@dataclass(frozen=True)
class ReservationCost:
    """What a pool's reservation commits: `nodes` x `usd_per_node_hour` every hour."""

    pool: str
    kind: str
    reservation: str
    zone: str | None
    nodes: int | None
    usd_per_node_hour: float | None

    @property
    def usd_per_month(self) -> float | None:
        from ..catalog.pricing import HOURS_PER_MONTH

        if self.nodes is None or self.usd_per_node_hour is None:
            return None
        return self.nodes * self.usd_per_node_hour * HOURS_PER_MONTH


def reservation_kind(target: str, spec: ReservationSpec) -> str:
    """A short name of what the pool draws on (plan table, policy messages)."""
    if spec.affinity == "any":
        return "any open reservation"
    if target == "eks":
        return "capacity block" if spec.capacity_block else "on-demand capacity reservation"
    if target == "gke":
        return "specific reservation"
    return "capacity reservation group"


def reservation_cost(
    target: str, pool: str, spec: ReservationSpec, shape: PoolShape | None
) -> ReservationCost:
    """The committed cost of one pool's reservation (price: declared, else the catalogue's
    on-demand price of the pool's machine type in its region; None when neither is known)."""
    price = spec.usd_per_node_hour
    if price is None and spec.affinity == "specific" and shape is not None:
        price = shape.usd_per_hour
    return ReservationCost(
        pool=pool,
        kind=reservation_kind(target, spec),
        reservation=spec.id or "(any)",
        zone=spec.zone,
        nodes=spec.committed_nodes,
        usd_per_node_hour=price,
    )


def reservation_problems(config: PlatformConfig) -> list[Problem]:
    """Reservations the target cannot honour, each by YAML path: on-prem or spot pools,
    ids of another cloud's shape, another region or zone, zones the pool does not use."""
    from ..catalog.regions import zone_problem

    problems: list[Problem] = []
    target = config.target
    for name, pool in sorted(config.node_pools.items()):
        spec = pool.reservation
        if spec is None:
            continue
        where = f"node_pools.{name}.reservation"
        if target == "onprem":
            problems.append(Problem(where, "cloud capacity reservations exist on eks, gke and aks"))
            continue
        if pool.spot:
            problems.append(
                Problem(
                    f"node_pools.{name}.spot",
                    "a spot pool cannot draw on reserved capacity; set spot: false",
                    True,
                )
            )
        if spec.capacity_block and target != "eks":
            problems.append(Problem(f"{where}.capacity_block", "EKS only", True))
        if spec.affinity == "any" and target == "aks":
            problems.append(
                Problem(
                    where,
                    "affinity any does not exist on AKS: a pool joins one capacity reservation "
                    "group (affinity specific with its id)",
                )
            )
        pattern, shape = _IDS[target]
        if spec.id is not None and not pattern.match(spec.id):
            problems.append(Problem(f"{where}.id", f"must be {shape}", spec.id))
        if spec.region is not None and spec.region != config.region:
            problems.append(
                Problem(
                    f"{where}.region",
                    f"the reservation is in {spec.region}, the stack in {config.region}: a "
                    "pool can only draw on a reservation of its own region",
                    spec.region,
                )
            )
        problems += _zone_problems(config, name, spec, zone_problem)
    return problems


def _zone_problems(
    config: PlatformConfig, name: str, spec: ReservationSpec, zone_problem: object
) -> list[Problem]:
    target = config.target
    where = f"node_pools.{name}.reservation"
    pool = config.node_pools[name]
    if spec.affinity != "specific":
        return []
    if spec.zone is None:
        if target in ("eks", "gke"):
            return [Problem(f"{where}.zone", f"required with affinity specific on {target}")]
        return []
    cloud = {"eks": "aws", "gke": "gcp", "aks": "azure"}[target]
    extra = {c: list(r) for c, r in config.catalog.regions.items()}
    why = zone_problem(cloud, config.region, spec.zone, extra)  # type: ignore[operator]
    if why:
        return [Problem(f"{where}.zone", why, spec.zone)]
    if target == "gke":
        zones = list(pool.gke.node_locations) if pool.gke is not None else []
        if zones != [spec.zone]:
            return [
                Problem(
                    f"node_pools.{name}.gke.node_locations",
                    f"a specific reservation serves nodes of its zone only: set "
                    f"node_locations: [{spec.zone}]",
                    zones,
                )
            ]
    if target == "aks":
        zones = list(pool.aks.availability_zones) if pool.aks is not None else []
        if zones and spec.zone not in zones:
            return [
                Problem(
                    f"node_pools.{name}.aks.availability_zones",
                    f"the capacity reservation group holds zone {spec.zone}, which the pool "
                    "does not use",
                    zones,
                )
            ]
    return []
