"""Read a `Pulumi.<stack>.yaml` into flat Pulumi config, the way the CLI would hand it over.

`secure:` values cannot be decrypted offline: they become a placeholder, are marked secret
and are never printed. The file's key positions are kept, so every problem found later
(schema, semantic, policy) can name the file and line of the offending key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.errors import ConfigError, Location, Problem
from ..config.platform import PlatformConfig
from ..config.source import YamlDocument, load_yaml

SECRET_PLACEHOLDER = "offline-plan-secret-placeholder"
PLATFORM_CONFIG_KEY = "llmops:platform"


@dataclass(frozen=True)
class StackFile:
    """Flat config (`namespace:key` -> string, objects JSON-encoded) and its secret keys.

    `objects` keeps each key's structured value as written (secrets as the placeholder);
    `document` the parsed file, for positions.
    """

    path: Path
    stack: str
    config: dict[str, str]
    secret_keys: tuple[str, ...]
    objects: Mapping[str, Any] = field(default_factory=dict)
    document: YamlDocument | None = None

    def locate(self, path: str, key: str = PLATFORM_CONFIG_KEY) -> Location | None:
        """File and line of the dotted `path` inside config key `key` (`llmops:platform`)."""
        if self.document is None:
            return None
        return self.document.locate(path, ("config", key))

    def secret(self, key: str) -> str | None:
        """The value of `llmops:<key>` as the program would read it (placeholder if secure)."""
        return self.config.get(f"llmops:{key}")


def stack_file_path(stacks_dir: Path, stack: str) -> Path:
    return stacks_dir / f"Pulumi.{stack}.yaml"


def available_stacks(stacks_dir: Path) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml"))


def read_stack_file(path: Path, stack: str | None = None) -> StackFile:
    """Load a stack config file; errors are `ConfigError`s naming the file, key and line."""
    source = str(path)
    if not path.is_file():
        raise ConfigError([Problem("", "stack config file not found", str(path))], source)
    document = load_yaml(path, source)
    data = document.data if document.data is not None else {}
    top = data.get("config", {}) if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(top, (dict, type(None))):
        raise ConfigError(
            [
                Problem(
                    "config",
                    "must be a mapping of config keys",
                    location=document.locate("config") if isinstance(data, dict) else None,
                )
            ],
            source,
        )
    config: dict[str, str] = {}
    objects: dict[str, Any] = {}
    secret_keys: list[str] = []
    problems: list[Problem] = []
    for key, value in sorted((top or {}).items()):
        where = document.locate(key, ("config",))
        if ":" not in key:
            problems.append(
                Problem(
                    f"config.{key}",
                    "config keys are namespaced: '<namespace>:<key>' (e.g. llmops:platform)",
                    key,
                    location=where,
                )
            )
            continue
        if _is_secure(value):
            config[key] = SECRET_PLACEHOLDER
            objects[key] = SECRET_PLACEHOLDER
            secret_keys.append(key)
        else:
            config[key] = _to_config_string(value)
            objects[key] = value
    if problems:
        raise ConfigError(problems, source)
    name = stack or path.name.removeprefix("Pulumi.").removesuffix(".yaml")
    return StackFile(
        path=path,
        stack=name,
        config=config,
        secret_keys=tuple(secret_keys),
        objects=objects,
        document=document,
    )


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _to_config_string(value: Any) -> str:
    """Pulumi hands structured values to programs as JSON, scalars as their string form."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def platform_config(stack_file: StackFile) -> PlatformConfig:
    """The stack's validated `llmops:platform`: one `ConfigError` naming every problem
    (top-level key, schema, semantic and missing secrets), each at its file and line."""
    from ..program import load_platform

    source = f"{PLATFORM_CONFIG_KEY} in {stack_file.path}"
    try:
        config, _ = load_platform(
            raw=stack_file.objects.get(PLATFORM_CONFIG_KEY),
            present=PLATFORM_CONFIG_KEY in stack_file.objects,
            is_secret=PLATFORM_CONFIG_KEY in stack_file.secret_keys,
            config_keys=list(stack_file.objects),
            get_secret=stack_file.secret,
            source=source,
        )
    except ConfigError as error:
        raise locate_problems(error, stack_file) from None
    return config


def locate_problems(error: ConfigError, stack_file: StackFile) -> ConfigError:
    """`error` with each problem's file and line in the stack file."""

    def locate(path: str) -> Location | None:
        if path.startswith("config."):
            return stack_file.document.locate(path, ()) if stack_file.document else None
        return stack_file.locate(path)

    return error.located(locate)
