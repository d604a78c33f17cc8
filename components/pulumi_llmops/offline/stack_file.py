"""Read a `Pulumi.<stack>.yaml` into flat Pulumi config, the way the CLI would hand it over.

`secure:` values cannot be decrypted offline: they become a placeholder, are marked secret
and are never printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..config.errors import ConfigError, Problem
from ..config.platform import PlatformConfig, load_platform_config

SECRET_PLACEHOLDER = "offline-plan-secret-placeholder"


@dataclass(frozen=True)
class StackFile:
    """Flat config (`namespace:key` -> string, objects JSON-encoded) and its secret keys."""

    path: Path
    stack: str
    config: dict[str, str]
    secret_keys: tuple[str, ...]


def stack_file_path(stacks_dir: Path, stack: str) -> Path:
    return stacks_dir / f"Pulumi.{stack}.yaml"


def available_stacks(stacks_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml"))


def read_stack_file(path: Path, stack: str | None = None) -> StackFile:
    """Load a stack config file; errors are `ConfigError`s naming the file and the key."""
    source = str(path)
    if not path.is_file():
        raise ConfigError([Problem("", "stack config file not found", str(path))], source)
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError([Problem("", f"not valid YAML: {exc}")], source) from None
    if not isinstance(document, dict) or not isinstance(document.get("config", {}), dict):
        raise ConfigError([Problem("config", "must be a mapping of config keys")], source)
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in sorted((document.get("config") or {}).items()):
        if ":" not in key:
            raise ConfigError(
                [Problem(f"config.{key}", "config keys are namespaced: '<namespace>:<key>'", key)],
                source,
            )
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[key] = SECRET_PLACEHOLDER
            secret_keys.append(key)
        else:
            config[key] = _to_config_string(value)
    name = stack or path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    return StackFile(path=path, stack=name, config=config, secret_keys=tuple(secret_keys))


def _to_config_string(value: Any) -> str:
    """Pulumi hands structured values to programs as JSON, scalars as their string form."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def platform_config(stack_file: StackFile) -> PlatformConfig:
    """The stack's validated `llmops:platform` (a `ConfigError` naming the file otherwise)."""
    from ..program import CONFIG_NAMESPACE, PLATFORM_KEY

    raw = stack_file.config.get(f"{CONFIG_NAMESPACE}:{PLATFORM_KEY}")
    return load_platform_config(
        json.loads(raw) if raw is not None else None,
        source=f"{CONFIG_NAMESPACE}:{PLATFORM_KEY} in {stack_file.path}",
    )
