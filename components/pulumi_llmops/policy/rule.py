"""`Rule`: one policy as plain data plus a pure check function, turned into CrossGuard objects.

The same `Rule` feeds a pack's `__main__.py` (under `pulumi preview --policy-pack`) and
`llmops check` (offline). `pulumi_policy` is imported only when a policy object is built;
nothing here constructs a `PolicyPack` (that call serves the engine and never returns).
https://www.pulumi.com/docs/iac/using-pulumi/crossguard/
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
SEVERITIES = ("low", "medium", "high", "critical")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

ResourceCheck = Callable[[Any, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[[Any, Mapping[str, Any]], Iterable[tuple[str | None, str]]]


@dataclass(frozen=True)
class Rule:
    """A policy: kebab-case `name`, one-sentence `description`, default `enforcement_level`,
    `remediation` text, and `config` (JSON Schema properties, each with a `default`).

    `check(args, config)` gets `ResourceValidationArgs` (kind "resource") and yields violation
    messages, or `StackValidationArgs` (kind "stack") and yields `(urn or None, message)`.
    `config` is the schema defaults overlaid with the policy's configured properties.
    """

    name: str
    description: str
    kind: Literal["resource", "stack"]
    check: Callable[..., Iterable[Any]]
    enforcement_level: str = "mandatory"
    severity: str = "high"
    remediation: str = ""
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    applies_to: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = []
        if not _NAME.match(self.name) or self.name == "all":
            problems.append(f"name {self.name!r} must be kebab-case and not 'all'")
        if not self.description.endswith(".") or self.description.count(". ") > 0:
            problems.append("description must be one sentence ending with '.'")
        if self.enforcement_level not in ENFORCEMENT_LEVELS:
            problems.append(f"enforcement_level must be one of {ENFORCEMENT_LEVELS}")
        if self.severity not in SEVERITIES:
            problems.append(f"severity must be one of {SEVERITIES}")
        if not self.remediation:
            problems.append("remediation text is required")
        for key, schema in self.config.items():
            if "default" not in schema or "description" not in schema:
                problems.append(f"config property {key!r} needs a default and a description")
        if problems:
            raise ValueError(f"rule {self.name!r}: " + "; ".join(problems))

    def defaults(self) -> dict[str, Any]:
        """The config every property takes when the config file does not set it."""
        return {key: copy.deepcopy(schema["default"]) for key, schema in self.config.items()}

    def effective_config(self, configured: Mapping[str, Any] | None) -> dict[str, Any]:
        """Schema defaults overlaid with `configured` (the engine applies defaults the same way)."""
        merged = self.defaults()
        merged.update({k: v for k, v in (configured or {}).items() if k != "enforcementLevel"})
        return merged

    def violations(self, args: Any, configured: Mapping[str, Any] | None = None) -> list[Any]:
        """Call the check directly: messages (resource) or (urn, message) pairs (stack)."""
        return list(self.check(args, self.effective_config(configured)))

    def to_policy(self) -> Any:
        """The `pulumi_policy` ResourceValidationPolicy / StackValidationPolicy for this rule."""
        from pulumi_policy import (
            EnforcementLevel,
            PolicyConfigSchema,
            ResourceValidationPolicy,
            Severity,
            StackValidationPolicy,
        )

        common: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "enforcement_level": EnforcementLevel(self.enforcement_level),
            "config_schema": (
                PolicyConfigSchema(properties=copy.deepcopy(dict(self.config)))
                if self.config
                else None
            ),
            "severity": Severity(self.severity),
            "remediation_steps": self.remediation,
        }
        if self.kind == "resource":
            return ResourceValidationPolicy(validate=self._validate_resource, **common)
        return StackValidationPolicy(validate=self._validate_stack, **common)

    def _validate_resource(self, args: Any, report_violation: Callable[..., None]) -> None:
        for message in self.check(args, self.effective_config(args.get_config())):
            report_violation(message)

    def _validate_stack(self, args: Any, report_violation: Callable[..., None]) -> None:
        for urn, message in self.check(args, self.effective_config(args.get_config())):
            report_violation(message, urn)


def build_policies(rules: Iterable[Rule]) -> list[Any]:
    """CrossGuard policy objects for `rules`, in order (what a pack's `__main__` passes on)."""
    return [rule.to_policy() for rule in rules]
