"""Every string pattern of the config specs has prose, and the prose stays true to its regex."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest

import pulumi_llmops.config as config_package
from pulumi_llmops.config import catalog as catalog_config
from pulumi_llmops.config.base import Spec
from pulumi_llmops.config.patterns import PATTERN_PROSE, describe_pattern


def _spec_classes() -> list[type[Spec]]:
    for module in pkgutil.iter_modules(config_package.__path__):
        importlib.import_module(f"{config_package.__name__}.{module.name}")

    def walk(cls: type[Spec]) -> Iterator[type[Spec]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return sorted(set(walk(Spec)), key=lambda cls: cls.__qualname__)


def _patterns(schema: object) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _patterns(value)


def _constraint(annotated: object) -> str:
    (constraints,) = annotated.__metadata__  # type: ignore[attr-defined]
    return constraints.pattern


SPEC_PATTERNS = {
    pattern for cls in _spec_classes() for pattern in _patterns(cls.model_json_schema())
}
# Patterns the JSON schema does not carry: data.py checks allowed_namespaces itself, and
# the catalog's dict keys (machine types, GPU models) are constrained key types.
SPEC_PATTERNS |= {
    r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
    _constraint(catalog_config.MachineTypeKey),
    _constraint(catalog_config.GpuModelKey),
}


def test_the_walk_finds_the_specs_patterns() -> None:
    # A walk that found nothing would make the next test pass vacuously.
    assert len(SPEC_PATTERNS) >= 30
    assert r"^\d{1,2}\.\d$" in SPEC_PATTERNS  # catalog.gpus.<model>.compute_capability


@pytest.mark.parametrize("pattern", sorted(SPEC_PATTERNS))
def test_every_spec_pattern_is_described(pattern: str) -> None:
    assert pattern in PATTERN_PROSE, f"add prose for {pattern!r} to config/patterns.py"


def test_no_prose_for_patterns_no_spec_uses() -> None:
    assert sorted(set(PATTERN_PROSE) - SPEC_PATTERNS) == []


_EXAMPLE = re.compile(r"\((?:e\.g\.|such as) ([^)]+)\)|such as ([^\s,)]+)")


@pytest.mark.parametrize("pattern", sorted(PATTERN_PROSE))
def test_the_prose_examples_match_their_pattern(pattern: str) -> None:
    examples = [
        example.strip("'").split(", or ")[0]
        for match in _EXAMPLE.finditer(PATTERN_PROSE[pattern])
        for example in match.groups()
        if example
    ]
    for example in examples:
        for value in example.split(", "):
            assert re.search(pattern, value.strip("'")), (pattern, value)


def test_an_undescribed_pattern_falls_back_to_a_generic_sentence() -> None:
    assert describe_pattern("^x$") == "does not have the expected format"
    assert describe_pattern(r"^1\.\d{2}$") == "must be a Kubernetes minor version such as 1.33"
