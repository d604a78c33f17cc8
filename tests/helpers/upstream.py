"""Upstream chart defaults and CRDs (../shared/upstream) for conformance tests.

The folder is not part of the project: tests that need it skip with a reason when it is
absent (a user's machine) and run in CI, where it is present.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

UPSTREAM = Path(__file__).resolve().parents[2].parent / "shared" / "upstream"


def require_upstream() -> Path:
    if not UPSTREAM.is_dir():
        pytest.skip(f"upstream chart data not present at {UPSTREAM} (present in CI)")
    return UPSTREAM


@functools.cache
def chart_defaults(chart: str, version: str) -> dict[str, Any]:
    """The pinned chart's default values.yaml."""
    path = require_upstream() / "charts" / chart / version / "values.yaml"
    return yaml.safe_load(path.read_text()) or {}


def unknown_values_keys(values: Mapping[str, Any], defaults: Mapping[str, Any]) -> list[str]:
    """Dotted paths of keys set in `values` that the chart's defaults do not have.

    Keys below an empty map or list in the defaults (nodeSelector: {}, extraArgs: []) are
    free-form and accepted; a typo anywhere else is reported.
    """
    return sorted(_unknown(values, defaults, ""))


def _unknown(values: Mapping[str, Any], defaults: Any, prefix: str) -> Iterator[str]:
    for key, value in values.items():
        path = f"{prefix}{key}"
        if not isinstance(defaults, Mapping) or key not in defaults:
            yield path
            continue
        default = defaults[key]
        if isinstance(value, Mapping) and isinstance(default, Mapping) and default:
            yield from _unknown(value, default, path + ".")


@functools.cache
def _crds() -> dict[tuple[str, str, str], dict[str, Any]]:
    """(group, kind, version) -> openAPIV3Schema of every upstream CRD file."""
    schemas = {}
    for path in sorted((require_upstream() / "crds").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            for version in spec["versions"]:
                schema = (version.get("schema") or {}).get("openAPIV3Schema")
                if schema:
                    schemas[(spec["group"], spec["names"]["kind"], version["name"])] = schema
    return schemas


def crd_schema(api_version: str, kind: str) -> dict[str, Any]:
    group, version = api_version.split("/")
    try:
        return _crds()[(group, kind, version)]
    except KeyError:
        raise AssertionError(f"no upstream CRD for {api_version} {kind}") from None


def validate_custom_resource(obj: Mapping[str, Any]) -> None:
    """Validate a custom resource against its upstream CRD's openAPIV3Schema (jsonschema)."""
    import jsonschema

    schema = crd_schema(obj["apiVersion"], obj["kind"])
    jsonschema.validate(dict(obj), _jsonschema(schema))


def _jsonschema(schema: Any) -> Any:
    """Drop Kubernetes extensions jsonschema does not know; keep structure, types, patterns."""
    if isinstance(schema, dict):
        out = {k: _jsonschema(v) for k, v in schema.items() if not k.startswith("x-kubernetes")}
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and pattern.startswith("^(?i)"):
            # Go's RE2 accepts an inline flag after `^`; Python's `re` wants it first.
            out["pattern"] = "(?i)^" + pattern[len("^(?i)") :]
        if schema.get("x-kubernetes-int-or-string"):
            out.pop("type", None)
            out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        if schema.get("x-kubernetes-preserve-unknown-fields") and "type" not in schema:
            out = {}
        return out
    if isinstance(schema, list):
        return [_jsonschema(v) for v in schema]
    return schema
