"""Defaults are said once: in the field default, which the config reference prints.

A description may explain what the default *does* ("Default: the cluster's default
class"), but it may not restate the value ("Default: 20"), which drifts when the value
changes, nor state a different literal, which is already wrong.
"""

from __future__ import annotations

import re
import typing
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from pulumi_llmops.config.platform import PlatformConfig
from pulumi_llmops.config.reference import _models

STATED = re.compile(r"Default: `?([^\s`,;.()]+(?:\.\d+)?)")
"""The first word after `Default:` (a number keeps its decimals)."""


def reachable_models(root: type[BaseModel] = PlatformConfig) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    queue = [root]
    while queue:
        model = queue.pop(0)
        if model not in seen:
            seen.append(model)
            for field in model.model_fields.values():
                queue += _models(field.annotation)
    return seen


def default_of(field: FieldInfo) -> Any:
    if field.default_factory is not None:
        return field.default_factory()
    return field.default


def literal_words(field: FieldInfo, value: Any) -> set[str]:
    """Words that would spell a literal value of this field: its default's spellings and the
    members of any Literal in its annotation."""
    words = {str(value), repr(value)}
    if value is None:
        words |= {"none", "None", "null", "unset"}
    if isinstance(value, bool):
        words.add(str(value).lower())
    if isinstance(value, (dict, list, tuple)) and not value:
        words |= {"empty", "none"}
    if isinstance(value, float) and value.is_integer():
        words.add(str(int(value)))
    for arg in _literals(field.annotation):
        words.add(str(arg))
    words |= {"true", "false"} if isinstance(value, bool) else set()
    return words


def _literals(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    found: list[Any] = []
    for arg in typing.get_args(annotation):
        found += _literals(arg)
    return found


def stated_default_problem(field: FieldInfo) -> str | None:
    """Why the field's description breaks the rule, or None."""
    match = STATED.search(field.description or "")
    if (
        match is None
        or field.is_required()
        or field.default is PydanticUndefined
        and (field.default_factory is None)
    ):
        return None
    value = default_of(field)
    word = match.group(1)
    if isinstance(value, BaseModel):
        return None  # its own section lists its defaults
    if word in literal_words(field, value) or re.fullmatch(r"-?\d+(\.\d+)?", word):
        same = (
            word in {str(value), repr(value)}
            or word in literal_words(field, value)
            and (word not in {str(a) for a in _literals(field.annotation)} or word == str(value))
        )
        return "restates the default" if same else f"states {word!r} but the default is {value!r}"
    return None


CASES = [
    (model, name, field)
    for model in reachable_models()
    for name, field in model.model_fields.items()
]


@pytest.mark.parametrize(
    ("model", "name", "field"), CASES, ids=[f"{m.__name__}.{n}" for m, n, _ in CASES]
)
def test_descriptions_do_not_restate_defaults(model: type, name: str, field: FieldInfo) -> None:
    assert stated_default_problem(field) is None, (
        f"{model.__name__}.{name}: {stated_default_problem(field)}: {field.description!r}"
    )


def test_the_rule_is_live() -> None:
    """Each kind of offence is caught; behaviour sentences pass."""
    from pydantic import Field

    class Probe(BaseModel):
        same: int = Field(20, description="Size. Default: 20.")
        other: int = Field(20, description="Size. Default: 30.")
        flag: bool = Field(False, description="Flag. Default: false, so nothing happens.")
        tier: typing.Literal["Free", "Standard"] | None = Field(
            None, description="Tier. Default: Standard in prod."
        )
        nested: PlatformConfig | None = Field(None, description="Unset: none.")
        behaviour: str | None = Field(None, description="Class. Default: the cluster's class.")

    fields = Probe.model_fields
    assert stated_default_problem(fields["same"]) == "restates the default"
    assert stated_default_problem(fields["other"]) == "states '30' but the default is 20"
    assert stated_default_problem(fields["flag"]) == "restates the default"
    assert stated_default_problem(fields["tier"]) == "states 'Standard' but the default is None"
    assert stated_default_problem(fields["nested"]) is None
    assert stated_default_problem(fields["behaviour"]) is None
