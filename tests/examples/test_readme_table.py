"""examples/README.md's table is generated from the example runs (`make docs` rewrites it)."""

from __future__ import annotations

from .readme_table import README, committed, render


def test_readme_table_is_current() -> None:
    assert committed(README.read_text()) == render(), "examples/README.md is stale: run `make docs`"
