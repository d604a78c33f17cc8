"""Shared fixtures. The mock engine is installed for every test (autouse): a
`@pulumi.runtime.test` function run without mocks would pass silently, checking nothing."""

from __future__ import annotations

import pulumi
import pytest

from pulumi_llmops.offline.engine import LlmOpsMocks, RecordingMonitor


@pytest.fixture(autouse=True)
def mock_engine() -> RecordingMonitor:
    monitor = RecordingMonitor(LlmOpsMocks())
    pulumi.runtime.set_mocks(monitor.mocks, project="llmops", stack="test", monitor=monitor)
    return monitor
