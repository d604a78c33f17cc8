"""Property-based fuzzing of `teams`, `addons.kueue` and `finetune`: every failure is a clean,
path-named ConfigError and a failing config registers nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import onprem_platform
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.recording import Recording
from pulumi_llmops.program import main

from .test_fuzz import assert_clean_outcome, paths, values

BASE = onprem_platform(
    node_pools={"h100": {"gpu": {"model": "H100", "count": 8}, "onprem": {"node_names": ["g-1"]}}},
    teams={
        "research": {"quotas": {"h100": {"gpus": 4, "borrowing_limit": 2}}},
        "product": {"cohort": None, "quotas": {"h100": {"gpus": 4, "lending_limit": 1}}},
    },
    addons={"kueue": {"priority_classes": {"high": {"value": 1000}}}},
    finetune={
        "run": {
            "base_model": "hf://meta-llama/Llama-3.1-8B-Instruct",
            "params_billion": 8.03,
            "dataset_uri": "s3://acme-data/ds/",
            "output_uri": "s3://acme-out/run/",
            "pool": "h100",
            "team": "research",
            "priority_class": "high",
            "image": "ghcr.io/acme/trainer:1",
        }
    },
    models={
        "llama": {
            "storage_uri": "hf://meta-llama/Llama-3.1-8B-Instruct",
            "params_billion": 8.03,
            "lora_adapters": {"run": "finetune://run"},
        }
    },
)
QUEUE_KEYS = ("teams", "finetune", "addons", "models")


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    config = copy.deepcopy(BASE)
    candidates = [p for p in paths(config) if p[0] in QUEUE_KEYS]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(candidates))
        parent: Any = config
        try:
            for key in path[:-1]:
                parent = parent[key]
            current = parent[path[-1]]
        except (KeyError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "delete", "add-key"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(current, dict):
            current[draw(st.text(min_size=1, max_size=8))] = draw(values)
    return config


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_queue_config_failures_are_path_named_and_register_nothing(config: dict[str, Any]) -> None:
    assert_clean_outcome(config)


def test_the_base_config_is_valid() -> None:
    recording = Recording()
    run_program(main, config={"llmops:platform": json.dumps(BASE)}, recording=recording)
    assert len(recording.of_type("kubernetes:batch/v1:Job")) == 1
