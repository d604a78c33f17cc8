"""Docs stay true: the config reference is regenerated, and every code block runs."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from helpers import run
from pulumi_llmops.config import load_platform_config
from pulumi_llmops.config.reference import render_reference

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^[ \t]*```(\w+)\n(.*?)^[ \t]*```", re.S | re.M)


def blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for index, match in enumerate(FENCE.finditer(path.read_text())):
            if match.group(1) == language:
                code = textwrap.dedent(match.group(2))
                found.append((f"{path.relative_to(ROOT)}#{index}", code))
    return found


def test_config_reference_is_current() -> None:
    committed = (ROOT / "docs" / "config-reference.md").read_text()
    assert committed == render_reference(), (
        "docs/config-reference.md is stale: run "
        "`python -m pulumi_llmops.config.reference > docs/config-reference.md`"
    )


@pytest.mark.parametrize(("where", "code"), blocks("python"), ids=lambda v: v if "#" in v else "")
def test_python_blocks_run_on_the_mock_engine(where: str, code: str) -> None:
    run(lambda: exec(compile(code, where, "exec"), {"__name__": "__docs__"}), allow_empty=True)


STACK_BLOCKS = [(w, c) for w, c in blocks("yaml") if "llmops:platform:" in c]


@pytest.mark.parametrize(("where", "text"), STACK_BLOCKS, ids=lambda v: v if "#" in v else "")
def test_stack_config_blocks_are_valid(where: str, text: str) -> None:
    document = yaml.safe_load(text)
    load_platform_config(document["config"]["llmops:platform"], source=where)


def test_the_readme_shows_both_commands_and_a_stack_config_first() -> None:
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "make plan" in first_screen
    assert "make test" in first_screen
    assert "llmops:platform:" in first_screen
    assert STACK_BLOCKS and blocks("python")
