"""Skip the tier with the reason when it cannot run; under CI=true fail instead.

A CI run must never pass by skipping: without the engine (no Go, `make engine` not run), the
tier's venv or the library's venv, `require_tier()` fails the test under CI=true.
"""

from __future__ import annotations

import os

import pytest

NEEDS = "the real-engine tier"


def unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{NEEDS} cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def require_tier():
    """(Engine, library python) or skip/fail with the reason (the engine's first: without Go
    nothing else matters)."""
    from .engine import find_engine
    from .library import library_python

    engine, why = find_engine()
    if engine is None:
        unavailable(why)
    try:
        import cryptography  # noqa: F401
        import kubernetes  # noqa: F401
        import yaml  # noqa: F401
    except ImportError as e:
        unavailable(f"{e.name} is not importable: run under the tier's venv (`make e2e`)")
    python, why = library_python()
    if python is None:
        unavailable(why)
    return engine, python
