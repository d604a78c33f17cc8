"""docs/api.md is generated from the components' and Args' docstrings and is current;
every public component is exported and listed by `dir(pulumi_llmops)`."""

from __future__ import annotations

from pathlib import Path

import pulumi_llmops
from pulumi_llmops.apidoc import ORDER, render

ROOT = Path(__file__).resolve().parents[2]


def test_api_page_is_current() -> None:
    assert (ROOT / "docs" / "api.md").read_text() == render(), (
        "docs/api.md is stale: run `make docs`"
    )


def test_every_public_component_is_exported_and_documented() -> None:
    names = dir(pulumi_llmops)
    for name in ORDER:
        assert name in names and f"{name}Args" in names
        assert f"## {name}\n" in render()
    assert {"VectorDatabase", "Observability", "PlatformNamespaces", "testing"} <= set(names)
