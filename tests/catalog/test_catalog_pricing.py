"""Prices: region lookup, monthly cost at 730 hours, spot as a discount."""

from __future__ import annotations

import math

import pytest

from pulumi_llmops.catalog import (
    HOURS_PER_MONTH,
    Price,
    catalog_spot_price,
    hourly_price,
    lookup_instance,
    monthly_cost,
    spot_price,
)

SOURCE = "skypilot-catalog CSV (2026-08)"


def test_hours_per_month() -> None:
    assert HOURS_PER_MONTH == 730


@pytest.mark.parametrize(
    ("usd_per_hour", "nodes", "expected"),
    [
        (1.006, 1, 734.38),
        (1.006, 3, 2203.14),
        (55.04, 2, 80358.4),
        (0.8048, 0, 0.0),
        (0, 4, 0.0),
    ],
)
def test_monthly_cost(usd_per_hour: float, nodes: int, expected: float) -> None:
    assert monthly_cost(usd_per_hour, nodes) == pytest.approx(expected, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    ("usd_per_hour", "nodes", "message"),
    [
        (-1.0, 1, "usd_per_hour must be a finite number >= 0, got -1.0"),
        (math.nan, 1, "usd_per_hour must be a finite number >= 0, got nan"),
        (math.inf, 1, "usd_per_hour must be a finite number >= 0, got inf"),
        (True, 1, "usd_per_hour must be a finite number >= 0, got True"),
        (1.0, -1, "nodes must be an integer >= 0, got -1"),
        (1.0, 1.5, "nodes must be an integer >= 0, got 1.5"),
        (1.0, True, "nodes must be an integer >= 0, got True"),
    ],
)
def test_monthly_cost_rejects_bad_input(usd_per_hour, nodes, message: str) -> None:
    with pytest.raises(ValueError) as info:
        monthly_cost(usd_per_hour, nodes)
    assert str(info.value) == message


def test_hourly_price_by_region() -> None:
    g5 = lookup_instance("aws", "g5.xlarge")
    assert hourly_price(g5, "us-east-1") == Price(1.006, "us-east-1", SOURCE, "2026-08")
    assert hourly_price(g5, "eu-central-1").usd_per_hour == 1.258
    assert hourly_price(g5, "ap-south-1") is None
    assert g5.price_regions == ("eu-central-1", "us-east-1")


def test_hourly_price_matches_regions_ignoring_case_and_spaces() -> None:
    nc4 = lookup_instance("azure", "Standard_NC4as_T4_v3")
    assert hourly_price(nc4, "East US").usd_per_hour == 0.526
    assert hourly_price(lookup_instance("aws", "g6.xlarge"), "US-EAST-1").usd_per_hour == 0.8048


def test_unpriced_machine_type_has_no_price() -> None:
    assert hourly_price(lookup_instance("aws", "p5e.48xlarge"), "us-east-1") is None


def test_spot_price_is_a_discount_on_the_on_demand_price() -> None:
    on_demand = Price(1.006, "us-east-1", SOURCE, "2026-08")
    spot = spot_price(on_demand, 0.6)
    assert spot.usd_per_hour == pytest.approx(0.4024, rel=1e-12)
    assert (spot.region, spot.source, spot.date) == ("us-east-1", SOURCE, "2026-08")
    assert spot.note == "spot estimate (no recorded spot price): on-demand x (1 - 0.6)"
    assert spot_price(on_demand, 0).usd_per_hour == 1.006


def test_spot_price_keeps_an_existing_note() -> None:
    g2 = lookup_instance("gcp", "g2-standard-4").prices[0]
    assert spot_price(g2, 0.5).note == (
        "VM 0.14679 + GPU 0.56004; spot estimate (no recorded spot price): on-demand x (1 - 0.5)"
    )


@pytest.mark.parametrize("discount", [1, 1.5, -0.1, math.nan, True, "0.5"])
def test_spot_discount_must_be_a_fraction(discount) -> None:
    with pytest.raises(ValueError) as info:
        spot_price(Price(1.0, "r", "s"), discount)
    assert str(info.value) == f"spot discount must be a fraction in [0, 1), got {discount!r}"


@pytest.mark.parametrize(
    ("usd", "source", "message"),
    [
        (0.0, "s", "usd_per_hour must be a finite number > 0, got 0.0"),
        (-2.0, "s", "usd_per_hour must be a finite number > 0, got -2.0"),
        (1.0, "", "a price needs a non-empty source, got ''"),
        (1.0, None, "a price needs a non-empty source, got None"),
    ],
)
def test_price_needs_a_positive_amount_and_a_source(usd, source, message: str) -> None:
    with pytest.raises(ValueError) as info:
        Price(usd, "us-east-1", source)
    assert str(info.value) == message


def test_catalog_spot_price_is_the_recorded_figure_or_none() -> None:
    g6e = lookup_instance("aws", "g6e.12xlarge")
    spot = catalog_spot_price(g6e, "US-East-1")
    assert spot is not None and spot.usd_per_hour == 5.2763
    assert spot.note == "median of us-east-1 AZ rows az1,az2,az4,az6; min 3.7887, max 6.015"
    assert catalog_spot_price(g6e, "eu-central-1") is None
    assert catalog_spot_price(lookup_instance("aws", "p5.4xlarge"), "us-east-1") is None
    assert catalog_spot_price(lookup_instance("gcp", "g2-standard-4"), "europe-west4") is None
    assert catalog_spot_price(lookup_instance("gcp", "a3-highgpu-8g"), "us-central1") is None
    nc4 = catalog_spot_price(lookup_instance("azure", "Standard_NC4as_T4_v3"), "East US")
    assert nc4 is not None and nc4.usd_per_hour == 0.062699
