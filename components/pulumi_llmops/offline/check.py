"""`llmops check`: the stack program run offline, every resource fed to every policy pack.

This module finds the policy configuration (`policies/config/<environment>/<pack>.json` or
`--policy-config`), runs the program on the mock engine and hands the recording to
`offline.analyzer`, which evaluates the rules the way CrossGuard's analyzer would.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.errors import ConfigError, Problem
from ..policy import PACKS
from ..policy.config import read_config_file, resolve
from .analyzer import SECRET_VALUE, Violation, evaluate
from .stack_file import StackFile, platform_config

__all__ = [
    "CAVEATS",
    "CheckResult",
    "Violation",
    "check_program",
    "check_stack",
    "policy_config_documents",
]

CAVEATS = (
    "Offline policy check on Pulumi's mock engine: no cloud account, no Pulumi CLI.",
    "Policies see the program's inputs (as under `pulumi preview`), not provider defaults or "
    "cloud look-ups; Helm charts are not rendered, so only their values are checked (which "
    "`pulumi preview --policy-pack` cannot do: it sees no chart values, pulumi-kubernetes#2144).",
    "Secret config values cannot be decrypted offline: policies see the placeholder "
    f"{SECRET_VALUE!r}.",
)


@dataclass(frozen=True)
class Finding:
    """One root cause: the violations of one rule that say the same thing about different
    resources (the same region on six child resources), with the fix in stack keys."""

    pack: str
    policy: str
    level: str
    severity: str
    cause: str
    description: str
    remediation: str
    stack_key: str | None
    fix: str | None
    resources: tuple[tuple[str | None, str | None, str | None], ...]  # (urn, type, name)

    @property
    def rule_id(self) -> str:
        return f"{self.pack}/{self.policy}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "level": self.level,
            "severity": self.severity,
            "message": self.cause,
            "stack_key": self.stack_key,
            "fix": self.fix,
            "remediation": self.remediation,
            "resources": [{"urn": u, "type": t, "name": n} for u, t, n in self.resources],
        }


def cause_of(violation: Violation) -> str:
    """The message without its subject (`<type> '<name>': ...`): what is wrong."""
    message = violation.message
    name = violation.resource_name
    head, sep, rest = message.partition(": ")
    if sep and name and repr(name) in head:
        return rest
    return message


def findings(violations: Sequence[Violation]) -> list[Finding]:
    """Violations grouped by root cause: same rule, level, cause and stack fix."""
    groups: dict[tuple, list[Violation]] = {}
    for v in violations:
        # With a stack fix, the fix is the root cause (one region on many resources);
        # otherwise the message without its subject.
        cause = "" if v.stack_key else cause_of(v)
        key = (v.pack, v.policy, v.level, cause, v.stack_key, v.fix)
        groups.setdefault(key, []).append(v)
    found = [
        Finding(
            pack,
            policy,
            level,
            members[0].severity,
            cause or cause_of(members[0]),
            members[0].description,
            members[0].remediation,
            stack_key,
            fix,
            tuple(sorted({(v.urn, v.resource_type, v.resource_name) for v in members}, key=str)),
        )
        for (pack, policy, level, cause, stack_key, fix), members in groups.items()
    ]
    return sorted(found, key=lambda f: ({"mandatory": 0}.get(f.level, 1), f.rule_id, f.cause))


@dataclass
class CheckResult:
    stack: str
    source: str
    environment: str
    config_sources: dict[str, str]
    resource_count: int
    policy_count: int
    violations: list[Violation] = field(default_factory=list)
    stack_file: StackFile | None = None

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "mandatory"]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "advisory"]

    @property
    def findings(self) -> list[Finding]:
        """One entry per root cause (see `findings`)."""
        return findings(self.violations)

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
            "findings": [f.to_dict() for f in self.findings],
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
    from .engine import run_program

    config = platform_config(stack_file)
    documents, sources = policy_config_documents(config.environment, policy_configs, policies_dir)
    settings = {pack: resolve(PACKS[pack], documents[pack], sources[pack]) for pack in PACKS}
    recording, _ = run_program(
        program.main,
        config=stack_file.config,
        secret_keys=stack_file.secret_keys,
        stack=stack_file.stack,
    )
    return _result(stack_file, recording, settings, sources, config.environment)


def check_program(
    folder: Path,
    stack_file: StackFile,
    policy_configs: Sequence[Path] = (),
    policies_dir: Path = Path("policies"),
    environment: str | None = None,
) -> CheckResult:
    """`llmops check --program`: run a hand-composed Pulumi program (`<folder>/__main__.py`)
    on the mock engine with `stack_file`'s config and evaluate every pack's policies.

    The environment (which `policies/config/<env>/` applies) is `environment`, else the
    stack's `llmops:platform` `environment`, else `--policy-config` must be given.
    """
    from .project import project_name, run_project

    env = environment or _environment_of(stack_file)
    if env is None and not policy_configs:
        raise ConfigError(
            [
                Problem(
                    "--policy-config",
                    "the stack file sets no llmops:platform environment, so the policy "
                    "config cannot be chosen: pass --environment or --policy-config",
                )
            ],
            "command line",
        )
    documents, sources = policy_config_documents(env or "", policy_configs, policies_dir)
    settings = {pack: resolve(PACKS[pack], documents[pack], sources[pack]) for pack in PACKS}
    recording = run_project(folder, stack_file.path)
    return _result(
        stack_file, recording, settings, sources, env or "-", project=project_name(folder)
    )


def _environment_of(stack_file: StackFile) -> str | None:
    raw = stack_file.objects.get("llmops:platform")
    env = raw.get("environment") if isinstance(raw, dict) else None
    return env if isinstance(env, str) and env else None


def _result(
    stack_file: StackFile,
    recording: Any,
    settings: dict[str, Any],
    sources: dict[str, str],
    environment: str,
    project: str = "llmops",
) -> CheckResult:
    violations = evaluate(
        recording,
        settings,
        stack_file.config,
        stack_file.secret_keys,
        stack=stack_file.stack,
        project=project,
    )
    return CheckResult(
        stack=stack_file.stack,
        source=str(stack_file.path),
        environment=environment,
        config_sources=sources,
        resource_count=len(recording),
        policy_count=sum(
            1 for pack in settings.values() for s in pack.values() if s.level != "disabled"
        ),
        violations=violations,
        stack_file=stack_file,
    )
