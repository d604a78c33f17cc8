"""A CrossGuard analyzer over a recording: engine-shaped policy inputs and rule evaluation.

The rules run through the real `pulumi_policy` classes: `ResourceValidationArgs` /
`StackValidationArgs` are built from the mock engine's recording (engine-shaped camelCase
props wrapped in CrossGuard's unknown-checking proxy, provider props, parents and
dependencies) and `policy.validate(args, report)` is called, with config resolved the way the
engine resolves `--policy-pack-config`. Default providers, which the engine registers from
stack config (`aws:region`...), are synthesized the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..policy import PACKS
from ..policy.config import PolicySettings
from ..policy.props import UNKNOWN_STRING
from ..targets import TARGETS
from .recording import RecordedResource, Recording, Secret, Unknown

SECRET_VALUE = "[secret]"
DEFAULT_PROVIDER_PACKAGES = (
    *(t.provider_package for t in TARGETS.values() if t.provider_package),
    "kubernetes",
)
"""Packages whose default provider the engine registers from `<package>:<key>` config."""


@dataclass(frozen=True)
class Violation:
    """One reported violation, as the engine would report it."""

    pack: str
    policy: str
    level: str  # mandatory | advisory
    severity: str
    urn: str | None
    resource_type: str | None
    resource_name: str | None
    message: str
    description: str
    remediation: str
    stack_key: str | None = None
    fix: str | None = None

    @property
    def rule_id(self) -> str:
        return f"{self.pack}/{self.policy}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            **{
                k: getattr(self, k)
                for k in (
                    "pack",
                    "policy",
                    "level",
                    "severity",
                    "urn",
                    "resource_type",
                    "resource_name",
                    "message",
                    "description",
                    "remediation",
                    "stack_key",
                    "fix",
                )
            },
        }


# --- engine-shaped inputs ----------------------------------------------------------------


def wire_props(value: Any) -> Any:
    """Recorded inputs as the engine sends them: unknowns as the wire sentinel, secrets
    unwrapped (offline: a placeholder), everything else as recorded."""
    if isinstance(value, Unknown):
        return UNKNOWN_STRING
    if isinstance(value, Secret):
        return SECRET_VALUE
    if isinstance(value, Mapping):
        return {str(k): wire_props(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [wire_props(v) for v in value]
    return value


def policy_props(inputs: Mapping[str, Any]) -> Any:
    """Props exactly as CrossGuard hands them to a rule (deserialized, unknown-checking)."""
    from pulumi_policy.deserialize import deserialize_properties
    from pulumi_policy.proxy import unknown_checking_proxy

    return unknown_checking_proxy(deserialize_properties(wire_props(inputs)))


def default_providers(
    recording: Recording, config: Mapping[str, str], stack: str, project: str = "llmops"
) -> list[RecordedResource]:
    """The default provider resources the engine would register for resources without an
    explicit provider, with inputs from the stack's `<package>:<key>` config."""
    needed = sorted(
        {
            r.type.split(":", 1)[0]
            for r in recording
            if r.custom
            and not r.is_provider
            and r.provider is None
            and r.type.split(":", 1)[0] in DEFAULT_PROVIDER_PACKAGES
        }
    )
    providers = []
    for package in needed:
        inputs = {}
        for key, value in sorted(config.items()):
            namespace, _, name = key.partition(":")
            if namespace == package:
                inputs[name] = _config_value(value)
        providers.append(
            RecordedResource(
                urn=default_provider_urn(package, stack, project),
                type=f"pulumi:providers:{package}",
                name="default",
                custom=True,
                parent=None,
                provider=None,
                inputs=inputs,
            )
        )
    return providers


def default_provider_urn(package: str, stack: str, project: str = "llmops") -> str:
    return f"urn:pulumi:{stack}::{project}::pulumi:providers:{package}::default"


def _config_value(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def engine_view(
    recording: Recording, config: Mapping[str, str], stack: str, project: str = "llmops"
) -> tuple[list[Any], list[Any]]:
    """(ResourceValidationArgs per resource, PolicyResources of the stack), engine-shaped."""
    from pulumi_policy import (
        PolicyCustomTimeouts,
        PolicyProviderResource,
        PolicyResource,
        PolicyResourceOptions,
        ResourceValidationArgs,
    )

    resources = [*default_providers(recording, config, stack, project), *recording.resources]
    by_urn = {r.urn: r for r in resources}
    props = {r.urn: policy_props(r.inputs) for r in resources}

    def provider_of(r: RecordedResource) -> Any:
        urn = r.provider
        if urn is None and r.custom and not r.is_provider:
            package = r.type.split(":", 1)[0]
            if package in DEFAULT_PROVIDER_PACKAGES:
                urn = default_provider_urn(package, stack, project)
        found = by_urn.get(urn) if urn else None
        if found is None:
            return None
        return PolicyProviderResource(found.type, props[found.urn], found.urn, found.name)

    def options(r: RecordedResource) -> Any:
        return PolicyResourceOptions(
            r.protect, [], None, list(r.aliases), PolicyCustomTimeouts(0, 0, 0), [], r.parent
        )

    resource_args = [
        ResourceValidationArgs(r.type, props[r.urn], r.urn, r.name, options(r), provider_of(r))
        for r in resources
    ]
    stack_resources = {
        r.urn: PolicyResource(
            r.type, props[r.urn], r.urn, r.name, options(r), provider_of(r), None, [], {}
        )
        for r in resources
    }
    for r in resources:
        node = stack_resources[r.urn]
        node.parent = stack_resources.get(r.parent) if r.parent else None
        node.dependencies = [stack_resources[d] for d in r.dependencies if d in stack_resources]
    return resource_args, list(stack_resources.values())


# --- evaluation ----------------------------------------------------------------------------


def evaluate(
    recording: Recording,
    settings: Mapping[str, Mapping[str, PolicySettings]],
    config: Mapping[str, str],
    secret_keys: Sequence[str] = (),
    stack: str = "offline",
    project: str = "llmops",
) -> list[Violation]:
    """Run every enabled policy of every pack over the recording, like the engine would."""
    import pulumi
    from pulumi_policy import StackValidationArgs

    # Policies read the stack config (the on-prem site) like a real analyzer does.
    pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    resource_args, stack_resources = engine_view(recording, config, stack, project)
    names = {args.urn: (args.resource_type, args.name) for args in resource_args}
    inputs = {
        r.urn: r.inputs
        for r in [*default_providers(recording, config, stack, project), *recording.resources]
    }
    violations: list[Violation] = []
    for pack, rules in PACKS.items():
        for rule in rules:
            setting = settings[pack][rule.name]
            if setting.level == "disabled":
                continue
            # REMEDIATE reports as MANDATORY (the engine "downgrades" it the same way).
            level = "mandatory" if setting.level == "remediate" else setting.level
            policy = rule.to_policy()
            targets = (
                [(_with_config(args, setting.config), args.urn) for args in resource_args]
                if rule.kind == "resource"
                else [(StackValidationArgs(stack_resources, setting.config), None)]
            )
            for args, urn in targets:
                for where, message, at_level in _validate(policy, args, urn, level):
                    type_, name = names.get(where or "", (None, None))
                    fix = _stack_fix(rule.name, type_, inputs.get(where or ""), config)
                    violations.append(
                        Violation(
                            pack,
                            rule.name,
                            at_level,
                            rule.severity,
                            where,
                            type_,
                            name,
                            message,
                            rule.description,
                            rule.remediation,
                            fix.key if fix else None,
                            fix.render() if fix else None,
                        )
                    )
    return violations


def _stack_fix(
    rule: str, resource_type: str | None, inputs: Mapping[str, Any] | None, config: Mapping
) -> Any:
    """The stack-config fix of a violation on a resource the program registered."""
    from ..policy.stack_fixes import CLOUD_OF_PACKAGE, stack_fix, unpriced_fix

    if resource_type is None or inputs is None:
        return None
    props = wire_props(inputs)
    if rule == "monthly-gpu-budget":
        from ..policy.pools import pools_of

        cloud = CLOUD_OF_PACKAGE.get(resource_type.split(":", 1)[0])
        args = _Args(resource_type, props)
        types = [m for pool in pools_of(args) for m in pool.machine_types if isinstance(m, str)]
        region = _platform_region(config)
        return unpriced_fix(cloud, types[0], region) if cloud and types else None
    platform = _config_value(config.get("llmops:platform", "") or "")
    return stack_fix(rule, resource_type, props, platform if isinstance(platform, dict) else {})


@dataclass(frozen=True)
class _Args:
    resource_type: str
    props: Any
    name: str = ""
    urn: str = ""


def _platform_region(config: Mapping[str, str]) -> str | None:
    raw = _config_value(config.get("llmops:platform", "") or "")
    region = raw.get("region") if isinstance(raw, dict) else None
    return region if isinstance(region, str) else None


def _validate(
    policy: Any, args: Any, urn: str | None, level: str
) -> list[tuple[str | None, str, str]]:
    """(urn, message, level) reported by one `policy.validate` call, handled like the engine:
    reading an unknown value ends the policy with an advisory "can't run during preview"."""
    from pulumi_policy.policy import _NotApplicableError
    from pulumi_policy.proxy import UnknownValueError

    reported: list[tuple[str | None, str, str]] = []

    def report(message: str, at: str | None = None) -> None:
        reported.append((at or urn, message, level))

    try:
        policy.validate(args, report)
    except UnknownValueError as exc:
        reported.append(
            (urn, f"can't run policy '{policy.name}' during preview: {exc.message}", "advisory")
        )
    except _NotApplicableError:
        pass
    return reported


def _with_config(args: Any, config: Mapping[str, Any]) -> Any:
    from pulumi_policy import ResourceValidationArgs

    return ResourceValidationArgs(
        args.resource_type, args.props, args.urn, args.name, args.opts, args.provider, config
    )
