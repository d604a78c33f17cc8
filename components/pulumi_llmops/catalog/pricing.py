"""On-demand prices, monthly cost and spot estimates for catalogue machine types.

Prices are snapshots with their source and date (see `catalog/data/instances.yaml`). A month
is 730 hours, the convention of Infracost and the AWS pricing calculator:
https://www.infracost.io/docs/
Spot prices move hourly and by zone: the catalogue stores a real spot figure only where one
was read (a dated snapshot median, `catalog_spot_price`), shown beside on-demand; elsewhere
spot is a stated discount on the on-demand price (`spot_price`), labelled an estimate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .instances import InstanceType

HOURS_PER_MONTH = 730
"""Hours in a billing month (365 x 24 / 12, rounded), used by `monthly_cost`."""


@dataclass(frozen=True)
class Price:
    """The hourly price of one machine in one region, with where it came from.

    `date` is the snapshot month (`YYYY-MM`) or day, None when a config override gave none;
    `note` carries detail such as the VM and GPU components of a GCP price.
    """

    usd_per_hour: float
    region: str
    source: str
    date: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        check_number("usd_per_hour", self.usd_per_hour)
        if not isinstance(self.source, str) or not self.source.strip():
            raise ValueError(f"a price needs a non-empty source, got {self.source!r}")


def region_key(region: str) -> str:
    """Matching key of a region name: lowercase without spaces (`East US` -> `eastus`)."""
    return region.replace(" ", "").lower()


def hourly_price(instance: InstanceType, region: str) -> Price | None:
    """On-demand price of one `instance` in `region`, or None when the catalogue has none.

    Region names match case-insensitively and ignoring spaces. None means "unknown", not
    "free": callers must report a missing price rather than count it as zero.
    """
    return _in_region(instance.prices, region)


def catalog_spot_price(instance: InstanceType, region: str) -> Price | None:
    """The catalogue's recorded spot price of one `instance` in `region`, or None.

    A snapshot figure (median over the region's zones, see its `note`); None means no figure
    was recorded, not that spot is unavailable or free.
    """
    return _in_region(instance.spot_prices, region)


def _in_region(prices: tuple[Price, ...], region: str) -> Price | None:
    wanted = region_key(region)
    for price in prices:
        if region_key(price.region) == wanted:
            return price
    return None


def monthly_cost(usd_per_hour: float, nodes: int) -> float:
    """Cost of `nodes` machines running all month: `usd_per_hour * HOURS_PER_MONTH * nodes`.

    Raises ValueError for a negative or non-finite price or a negative/non-integer count.
    """
    check_number("usd_per_hour", usd_per_hour, allow_zero=True)
    if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 0:
        raise ValueError(f"nodes must be an integer >= 0, got {nodes!r}")
    return usd_per_hour * HOURS_PER_MONTH * nodes


def spot_price(price: Price, discount: float) -> Price:
    """Estimated spot price: the on-demand `price` reduced by `discount` (a fraction).

    `discount` must be in [0, 1): 0.6 means spot costs 40% of on-demand. There is no default:
    the caller (usually stack config) states the discount it assumes, and the result's
    `note` records it next to the on-demand source.
    """
    if (
        isinstance(discount, bool)
        or not isinstance(discount, (int, float))
        or not 0 <= discount < 1
    ):
        raise ValueError(f"spot discount must be a fraction in [0, 1), got {discount!r}")
    assumed = f"spot estimate (no recorded spot price): on-demand x (1 - {discount:g})"
    note = f"{price.note}; {assumed}" if price.note else assumed
    return replace(price, usd_per_hour=price.usd_per_hour * (1 - discount), note=note)


def check_number(name: str, value: object, *, allow_zero: bool = False) -> None:
    """Raise ValueError unless `value` is a finite int/float > 0 (>= 0 with `allow_zero`)."""
    valid = (
        not isinstance(value, bool)
        and isinstance(value, (int, float))
        and math.isfinite(value)
        and (value > 0 or (allow_zero and value == 0))
    )
    if not valid:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
