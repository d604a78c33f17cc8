"""Print, as JSON, what a stack registers on the library's mock engine (`llmops plan`'s engine).

Run by harness/library.py with the LIBRARY's interpreter (the project's `.venv`, its own SDK
pins), so the real-engine tier compares what the API server stored with what the mock tier of
the project records for the same stack file. Secret inputs print as "[secret]", values unknown
until deploy as "[unknown]".

    <library python> e2e/harness/mock_record.py <Pulumi.<stack>.yaml> [<example folder>]

With an example folder, that example's own `__main__.py` runs (`offline.project.run_project`,
what tests/examples runs) instead of the repository's program (`llmops plan`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.recording import SECRET, UNKNOWN
from pulumi_llmops.offline.stack_file import read_stack_file


def plain(value):
    if value is SECRET:
        return "[secret]"
    if value is UNKNOWN:
        return "[unknown]"
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def main(path: str, example: str | None = None) -> None:
    if example is None:
        recording = plan_stack(read_stack_file(Path(path))).recording  # what `llmops plan` runs
    else:
        from pulumi_llmops.offline.project import run_project

        recording = run_project(Path(example), Path(path))
    resources = [
        {
            "urn": r.urn,
            "type": r.type,
            "name": r.name,
            "custom": r.custom,
            "parent": r.parent,
            "inputs": plain(r.inputs),
            "protect": r.protect,
            "retain_on_delete": r.retain_on_delete,
        }
        for r in recording
    ]
    json.dump(
        {"resources": resources, "outputs": plain(recording.outputs)}, sys.stdout, default=str
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
