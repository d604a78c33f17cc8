"""Policy config resolution (like the engine's) and the shipped per-environment config files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pulumi_llmops.config.errors import ConfigError
from pulumi_llmops.policy import PACKS
from pulumi_llmops.policy.config import read_config_file, resolve, schema_errors
from pulumi_llmops.policy.cost import MAX_NODES, SPOT

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "policies" / "config"
ENVIRONMENTS = ("dev", "staging", "prod")


def test_defaults_without_a_config_file() -> None:
    settings = resolve(PACKS["cost-guardrails"], None)
    assert settings["max-nodes-per-gpu-pool"].level == "mandatory"
    assert settings["max-nodes-per-gpu-pool"].config == {"maxNodes": 4}
    assert settings["spot-gpu-pools-outside-prod"].level == "advisory"


def test_all_then_per_policy_levels_and_properties_over_defaults() -> None:
    settings = resolve(
        (MAX_NODES, SPOT),
        {
            "all": "advisory",
            "spot-gpu-pools-outside-prod": "disabled",
            "max-nodes-per-gpu-pool": {"maxNodes": 9},
        },
    )
    assert settings["max-nodes-per-gpu-pool"].level == "advisory"
    assert settings["max-nodes-per-gpu-pool"].config == {"maxNodes": 9}
    assert settings["spot-gpu-pools-outside-prod"].level == "disabled"
    settings = resolve(
        (MAX_NODES,),
        {"all": "advisory", "max-nodes-per-gpu-pool": {"enforcementLevel": "remediate"}},
    )
    assert settings["max-nodes-per-gpu-pool"].level == "remediate"


def test_every_problem_is_reported_at_once_with_its_path() -> None:
    with pytest.raises(ConfigError) as error:
        resolve(
            (MAX_NODES, SPOT),
            {
                "all": "loud",
                "max-nodes-per-gpu-pool": {"maxNodes": 1.5, "enforcementLevel": "never"},
                "typo": 1,
            },
            "cost.json",
        )
    assert str(error.value) == (
        "invalid cost.json: 4 problems\n"
        "  - all: must be one of advisory, mandatory, remediate, disabled (got 'loud')\n"
        "  - typo: no such policy in this pack; policies: max-nodes-per-gpu-pool, "
        "spot-gpu-pools-outside-prod (got 'typo')\n"
        "  - max-nodes-per-gpu-pool.enforcementLevel: must be one of advisory, mandatory, "
        "remediate, disabled (got 'never')\n"
        "  - max-nodes-per-gpu-pool.maxNodes: must be of type integer (got 1.5)"
    )


SCHEMA_CASES = [
    ({"type": "integer", "minimum": 0}, 3),
    ({"type": "integer", "minimum": 0}, -1),
    ({"type": "integer"}, True),
    ({"type": "number"}, 2.5),
    ({"type": "boolean"}, "yes"),
    ({"type": "array", "items": {"type": "string"}}, ["a", 1]),
    ({"type": "array", "items": {"type": "string", "minLength": 1}}, [""]),
    (
        {"type": "object", "properties": {"aws": {"type": "array"}}, "additionalProperties": False},
        {"aws": [], "gcp": []},
    ),
    ({"type": "object", "additionalProperties": {"type": "string"}}, {"a": "b", "c": 1}),
    ({"type": "string", "enum": ["x"]}, "y"),
]


@pytest.mark.parametrize(("schema", "value"), SCHEMA_CASES)
def test_schema_subset_agrees_with_jsonschema(schema: dict, value: object) -> None:
    valid = jsonschema.Draft7Validator(schema).is_valid(value)
    assert (schema_errors(schema, value) == []) is valid


def test_every_rule_default_satisfies_its_schema() -> None:
    for rules in PACKS.values():
        for rule in rules:
            for key, schema in rule.config.items():
                jsonschema.Draft7Validator(schema).validate(schema["default"])
                assert schema_errors(schema, schema["default"]) == [], (rule.name, key)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_shipped_config_files_resolve_and_validate(environment: str) -> None:
    assert sorted(p.name for p in (CONFIG_DIR / environment).iterdir()) == sorted(
        f"{pack}.json" for pack in PACKS
    )
    for pack, rules in PACKS.items():
        document = read_config_file(CONFIG_DIR / environment / f"{pack}.json")
        settings = resolve(rules, document)
        assert document["all"] == "mandatory"
        by_name = {rule.name: rule for rule in rules}
        for name, entry in document.items():
            if isinstance(entry, dict):
                for key, value in entry.items():
                    if key != "enforcementLevel":
                        jsonschema.Draft7Validator(by_name[name].config[key]).validate(value)
        assert all(s.level in ("mandatory", "advisory", "disabled") for s in settings.values())


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_residency_region_lists_agree_within_an_environment(environment: str) -> None:
    document = json.loads((CONFIG_DIR / environment / "data-residency.json").read_text())
    lists = {
        name: entry["allowedRegions"]
        for name, entry in document.items()
        if isinstance(entry, dict) and "allowedRegions" in entry
    }
    assert len(lists) == 4
    assert len({json.dumps(v, sort_keys=True) for v in lists.values()}) == 1, lists


def test_production_relaxes_only_the_non_prod_cost_rules() -> None:
    levels = {
        env: {
            name: s.level
            for name, s in resolve(
                PACKS["cost-guardrails"],
                read_config_file(CONFIG_DIR / env / "cost-guardrails.json"),
            ).items()
        }
        for env in ENVIRONMENTS
    }
    assert levels["prod"]["spot-gpu-pools-outside-prod"] == "disabled"
    assert levels["prod"]["gpu-pools-scale-to-zero"] == "disabled"
    assert levels["dev"]["spot-gpu-pools-outside-prod"] == "advisory"
    assert levels["dev"]["gpu-pools-scale-to-zero"] == "mandatory"
    for env in ENVIRONMENTS:
        assert levels[env]["monthly-gpu-budget"] == "mandatory"
