"""Output of `llmops check`: plain text for people, SARIF 2.1.0 for code-scanning UIs.

SARIF: https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html (GitHub code scanning
reads `ruleId`, `level`, `message.text`, a physical location, `partialFingerprints` and the
rules' `security-severity`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..config.errors import ConfigError
from ..policy import PACKS
from .check import CAVEATS, CheckResult, Finding

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"mandatory": "error", "advisory": "warning"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
TOOL_URI = "https://github.com/pulumi-llmops/pulumi-llmops/blob/main/docs/policies.md"


def render_check_text(result: CheckResult) -> str:
    """Deterministic text report: one block per root cause (listing its resources), then a
    summary line."""
    lines = [
        f"Policy check of stack {result.stack} ({result.source}), environment {result.environment}",
        "Policy config: "
        + ", ".join(f"{pack}: {src}" for pack, src in result.config_sources.items()),
        *(f"* {caveat}" for caveat in CAVEATS),
        "",
    ]
    for f in result.findings:
        where = _line_of(result, f)
        lines += [
            f"{f.level.upper()} {f.rule_id} ({f.severity})"
            + (f" at {Path(result.source).as_posix()}:{where}" if where else ""),
            *(f"  {line}" for line in f.cause.splitlines()),
            f"  resources ({len(f.resources)}):",
            *(f"    - {_resource(r)}" for r in f.resources),
            *_fix_lines(f),
            f"  remediation: {f.remediation}",
            "",
        ]
    verdict = "FAILED" if result.mandatory else "PASSED"
    found = result.findings
    mandatory = sum(1 for f in found if f.level == "mandatory")
    lines.append(
        f"{verdict}: {mandatory} mandatory, {len(found) - mandatory} advisory finding(s) "
        f"({len(result.mandatory)} mandatory, {len(result.advisory)} advisory violation(s)); "
        f"{result.policy_count} policies over {result.resource_count} resources."
    )
    return "\n".join(lines) + "\n"


def _fix_lines(f: Finding) -> list[str]:
    """The stack-key fix, unless the message already carries it word for word."""
    if not f.fix or f.fix.splitlines()[0] in f.cause:
        return []
    return [f"  fix ({f.stack_key}): " + f.fix.replace("\n", "\n    ")]


def _resource(r: tuple) -> str:
    urn, type_, name = r
    return f"{type_} {name!r}" if name else "stack"


def _line_of(result: CheckResult, finding: Finding) -> int | None:
    """Line of the finding's stack key (its nearest parent that is written) in the stack file."""
    if result.stack_file is None or finding.stack_key is None:
        return None
    location = result.stack_file.locate(finding.stack_key)
    return location.line if location else None


def _rule_descriptor(pack: str, rule: Any) -> dict[str, Any]:
    return {
        "id": f"{pack}/{rule.name}",
        "name": rule.name,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.remediation, "markdown": rule.remediation},
        "helpUri": f"{TOOL_URI}#{rule.name}",
        "defaultConfiguration": {"level": SARIF_LEVEL.get(rule.enforcement_level, "note")},
        "properties": {
            "tags": [pack, "pulumi-crossguard"]
            + (["security"] if pack != "cost-guardrails" else []),
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def to_sarif(result: CheckResult) -> dict[str, Any]:
    """The check result as one SARIF 2.1.0 run: one result per root cause, located at the
    offending stack key's line (else the `llmops:platform:` line), its resources as
    logical locations."""
    descriptors = [_rule_descriptor(pack, rule) for pack, rules in PACKS.items() for rule in rules]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    fallback = _platform_line(Path(result.source))
    results = []
    for f in result.findings:
        resources = "\n".join(f"{r[2]} ({r[1]})" for r in f.resources if r[2])
        fingerprint = hashlib.sha256(
            f"{f.rule_id}\n{f.stack_key}\n{f.cause}\n{resources}".encode()
        ).hexdigest()
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": Path(result.source).as_posix()},
                "region": {"startLine": _line_of(result, f) or fallback},
            }
        }
        logical = [
            {"fullyQualifiedName": urn, "name": name or urn, "kind": "resource"}
            for urn, _type, name in f.resources
            if urn
        ]
        if logical:
            location["logicalLocations"] = logical
        text = [f.cause]
        if any(r[2] for r in f.resources):
            names = ", ".join(str(r[2]) for r in f.resources)
            text.append(f"Resources ({len(f.resources)}): {names}")
        if f.fix and f.fix.splitlines()[0] not in f.cause:
            text.append(f"Fix ({f.stack_key}): {f.fix}")
        elif not f.fix:
            text.append(f"Remediation: {f.remediation}")
        results.append(
            {
                "ruleId": f.rule_id,
                "ruleIndex": index[f.rule_id],
                "level": SARIF_LEVEL.get(f.level, "note"),
                "message": {"text": "\n".join(text)},
                "locations": [location],
                "partialFingerprints": {"llmopsViolation/v1": fingerprint},
                "properties": {
                    "stack": result.stack,
                    "enforcementLevel": f.level,
                    "stackKey": f.stack_key,
                },
            }
        )
    return _log(descriptors, result.stack, results)


def _log(rules: list[dict[str, Any]], stack: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "llmops check",
                        "informationUri": TOOL_URI,
                        "semanticVersion": _version(),
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"llmops-check/{stack}/"},
                "results": results,
                "properties": {"caveats": list(CAVEATS)},
            }
        ],
    }


CONFIG_RULE = {
    "id": "llmops/config-error",
    "name": "config-error",
    "shortDescription": {"text": "The stack configuration is invalid."},
    "fullDescription": {
        "text": "A stack config problem (YAML, schema or platform rule): nothing was planned "
        "or checked until it is fixed."
    },
    "help": {
        "text": "Fix the key at the reported line; docs/config-reference.md lists every key.",
        "markdown": "Fix the key at the reported line; see docs/config-reference.md.",
    },
    "helpUri": f"{TOOL_URI.rsplit('/', 1)[0]}/config-reference.md",
    "defaultConfiguration": {"level": "error"},
    "properties": {"tags": ["pulumi-llmops", "configuration"]},
}


def config_error_json(error: ConfigError) -> str:
    """What `--json` / `--format json` print for a config error (exit code 2)."""
    return json.dumps(
        {"ok": False, "exit_code": 2, "error": error.to_dict()}, indent=2, sort_keys=True
    )


def config_error_sarif(error: ConfigError) -> dict[str, Any]:
    """A config error as a SARIF 2.1.0 log: one error result per problem, at its line."""
    results = []
    for problem in error.problems:
        location = problem.location
        uri = location.file if location else _source_file(error.source)
        physical: dict[str, Any] = {"artifactLocation": {"uri": Path(uri).as_posix()}}
        physical["region"] = {"startLine": location.line if location else 1}
        if location and location.column:
            physical["region"]["startColumn"] = location.column
        text = problem.render() if not location else problem.render().split(": ", 1)[1]
        results.append(
            {
                "ruleId": CONFIG_RULE["id"],
                "ruleIndex": 0,
                "level": "error",
                "message": {"text": text},
                "locations": [{"physicalLocation": physical}],
                "partialFingerprints": {
                    "llmopsConfig/v1": hashlib.sha256(
                        f"{problem.path}\n{problem.message}".encode()
                    ).hexdigest()
                },
                "properties": {"path": problem.path},
            }
        )
    log = _log([CONFIG_RULE], "config", results)
    log["runs"][0]["invocations"] = [{"executionSuccessful": False, "exitCode": 2}]
    return log


def config_error_sarif_json(error: ConfigError) -> str:
    return json.dumps(config_error_sarif(error), indent=2, sort_keys=True)


def _source_file(source: str) -> str:
    """The file a `ConfigError` source names (`llmops:platform in <file>`), else the source."""
    return source.rsplit(" in ", 1)[-1] if " in " in source else source


def to_sarif_json(result: CheckResult) -> str:
    return json.dumps(to_sarif(result), indent=2, sort_keys=True)


def _platform_line(path: Path) -> int:
    """Line of `llmops:platform:` in the stack file (where the fix usually goes), else 1."""
    try:
        for number, text in enumerate(path.read_text().splitlines(), start=1):
            if text.strip().startswith("llmops:platform:"):
                return number
    except OSError:
        pass
    return 1


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pulumi-llmops")
    except PackageNotFoundError:
        return "0.0.0"
