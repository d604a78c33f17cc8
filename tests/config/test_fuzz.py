"""Property-based fuzzing of stack config: every failure is a clean, path-named ConfigError
and a failing config registers nothing."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from helpers import onprem_platform
from pulumi_llmops.config import ConfigError
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.recording import Recording
from pulumi_llmops.program import main

BASE = onprem_platform(
    node_pools={
        "l4": {
            "gpu": {"model": "L4", "count": 2},
            "sharing": {"time_slicing": {"replicas": 4}},
            "additional_taints": {"dedicated": {"value": "ml", "effect": "NoSchedule"}},
            "onprem": {"node_names": ["gpu-1", "gpu-2"]},
        }
    }
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=100),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=12),
    st.sampled_from(["onprem", "eks", "L4", "all-1g.10gb", "NoSchedule", "gpu-1", "dev"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    return found


@st.composite
def mutated_configs(draw: st.DrawFn) -> dict[str, Any]:
    config = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(paths(config)))
        parent = config
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add-key"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(st.text(min_size=1, max_size=8))] = draw(values)
        if not isinstance(config, dict) or not paths(config):
            break
    return config


def assert_clean_outcome(config: dict[str, Any]) -> None:
    """Run the program on `config`: either it fails with a ConfigError whose every problem has
    a path and a message and nothing is registered, or it is valid and registers resources."""
    recording = Recording()
    try:
        run_program(main, config={"llmops:platform": json.dumps(config)}, recording=recording)
    except ConfigError as error:
        event("config error")
        assert error.problems
        for problem in error.problems:
            assert problem.path, problem.render()
            assert problem.message, problem.render()
        assert recording.resources == []
    else:
        event("valid config")
        assert len(recording) > 0


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_configs())
def test_every_failure_is_a_path_named_config_error_and_registers_nothing(
    config: dict[str, Any],
) -> None:
    assert_clean_outcome(config)
