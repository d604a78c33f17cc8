"""Read a YAML file the way a stack config needs it: values, plus where each key is.

`load_yaml(path)` returns a `YamlDocument`: the data (mapping keys as strings, timestamps
as the text written, as the Pulumi CLI hands them over) and the composed node tree, so a
problem's dotted path (`node_pools.l4.max_nodes`) can be turned into the file and line of
the offending key (`YamlDocument.locate`). Every failure (missing file, bytes that are not
UTF-8, YAML syntax, recursive aliases, duplicate keys) is a `ConfigError` naming the file
and, where the parser knows it, the line.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, Location, Problem


class _Loader(yaml.SafeLoader):
    """Safe YAML, but a timestamp stays the text written (`price_date: 2026-09-01`)."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: `data`, its `root` node (positions) and the file `name`."""

    name: str
    data: Any
    root: yaml.Node | None

    def node_at(self, parts: Sequence[str | int]) -> tuple[yaml.Node | None, Location | None]:
        """(node, location of its key) at exact `parts`; (None, deepest location) if absent."""
        node, found = self.root, self._location(self.root)
        for part in parts:
            child = _child(node, part)
            if child is None:
                return None, found
            key_node, node = child
            found = self._location(key_node)
        return node, found

    def locate(self, path: str, prefix: Sequence[str | int] = ()) -> Location | None:
        """Location of the dotted `path` (relative to `prefix`): the offending key's line, or
        the deepest key of the path that exists (a missing key points at its parent)."""
        node, found = self.node_at(prefix)
        segments = [s for s in path.split(".") if s] if path else []
        while node is not None and segments:
            step = _match(node, segments)
            if step is None:
                break
            used, key_node, node = step
            found = self._location(key_node)
            segments = segments[used:]
        return found

    def _location(self, node: yaml.Node | None) -> Location | None:
        if node is None:
            return None
        return Location(self.name, node.start_mark.line + 1, node.start_mark.column + 1)


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        found = None
        for key, value in node.value:
            if _key_text(key) == str(part):
                found = (key, value)  # the last one wins, as in the loaded data
        return found
    if isinstance(node, yaml.SequenceNode):
        index = part if isinstance(part, int) else int(part) if str(part).isdigit() else None
        if index is not None and 0 <= index < len(node.value):
            item = node.value[index]
            return item, item
    return None


def _match(node: yaml.Node, segments: list[str]) -> tuple[int, yaml.Node, yaml.Node] | None:
    """The longest run of segments naming a key of `node` (keys may contain dots)."""
    for used in range(len(segments), 0, -1):
        child = _child(node, ".".join(segments[:used]))
        if child is not None:
            return used, child[0], child[1]
    return None


def _key_text(node: yaml.Node) -> str:
    return key_text(node.value) if isinstance(node, yaml.ScalarNode) else "<complex key>"


def key_text(value: Any) -> str:
    """A mapping key as Pulumi sees it: a string (YAML `1:` and `true:` become "1", "true")."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def load_yaml(path: Path, name: str | None = None) -> YamlDocument:
    """Parse the YAML file at `path`; a `ConfigError` naming the file (and line) otherwise."""
    name = name or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([Problem("", "file not found", name)], name) from None
    except OSError as exc:
        raise ConfigError([Problem("", f"cannot be read: {exc.strerror}", name)], name) from None
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes | str, name: str) -> YamlDocument:
    """Parse YAML text (bytes must be UTF-8); errors are `ConfigError`s naming `name`."""
    text = raw if isinstance(raw, str) else _decode(raw, name)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ConfigError(
            [
                Problem(
                    "",
                    f"not valid YAML: character #x{exc.character:04x} is not allowed "
                    "(control characters cannot appear in YAML)",
                    location=Location(name, line),
                )
            ],
            name,
        ) from None
    loader.name = name
    problems: list[Problem] = []
    try:
        root = loader.get_single_node()
        _duplicate_keys(root, name, (), problems, set())
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        location = Location(name, mark.line + 1, mark.column + 1) if mark else None
        raise ConfigError(
            [Problem("", f"not valid YAML: {what}", location=location)], name
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem("", f"not valid YAML: {exc}")], name) from None
    finally:
        loader.dispose()
    document = YamlDocument(name, None, root)
    data = _plain(data, (), document, problems, set())
    if problems:
        raise ConfigError(problems, name)
    return YamlDocument(name, data, root)


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            [
                Problem(
                    "",
                    f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start} "
                    "cannot be decoded; save the file as UTF-8",
                    location=Location(name, line),
                )
            ],
            name,
        ) from None


def _plain(
    value: Any,
    parts: tuple[str | int, ...],
    document: YamlDocument,
    problems: list[Problem],
    active: set[int],
) -> Any:
    """JSON-shaped data: string keys, no recursion, dates as text; duplicates reported."""
    if isinstance(value, (dict, list)):
        if id(value) in active:
            problems.append(
                Problem(
                    ".".join(map(str, parts)),
                    "a YAML alias refers to the mapping or list that contains it (recursive "
                    "data cannot be config)",
                    location=document.locate(".".join(map(str, parts))),
                )
            )
            return None
        active = active | {id(value)}
    if isinstance(value, dict):
        plain: dict[str, Any] = {}
        for key, item in value.items():
            text = key_text(key)
            plain[text] = _plain(item, (*parts, text), document, problems, active)
        return plain
    if isinstance(value, list):
        return [
            _plain(item, (*parts, index), document, problems, active)
            for index, item in enumerate(value)
        ]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _duplicate_keys(
    node: yaml.Node | None,
    name: str,
    parts: tuple[str | int, ...],
    problems: list[Problem],
    seen: set[int],
) -> None:
    """A key written twice in one mapping (before merge keys are applied: `<<` may be
    overridden on purpose)."""
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _duplicate_keys(item, name, (*parts, index), problems, seen)
        return
    if not isinstance(node, yaml.MappingNode):
        return
    first: dict[str, int] = {}
    for key, value in node.value:
        text = _key_text(key)
        line = key.start_mark.line + 1
        if text in first and text != "<<":
            problems.append(
                Problem(
                    ".".join(map(str, (*parts, text))),
                    f"duplicate key (first at line {first[text]}); YAML would keep only the "
                    "last one: remove one",
                    location=Location(name, line, key.start_mark.column + 1),
                )
            )
        first.setdefault(text, line)
        _duplicate_keys(value, name, (*parts, text), problems, seen)
