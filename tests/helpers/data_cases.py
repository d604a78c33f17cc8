"""Shared helpers for the data/ops add-on tests: platform configs and chart keys."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from helpers import (
    chart_defaults,
    manifest_of,
    onprem_platform,
    require_upstream,
    unknown_values_keys,
    validate_custom_resource,
)
from pulumi_llmops.offline.recording import SECRET
from pulumi_llmops.versions import CHARTS

MINIO_SNAPSHOTS = {
    "bucket": "vector-snapshots",
    "endpoint": "https://minio.lab.internal:9000",
    "region": "us-east-1",
    "credentials": {"existing_secret": "minio-creds"},
}


def platform(**addons: Any) -> dict[str, Any]:
    """The on-prem test platform with `addons` set (other add-ons at their defaults)."""
    return onprem_platform(addons=addons)


def chart_values_file(chart_key: str) -> str:
    pin = CHARTS[chart_key]
    return (
        require_upstream() / "charts" / pin.chart_name / pin.version / "values.yaml"
    ).read_text()


def unknown_keys(chart_key: str, values: dict[str, Any], defaults: dict[str, Any] | None = None):
    pin = CHARTS[chart_key]
    return unknown_values_keys(values, defaults or chart_defaults(pin.chart_name, pin.version))


def assert_documented_in_comments(chart_key: str, paths: Iterable[str]) -> None:
    """Keys a chart documents only as comments (`# apiKey: false`) must appear so in its
    values.yaml: a real check that the key is part of the chart's documented interface."""
    text = chart_values_file(chart_key)
    for path in paths:
        leaf = path.rsplit(".", 1)[-1]
        assert re.search(rf"^\s*#\s*{re.escape(leaf)}:", text, re.M), (
            f"{chart_key}: {path} is neither a default key nor documented in a comment"
        )


def plain_manifest(resource) -> dict[str, Any]:
    """`manifest_of`, asserting first that a Secret's data is a Pulumi secret (pulumi_kubernetes
    marks `stringData` secret as a whole; `manifest_of` leaves such a field out)."""
    if resource.type == "kubernetes:core/v1:Secret":
        assert resource.inputs["stringData"] is SECRET, "Secret data must be a Pulumi secret"
    return manifest_of(resource)


validate_cr = validate_custom_resource
