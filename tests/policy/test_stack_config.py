"""Stack config reaches the rules inside a policy pack under the Pulumi CLI.

The CLI sends it in the analyzer's `ConfigureStack` request; pulumi-policy 1.21.0 keeps only
the tags (found by the real-engine tier, e2e/platform: the on-prem site rule never fired under
`pulumi preview --policy-pack`). Here the real `pulumi_policy` servicer handles a real request
on one thread and a rule reads the config on another, as the analyzer's gRPC workers do.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pulumi
import pulumi.runtime.config as runtime_config
import pytest
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import policy as pulumi_policy_server

from pulumi_llmops.policy import pack_policies
from pulumi_llmops.policy.context import onprem_site
from pulumi_llmops.policy.stack_config import receive_stack_config

PLATFORM = {"target": "onprem", "region": "sin-dc9", "environment": "dev"}
CONFIG = {"llmops:platform": json.dumps(PLATFORM), "llmops:kubeconfig": "apiVersion: v1"}


def _in_fresh_thread(fn: Callable[[], Any]) -> Any:
    """fn() on a new thread: a new context, like each gRPC worker of the analyzer."""
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", fn()))
    thread.start()
    thread.join()
    return result["value"]


@pytest.fixture
def shared_config() -> Iterator[None]:
    """Remove what the handler put into the config map all fresh threads share."""
    yield
    shared = _in_fresh_thread(runtime_config.CONFIG.get)
    for key in CONFIG:
        shared.pop(key, None)


def _configure() -> Any:
    servicer = object.__new__(pulumi_policy_server._PolicyAnalyzerServicer)
    request = analyzer_pb2.AnalyzerStackConfigureRequest(
        stack="dev-onprem",
        project="llmops",
        config=CONFIG,
        config_secret_keys=["llmops:kubeconfig"],
        tags={"team": "ml-platform"},
    )
    return pulumi_policy_server._PolicyAnalyzerServicer.ConfigureStack(servicer, request, None)


def test_configure_stack_sets_the_config_rules_read(shared_config: None) -> None:
    assert _in_fresh_thread(onprem_site) is None  # nothing configured yet
    receive_stack_config()
    receive_stack_config()  # idempotent: wraps once
    response = _in_fresh_thread(_configure)
    assert isinstance(response, analyzer_pb2.AnalyzerStackConfigureResponse)
    assert _in_fresh_thread(onprem_site) == "sin-dc9"
    platform = _in_fresh_thread(lambda: pulumi.Config("llmops").require("platform"))
    assert json.loads(platform) == PLATFORM


def test_pack_policies_installs_it() -> None:
    pack_policies("data-residency")
    handler = pulumi_policy_server._PolicyAnalyzerServicer.ConfigureStack
    assert getattr(handler, "_llmops_receives_stack_config", False)
