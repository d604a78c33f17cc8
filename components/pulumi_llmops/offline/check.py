"""`llmops check`: the stack program run offline, every resource fed to every policy pack.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.errors import ConfigError, Problem
from ..policy import PACKS
from ..policy.config import PolicySettings, read_config_file, resolve
from ..policy.props import UNKNOWN_STRING
from .recording import RecordedResource, Recording, Secret, Unknown
from .stack_file import StackFile

SECRET_VALUE = "[secret]"
CAVEATS = (
    "Offline policy check on Pulumi's mock engine: no cloud account, no Pulumi CLI.",
    "Policies see the program's inputs (as under `pulumi preview`), not provider defaults or "
    "cloud look-ups; Helm charts are not rendered, so only their values are checked.",
    "Secret config values cannot be decrypted offline: policies see the placeholder "
    f"{SECRET_VALUE!r}.",
)
DEFAULT_PROVIDER_PACKAGES = ("aws", "gcp", "azure-native", "kubernetes")


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
                )
            },
        }


@dataclass
class CheckResult:
    stack: str
    source: str
    environment: str
    config_sources: dict[str, str]
    resource_count: int
    policy_count: int
    violations: list[Violation] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "mandatory"]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "advisory"]

    @property
    def exit_code(self) -> int:
        return 1 if self.mandatory else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "source": self.source,
            "environment": self.environment,
            "offline": True,
            "caveats": list(CAVEATS),
            "policy_config": self.config_sources,
            "resource_count": self.resource_count,
            "policy_count": self.policy_count,
            "mandatory": len(self.mandatory),
            "advisory": len(self.advisory),
            "violations": [v.to_dict() for v in self.violations],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


def policy_config_documents(
    environment: str, policy_configs: Sequence[Path] = (), policies_dir: Path = Path("policies")
) -> tuple[dict[str, dict[str, Any] | None], dict[str, str]]:
    """Config document per pack and where it came from.

    Default: `policies/config/<environment>/<pack>.json`. Each `--policy-config` value is a
    directory holding `<pack>.json` files or a single `<pack>.json` file. A pack without a
    file runs with its defaults.
    """
    files: dict[str, Path] = {}
    if not policy_configs:
        default_dir = policies_dir / "config" / environment
        if not default_dir.is_dir():
            raise ConfigError(
                [
                    Problem(
                        "--policy-config",
                        f"no policy config for environment {environment!r}: "
                        f"{default_dir} does not exist; add it or pass --policy-config",
                        str(default_dir),
                    )
                ],
                "command line",
            )
        policy_configs = (default_dir,)
    for path in policy_configs:
        if path.is_dir():
            for pack in PACKS:
                if (path / f"{pack}.json").is_file():
                    files[pack] = path / f"{pack}.json"
        elif path.stem in PACKS:
            files[path.stem] = path
        else:
            raise ConfigError(
                [
                    Problem(
                        "--policy-config",
                        "must be a directory of <pack>.json files or a file named "
                        f"after a pack ({', '.join(p + '.json' for p in PACKS)})",
                        str(path),
                    )
                ],
                "command line",
            )
    documents = {pack: (read_config_file(files[pack]) if pack in files else None) for pack in PACKS}
    sources = {pack: str(files[pack]) if pack in files else "defaults" for pack in PACKS}
    return documents, sources


def check_stack(
    stack_file: StackFile,
    policy_configs: Sequence[Path] = (),
    policies_dir: Path = Path("policies"),
) -> CheckResult:
    """Validate config, run the stack program offline and evaluate every pack's policies.

    Raises `ConfigError` (stack config or policy config) before anything is evaluated.
    """
    from .. import program
    from ..config.platform import load_platform_config
    from .engine import run_program

    raw = stack_file.config.get(f"{program.CONFIG_NAMESPACE}:{program.PLATFORM_KEY}")
    config = load_platform_config(
        json.loads(raw) if raw is not None else None,
        source=f"{program.CONFIG_NAMESPACE}:{program.PLATFORM_KEY} in {stack_file.path}",
    )
    documents, sources = policy_config_documents(config.environment, policy_configs, policies_dir)
    settings = {pack: resolve(PACKS[pack], documents[pack], sources[pack]) for pack in PACKS}
    recording, _ = run_program(
        program.main,
        config=stack_file.config,
        secret_keys=stack_file.secret_keys,
        stack=stack_file.stack,
    )
    violations = evaluate(
        recording, settings, stack_file.config, stack_file.secret_keys, stack=stack_file.stack
    )
    return CheckResult(
        stack=stack_file.stack,
        source=str(stack_file.path),
        environment=config.environment,
        config_sources=sources,
        resource_count=len(recording),
        policy_count=sum(
            1 for pack in settings.values() for s in pack.values() if s.level != "disabled"
        ),
        violations=violations,
    )


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
                        )
                    )
    return violations


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
