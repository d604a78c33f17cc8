"""What the mock engine saw: every registration with type, name, inputs, parent and provider."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any


class Secret:
    """Stands in for a secret input value: the value itself is never kept."""

    def __repr__(self) -> str:
        return "[secret]"


class Unknown:
    """Stands in for a value unknown until deploy (a computed output)."""

    def __repr__(self) -> str:
        return "[unknown]"


SECRET = Secret()
UNKNOWN = Unknown()


@dataclass(frozen=True)
class RecordedResource:
    """One registration. `inputs` use the engine's (camelCase) keys; secrets are `SECRET`."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str | None
    provider: str | None
    inputs: Mapping[str, Any]
    protect: bool = False
    retain_on_delete: bool = False
    dependencies: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")


@dataclass
class Recording:
    """All registrations of one program run, in registration order, plus stack outputs."""

    resources: list[RecordedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def __iter__(self) -> Iterator[RecordedResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def by_urn(self) -> dict[str, RecordedResource]:
        return {r.urn: r for r in self.resources}

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> RecordedResource:
        """The single resource called `name` (KeyError when absent, ValueError when ambiguous)."""
        found = [r for r in self.resources if r.name == name]
        if not found:
            raise KeyError(f"no resource named {name!r}; names: {sorted(self.names())}")
        if len(found) > 1:
            raise ValueError(f"{len(found)} resources named {name!r}")
        return found[0]

    def names(self) -> list[str]:
        return [r.name for r in self.resources]

    def urns(self) -> list[str]:
        """Sorted URNs: the shape a snapshot should pin."""
        return sorted(r.urn for r in self.resources)

    def children_of(self, urn: str) -> list[RecordedResource]:
        return sorted((r for r in self.resources if r.parent == urn), key=lambda r: r.urn)

    def type_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(r.type for r in self.resources).items()))
