"""Read engine-shaped (camelCase) resource props without tripping on missing keys or unknowns.

Under `pulumi preview` CrossGuard wraps props so that reading a value unknown until deploy
raises `UnknownValueError`. These helpers return `UNKNOWN` instead, and `None` (or a given
default) for a missing key, so each rule decides what an unknown means for it.
https://www.pulumi.com/docs/iac/using-pulumi/crossguard/core-concepts/
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

try:  # pulumi-policy is needed to run the packs, not to read props in tests or tools.
    from pulumi_policy.proxy import UnknownValueError
except ImportError:  # pragma: no cover - exercised only without pulumi-policy installed

    class UnknownValueError(Exception):  # type: ignore[no-redef]
        """Stand-in: nothing raises it when pulumi-policy is absent."""


# The engine's wire sentinels for unknown values (pulumi_policy.proxy, sdk/go resource/plugin).
UNKNOWN_SENTINELS = frozenset(
    {
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
        "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
        "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string (also the SDK's rpc.UNKNOWN)
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
        "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
        "e48ece36-62e2-4504-bad9-02848725956a",  # archive
        "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
    }
)
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


class _Unknown:
    """A value the engine cannot know before deploy (a computed output)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and value in UNKNOWN_SENTINELS)


def _step(container: Any, key: str | int) -> Any:
    try:
        if isinstance(container, Mapping) or (
            isinstance(container, Sequence)
            and not isinstance(container, (str, bytes))
            and isinstance(key, int)
        ):
            value = container[key]
        else:
            return None
    except (KeyError, IndexError, TypeError):
        return None
    except UnknownValueError:
        return UNKNOWN
    return UNKNOWN if is_unknown(value) else value


def get(props: Any, path: str | Sequence[str | int], default: Any = None) -> Any:
    """`props` at `path` ("a.b.c" or a tuple of keys/indexes for keys that contain dots).

    Returns `UNKNOWN` when any step is unknown, `default` when a step is missing or null.
    """
    keys: Sequence[str | int] = path.split(".") if isinstance(path, str) else path
    current = props
    for key in keys:
        current = _step(current, key)
        if current is None:
            return default
        if current is UNKNOWN:
            return UNKNOWN
    return current


def items(mapping: Any) -> Iterator[tuple[str, Any]]:
    """(key, value) pairs of a props mapping; unknown values come back as `UNKNOWN`."""
    if not isinstance(mapping, Mapping):
        return
    for key in list(mapping):
        yield key, _step(mapping, key)


def elements(sequence: Any) -> list[Any]:
    """Elements of a props list (unknown elements as `UNKNOWN`); [] if it is not a list."""
    if is_unknown(sequence):
        return [UNKNOWN]
    if not isinstance(sequence, Sequence) or isinstance(sequence, (str, bytes)):
        return []
    return [_step(sequence, index) for index in range(len(sequence))]


def plain(value: Any) -> Any:
    """A plain-Python deep copy of a props value (proxies unwrapped, unknowns as `UNKNOWN`)."""
    if is_unknown(value):
        return UNKNOWN
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in items(value)}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [plain(item) for item in elements(value)]
    return value


def as_int(value: Any) -> int | None:
    """An integer prop (the engine sends every number as a float); None if absent/not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else None


def as_bool(value: Any, default: bool | None = None) -> bool | None:
    """A boolean prop; azure-native and some providers also accept "true"/"false" strings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def matches_any(value: str, patterns: Sequence[str]) -> bool:
    """Case-insensitive shell-style match (`g6e.*`, `Standard_NC*_A100_v4`)."""
    lowered = value.lower()
    return any(fnmatch.fnmatchcase(lowered, str(p).lower()) for p in patterns)


def describe(value: Any) -> str:
    """A value for a violation message (unknowns named as such)."""
    if is_unknown(value):
        return "unknown until deploy"
    return repr(value)
