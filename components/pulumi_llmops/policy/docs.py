"""The rule reference in docs/policies.md, generated from the rules (never hand-written).

Regenerate: `python -m pulumi_llmops.policy.docs > /tmp/rules.md` and paste it between the
GENERATED markers, or run with `--write docs/policies.md`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import PACK_DESCRIPTIONS, PACKS

BEGIN = "<!-- BEGIN GENERATED RULES -->"
END = "<!-- END GENERATED RULES -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown() -> str:
    """One table per pack: policy, kind, default level, severity, description, config."""
    out: list[str] = []
    for pack, rules in PACKS.items():
        out += [
            f"### {pack}",
            "",
            PACK_DESCRIPTIONS[pack],
            "",
            "| policy | kind | default level | severity | checks | config (default) |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for rule in rules:
            config = (
                "<br>".join(
                    f"`{key}` (`{json.dumps(schema['default'], sort_keys=True)}`)"
                    for key, schema in rule.config.items()
                )
                or "-"
            )
            out.append(
                f'| <a id="{rule.name}"></a>`{rule.name}` | {rule.kind} | '
                f"{rule.enforcement_level} | {rule.severity} | "
                f"{_cell(rule.description)} Fix: {_cell(rule.remediation)} | "
                f"{_cell(config)} |"
            )
        out.append("")
    return "\n".join(out)


def render_into(document: str) -> str:
    """`document` with the text between the GENERATED markers replaced by the rule tables."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{rules_markdown()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--write":
        path = Path(argv[1])
        path.write_text(render_into(path.read_text()))
        return 0
    sys.stdout.write(rules_markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
