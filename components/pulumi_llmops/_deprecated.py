"""Old import paths kept for one release after a move (see CHANGELOG 0.2.0).

A module that lost names installs `moved_names(...)` as its module `__getattr__`: reading an
old name still works, with a `DeprecationWarning` naming the new import path.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

REMOVED_IN = "0.3.0"


def moved_names(old_module: str, new_homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` serving `name` from `new_homes[name]` (a module path)."""

    def __getattr__(name: str) -> Any:
        home = new_homes.get(name)
        if home is None:
            raise AttributeError(f"module {old_module!r} has no attribute {name!r}")
        warnings.warn(
            f"{old_module}.{name} moved to {home}.{name}; import it from there "
            f"(the old path goes in {REMOVED_IN})",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(home), name)

    return __getattr__


def moved_module(old_module: str, new_module: str) -> None:
    """Warn that the whole module `old_module` now lives at `new_module`."""
    warnings.warn(
        f"{old_module} moved to {new_module}; import from there "
        f"(the old path goes in {REMOVED_IN})",
        DeprecationWarning,
        stacklevel=3,
    )
