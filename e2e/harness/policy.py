"""Policy findings of `pulumi preview --policy-pack` (from its event log) and of `llmops check`,
in one comparable shape: (pack, policy, resource URN, enforcement level).

The CLI writes engine events with `--event-log <file>` (a debug flag: PULUMI_DEBUG_COMMANDS=true);
each violation is a `policyEvent` (sdk/go/common/apitype/events.go: policyPackName, policyName,
resourceUrn, enforcementLevel, message).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Finding:
    pack: str
    policy: str
    urn: str
    level: str

    @property
    def resource_type(self) -> str:
        return self.urn.split("::")[2].rsplit("$", 1)[-1] if self.urn else ""


def preview_findings(event_log: Path) -> list[Finding]:
    found = set()
    for line in Path(event_log).read_text().splitlines():
        if not line.strip():
            continue
        event = json.loads(line).get("policyEvent")
        if event:
            found.add(
                Finding(
                    event["policyPackName"],
                    event["policyName"],
                    event.get("resourceUrn", ""),
                    event["enforcementLevel"],
                )
            )
    return sorted(found)


def check_findings(report: dict) -> list[Finding]:
    """Findings of `llmops check --format json`."""
    return sorted(
        {
            Finding(v["pack"], v["policy"], v.get("urn") or "", v["level"])
            for v in report["violations"]
        }
    )
