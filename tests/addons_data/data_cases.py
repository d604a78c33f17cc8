"""Shared helpers for the data/ops add-on tests: platform configs, golden files, chart keys."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from helpers import (
    chart_defaults,
    manifest_of,
    onprem_platform,
    require_upstream,
    unknown_values_keys,
)
from pulumi_llmops.addons.vector_db.secrets import PASSWORD_TYPE
from pulumi_llmops.offline.fake_outputs import register_fake_outputs
from pulumi_llmops.versions import CHARTS

# The mock engine returns no `result` for a RandomPassword: give it an obviously fake value so
# the tests can prove that a generated secret never appears unmasked in a plan or an input.
register_fake_outputs(PASSWORD_TYPE, lambda name, _inputs: {"result": f"offline-password-{name}"})

UPDATE = os.environ.get("LLMOPS_UPDATE_GOLDEN") == "1"

MINIO_SNAPSHOTS = {
    "bucket": "vector-snapshots",
    "endpoint": "https://minio.lab.internal:9000",
    "region": "us-east-1",
    "credentials": {"existing_secret": "minio-creds"},
}


def platform(**addons: Any) -> dict[str, Any]:
    """The on-prem test platform with `addons` set (other add-ons at their defaults)."""
    return onprem_platform(addons=addons)


def dump(values: Any) -> str:
    return yaml.safe_dump(values, sort_keys=True, default_flow_style=False)


def check_golden(directory: Path, name: str, values: Any) -> None:
    path = directory / f"{name}.yaml"
    text = dump(values)
    if UPDATE:
        path.write_text(text)
    assert path.is_file(), f"{path} missing (LLMOPS_UPDATE_GOLDEN=1 writes it)"
    assert text == path.read_text(), f"{path.name} differs (LLMOPS_UPDATE_GOLDEN=1 rewrites it)"


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
    """`manifest_of`, with a Secret's wholly secret `stringData` (pulumi_kubernetes marks it
    secret as a whole, so the engine sees no keys) replaced by a same-shaped stand-in."""
    manifest = manifest_of(resource)
    if manifest["kind"] == "Secret":
        assert manifest["stringData"] == "placeholder", "Secret data must be a Pulumi secret"
        manifest["stringData"] = {"redacted": "placeholder"}
    return manifest


def validate_cr(obj: dict[str, Any]) -> None:
    """`helpers.validate_custom_resource`, except that Go-style inline flags in CRD patterns
    (`^(?i)(abort|warn)?$` in the PrometheusRule CRD), which Python's `re` rejects, are moved
    to the front first. Everything else in the schema is checked as is."""
    import jsonschema

    from helpers import crd_schema
    from helpers.upstream import _jsonschema

    jsonschema.validate(
        dict(obj), _python_patterns(_jsonschema(crd_schema(obj["apiVersion"], obj["kind"])))
    )


def _python_patterns(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {k: _python_patterns(v) for k, v in schema.items()}
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and pattern.startswith("^(?i)"):
            out["pattern"] = "(?i)^" + pattern[len("^(?i)") :]
        return out
    if isinstance(schema, list):
        return [_python_patterns(v) for v in schema]
    return schema
