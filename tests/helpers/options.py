"""Resource options the offline recording does not keep (ignore_changes), captured in tests.

`offline.recording.RecordedResource` keeps protect, retain_on_delete, dependencies and
aliases; a regression test about `ignore_changes` (a create-only field that must never
replace a pool) needs the option as the engine received it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from pulumi_llmops.offline.engine import RecordingMonitor


@contextlib.contextmanager
def captured_ignore_changes() -> Iterator[dict[str, list[str]]]:
    """Within the block, every registration's `ignoreChanges`, keyed by resource name."""
    captured: dict[str, list[str]] = {}
    original = RecordingMonitor.RegisterResource

    def register(self: RecordingMonitor, request: Any) -> Any:
        captured[request.name] = sorted(request.ignoreChanges)
        return original(self, request)

    RecordingMonitor.RegisterResource = register  # type: ignore[method-assign]
    try:
        yield captured
    finally:
        RecordingMonitor.RegisterResource = original  # type: ignore[method-assign]
