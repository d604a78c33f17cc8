"""Build engine-shaped policy arguments and evaluate one rule both ways (direct and through
the real `pulumi_policy` object); the platform context fixture sets stack config."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pulumi
import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)

from pulumi_llmops.offline.analyzer import policy_props
from pulumi_llmops.policy.rule import Rule

URN = "urn:pulumi:test::llmops::{type}::{name}"


def _opts() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def provider(type_: str, props: Mapping[str, Any]) -> PolicyProviderResource:
    return PolicyProviderResource(type_, policy_props(props), URN.format(type=type_, name="p"), "p")


def resource(
    type_: str,
    props: Mapping[str, Any],
    name: str = "r",
    provider_: PolicyProviderResource | None = None,
    config: Mapping[str, Any] | None = None,
) -> ResourceValidationArgs:
    """ResourceValidationArgs as the engine builds them (props deserialized and wrapped in
    CrossGuard's unknown-checking proxy; `UNKNOWN` from the recording marks unknowns)."""
    return ResourceValidationArgs(
        type_,
        policy_props(props),
        URN.format(type=type_, name=name),
        name,
        _opts(),
        provider_,
        config,
    )


def stack_resource(
    type_: str,
    props: Mapping[str, Any],
    name: str = "r",
    provider_: PolicyProviderResource | None = None,
) -> PolicyResource:
    return PolicyResource(
        type_,
        policy_props(props),
        URN.format(type=type_, name=name),
        name,
        _opts(),
        provider_,
        None,
        [],
        {},
    )


def verdict(rule: Rule, args: Any, config: Mapping[str, Any] | None = None) -> list[Any]:
    """Violations of `rule` on `args`: the direct call and the pulumi_policy object agree."""
    direct = rule.violations(args, config)
    effective = rule.effective_config(config)
    reported: list[Any] = []
    policy = rule.to_policy()
    if rule.kind == "resource":
        scoped = ResourceValidationArgs(
            args.resource_type, args.props, args.urn, args.name, args.opts, args.provider, effective
        )
        policy.validate(scoped, lambda message, urn=None: reported.append(message))
    else:
        scoped = StackValidationArgs(args.resources, effective)
        policy.validate(scoped, lambda message, urn=None: reported.append((urn, message)))
    assert reported == direct
    return direct


@pytest.fixture
def platform_config() -> Iterator[Any]:
    """Set `llmops:platform` stack config for rules that read it (on-prem site, catalogue)."""

    def set_platform(platform: Mapping[str, Any]) -> None:
        pulumi.runtime.set_all_config({"llmops:platform": json.dumps(platform)}, [])

    yield set_platform
    pulumi.runtime.set_all_config({}, [])


@pytest.fixture
def pol() -> Any:
    """The helpers above, for test modules (conftest functions are not importable)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        resource=resource,
        provider=provider,
        stack_resource=stack_resource,
        verdict=verdict,
        StackValidationArgs=StackValidationArgs,
    )
