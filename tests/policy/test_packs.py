"""Pack layout: PulumiPolicy.yaml, requirements, a `__main__.py` that only assembles the pack
(checked on its AST: a pack's __main__ is never executed in tests, PolicyPack blocks forever),
rule metadata, and importing rules never constructs a PolicyPack."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pulumi_policy
import pytest
import yaml

from pulumi_llmops.policy import PACK_DESCRIPTIONS, PACKS, pack_policies

ROOT = Path(__file__).resolve().parents[2]
PACK_DIRS = sorted(p for p in (ROOT / "policies").iterdir() if (p / "__main__.py").exists())


def test_every_pack_has_a_directory_and_every_directory_a_pack() -> None:
    assert [p.name for p in PACK_DIRS] == sorted(PACKS)


@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda p: p.name)
def test_pulumi_policy_yaml_and_requirements(pack_dir: Path) -> None:
    project = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["description"] == PACK_DESCRIPTIONS[pack_dir.name]
    assert re.match(r"^\d+\.\d+\.\d+$", project["version"])
    lines = [
        line
        for line in (pack_dir / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines == ["pulumi-policy>=1.21,<2", "-e ../.."]
    # pip resolves ../.. from the pack directory (the CLI's working directory): the repo root.
    repo = (pack_dir / "../..").resolve()
    assert 'name = "pulumi-llmops"' in (repo / "pyproject.toml").read_text()


@pytest.mark.parametrize("pack_dir", PACK_DIRS, ids=lambda p: p.name)
def test_main_only_assembles_the_pack(pack_dir: Path) -> None:
    tree = ast.parse((pack_dir / "__main__.py").read_text())
    body = list(tree.body)
    assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)  # docstring
    imports = [n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert {(n.module, tuple(a.name for a in n.names)) for n in imports} == {
        ("pulumi_policy", ("PolicyPack",)),
        ("pulumi_llmops.policy", ("PACK_DESCRIPTIONS", "pack_policies")),
    }
    rest = [n for n in body[1:] if n not in imports]
    assert len(rest) == 1, "only one statement besides imports: the PolicyPack(...) call"
    call = rest[0].value
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    assert call.func.id == "PolicyPack"
    kwargs = {k.arg: k.value for k in call.keywords}
    assert set(kwargs) == {"name", "policies", "description"}
    assert ast.literal_eval(kwargs["name"]) == pack_dir.name
    policies = kwargs["policies"]
    assert isinstance(policies, ast.Call) and policies.func.id == "pack_policies"
    assert [ast.literal_eval(a) for a in policies.args] == [pack_dir.name]
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert len([c for c in calls if getattr(c.func, "id", None) == "PolicyPack"]) == 1


def test_importing_and_building_rules_never_constructs_a_policy_pack() -> None:
    # A fresh interpreter, so the modules really are imported under the guard.
    script = """
import pulumi_policy

def refuse(*args, **kwargs):
    raise SystemExit("PolicyPack constructed")

pulumi_policy.PolicyPack.__init__ = refuse
import pulumi_llmops.offline.check, pulumi_llmops.offline.sarif
from pulumi_llmops.policy import PACKS, pack_policies
print(sum(len(pack_policies(p)) for p in PACKS))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "19"


def test_rule_metadata() -> None:
    names = [rule.name for rules in PACKS.values() for rule in rules]
    assert len(names) == len(set(names)) == 19
    for pack, rules in PACKS.items():
        for rule, policy in zip(rules, pack_policies(pack), strict=True):
            assert re.match(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", rule.name)
            assert rule.description.endswith(".") and ". " not in rule.description
            assert policy.name == rule.name and policy.description == rule.description
            assert policy.enforcement_level.value == rule.enforcement_level
            assert policy.remediation_steps == rule.remediation
            expected = (
                pulumi_policy.StackValidationPolicy
                if rule.kind == "stack"
                else pulumi_policy.ResourceValidationPolicy
            )
            assert isinstance(policy, expected)
            if rule.config:
                assert policy.config_schema.properties == dict(rule.config)


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "Bad_Name"},
        {"name": "all"},
        {"description": "Two. Sentences."},
        {"description": "no full stop"},
        {"enforcement_level": "sometimes"},
        {"remediation": ""},
        {"config": {"x": {"type": "integer"}}},
    ],
)
def test_rule_rejects_bad_metadata(bad: dict) -> None:
    from pulumi_llmops.policy.rule import Rule

    fields = {
        "name": "ok-name",
        "description": "One sentence.",
        "kind": "resource",
        "check": lambda args, config: [],
        "remediation": "Do this.",
        **bad,
    }
    with pytest.raises(ValueError, match="rule "):
        Rule(**fields)


def test_docs_rule_tables_are_generated_from_the_rules() -> None:
    from pulumi_llmops.policy.docs import render_into

    document = (ROOT / "docs" / "policies.md").read_text()
    assert render_into(document) == document, (
        "docs/policies.md is stale: python -m pulumi_llmops.policy.docs --write docs/policies.md"
    )
    for rules in PACKS.values():
        for rule in rules:
            assert f'<a id="{rule.name}"></a>`{rule.name}`' in document
