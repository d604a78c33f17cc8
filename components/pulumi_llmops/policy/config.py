"""Policy pack config files (`pulumi preview --policy-pack-config FILE`), resolved like the
engine does: `{"all": "<level>", "<policy>": "<level>" | {"enforcementLevel": ..., <key>: ...}}`.

Per policy: level = its own `enforcementLevel`, else `all`, else the policy's default; config
= the schema defaults overlaid with the file's properties, validated against the schema.
Unlike the CLI, unknown policy names are errors here (a typo must not silently do nothing).
https://www.pulumi.com/docs/iac/using-pulumi/crossguard/configuration/
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config.errors import ConfigError, Problem
from .rule import ENFORCEMENT_LEVELS, Rule


@dataclass(frozen=True)
class PolicySettings:
    """What the engine hands one policy: its enforcement level and its config."""

    level: str
    config: dict[str, Any]


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse a pack config file; ConfigError naming the file when absent or not a JSON object."""
    if not path.is_file():
        raise ConfigError([Problem("", "policy config file not found", str(path))], str(path))
    try:
        document = json.loads(path.read_text())
    except ValueError as exc:
        raise ConfigError([Problem("", f"not valid JSON: {exc}")], str(path)) from None
    if not isinstance(document, dict):
        raise ConfigError([Problem("", "must be a JSON object keyed by policy name")], str(path))
    return document


def resolve(
    rules: Sequence[Rule], document: Mapping[str, Any] | None, source: str = "policy config"
) -> dict[str, PolicySettings]:
    """Settings per policy name for `rules` under the config `document` (None: defaults)."""
    document = dict(document or {})
    by_name = {rule.name: rule for rule in rules}
    problems: list[Problem] = []
    default_level = document.pop("all", None)
    if default_level is not None and default_level not in ENFORCEMENT_LEVELS:
        problems.append(
            Problem("all", f"must be one of {', '.join(ENFORCEMENT_LEVELS)}", default_level)
        )
        default_level = None
    for name in sorted(set(document) - set(by_name)):
        problems.append(
            Problem(
                name, f"no such policy in this pack; policies: {', '.join(sorted(by_name))}", name
            )
        )
    settings: dict[str, PolicySettings] = {}
    for rule in rules:
        entry = document.get(rule.name)
        level = default_level or rule.enforcement_level
        properties: dict[str, Any] = {}
        if isinstance(entry, str):
            level = entry
        elif isinstance(entry, Mapping):
            properties = {k: v for k, v in entry.items() if k != "enforcementLevel"}
            level = entry.get("enforcementLevel", level)
        elif entry is not None:
            problems.append(Problem(rule.name, "must be an enforcement level or an object", entry))
        if level not in ENFORCEMENT_LEVELS:
            problems.append(
                Problem(
                    f"{rule.name}.enforcementLevel",
                    f"must be one of {', '.join(ENFORCEMENT_LEVELS)}",
                    level,
                )
            )
            level = rule.enforcement_level
        for key, value in sorted(properties.items()):
            schema = rule.config.get(key)
            if schema is None:
                allowed = ", ".join(sorted(rule.config)) or "none"
                problems.append(
                    Problem(f"{rule.name}.{key}", f"unknown property; properties: {allowed}", value)
                )
                continue
            problems += [
                Problem(f"{rule.name}.{key}{p}", m, v) for p, m, v in schema_errors(schema, value)
            ]
        settings[rule.name] = PolicySettings(level, rule.effective_config(properties))
    if problems:
        raise ConfigError(problems, source)
    return settings


_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


def schema_errors(schema: Mapping[str, Any], value: Any, path: str = "") -> list[tuple]:
    """(path, message, value) for each way `value` breaks `schema`.

    The JSON Schema subset the rules use: type, items, properties, additionalProperties,
    minimum, minLength, enum.
    """
    expected = schema.get("type")
    if expected is not None:
        ok = isinstance(value, _TYPES[expected]) and not (
            expected in ("integer", "number") and isinstance(value, bool)
        )
        if expected == "integer" and isinstance(value, float) and value.is_integer():
            ok = True
        if not ok:
            return [(path, f"must be of type {expected}", value)]
    errors: list[tuple] = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append((path, f"must be one of {schema['enum']}", value))
    if "minimum" in schema and isinstance(value, (int, float)) and value < schema["minimum"]:
        errors.append((path, f"must be >= {schema['minimum']}", value))
    if "minLength" in schema and isinstance(value, str) and len(value) < schema["minLength"]:
        errors.append((path, f"must have at least {schema['minLength']} characters", value))
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(schema["items"], item, f"{path}[{index}]")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(properties[key], item, f"{path}.{key}")
            elif extra is False:
                errors.append(
                    (
                        f"{path}.{key}",
                        "unknown key; allowed: " + ", ".join(sorted(properties)),
                        item,
                    )
                )
            elif isinstance(extra, Mapping):
                errors += schema_errors(extra, item, f"{path}.{key}")
    return errors
