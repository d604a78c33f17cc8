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

from ..policy import PACKS
from .check import CAVEATS, CheckResult, Violation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"mandatory": "error", "advisory": "warning"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
TOOL_URI = "https://github.com/pulumi-llmops/pulumi-llmops/blob/main/docs/policies.md"


def render_check_text(result: CheckResult) -> str:
    """Deterministic text report: one block per violation, then a summary line."""
    lines = [
        f"Policy check of stack {result.stack} ({result.source}), environment {result.environment}",
        "Policy config: "
        + ", ".join(f"{pack}: {src}" for pack, src in result.config_sources.items()),
        *(f"* {caveat}" for caveat in CAVEATS),
        "",
    ]
    for v in sorted(result.violations, key=_order):
        target = f"{v.resource_type} {v.resource_name!r}" if v.resource_name else "stack"
        lines += [
            f"{v.level.upper()} {v.rule_id} ({v.severity}): {target}",
            *(f"  {line}" for line in v.message.splitlines()),
            f"  urn: {v.urn or '(stack)'}",
            f"  remediation: {v.remediation}",
            "",
        ]
    verdict = "FAILED" if result.mandatory else "PASSED"
    lines.append(
        f"{verdict}: {len(result.mandatory)} mandatory, {len(result.advisory)} advisory "
        f"violation(s); {result.policy_count} policies over {result.resource_count} resources."
    )
    return "\n".join(lines) + "\n"


def _order(v: Violation) -> tuple:
    return ({"mandatory": 0}.get(v.level, 1), v.rule_id, v.urn or "", v.message)


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
    """The check result as one SARIF 2.1.0 run; each result points at the stack file."""
    descriptors = [_rule_descriptor(pack, rule) for pack, rules in PACKS.items() for rule in rules]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    line = _platform_line(Path(result.source))
    results = []
    for v in sorted(result.violations, key=_order):
        fingerprint = hashlib.sha256(f"{v.rule_id}\n{v.urn}\n{v.message}".encode()).hexdigest()
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": {"uri": Path(result.source).as_posix()},
                "region": {"startLine": line},
            }
        }
        if v.urn:
            location["logicalLocations"] = [
                {
                    "fullyQualifiedName": v.urn,
                    "name": v.resource_name or v.urn,
                    "kind": "resource",
                }
            ]
        results.append(
            {
                "ruleId": v.rule_id,
                "ruleIndex": index[v.rule_id],
                "level": SARIF_LEVEL.get(v.level, "note"),
                "message": {"text": f"{v.message}\nRemediation: {v.remediation}"},
                "locations": [location],
                "partialFingerprints": {"llmopsViolation/v1": fingerprint},
                "properties": {"stack": result.stack, "enforcementLevel": v.level},
            }
        )
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
                        "rules": descriptors,
                    }
                },
                "automationDetails": {"id": f"llmops-check/{result.stack}/"},
                "results": results,
                "properties": {"caveats": list(CAVEATS)},
            }
        ],
    }


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
