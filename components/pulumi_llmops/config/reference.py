"""Generate the stack-config reference (docs/config-reference.md) from the pydantic models.

`python -m pulumi_llmops.config.reference > docs/config-reference.md` (or `make docs`).
A test fails when the committed file is stale.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .platform import PlatformConfig

HEADER = """# Stack config reference

Generated from the pydantic models by `python -m pulumi_llmops.config.reference`; do not edit
by hand. Everything lives under one key of `stacks/Pulumi.<stack>.yaml`:

```text
config:
  llmops:platform:
    environment: dev
    <the keys below>
```

Unknown keys are errors. Units are in the key names (`_gib`, `_days`, `_seconds`).
"""


def render_reference(root: type[BaseModel] = PlatformConfig) -> str:
    sections, queue, seen = [HEADER], [(root, "llmops:platform")], set()
    while queue:
        model, path = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        sections.append(_section(model, path, queue))
    return "\n".join(sections)


def _section(model: type[BaseModel], path: str, queue: list) -> str:
    doc = " ".join((model.__doc__ or "").split())
    lines = [
        f"## `{path}` ({model.__name__})",
        "",
        doc,
        "",
        "| key | type | default | description |",
        "| --- | --- | --- | --- |",
    ]
    for name, field in model.model_fields.items():
        nested = [m for m in _models(field.annotation) if m not in {q[0] for q in queue}]
        for sub in nested:
            suffix = ".<key>" if _is_map(field.annotation) else ""
            queue.append((sub, f"{path}.{name}{suffix}"))
        lines.append(
            f"| `{name}` | {_escape(_type(field.annotation) + _constraints(field))} | "
            f"{_default(field)} | "
            f"{_escape(field.description or '')} |"
        )
    return "\n".join(lines) + "\n"


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _models(arg)
    return found


def _is_map(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_map(a) for a in typing.get_args(annotation))
    return origin is dict


def _type(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0])
    if origin in (typing.Union, types.UnionType):
        parts = [_type(a) for a in args if a is not type(None)]
        return " or ".join(parts) + (" or null" if type(None) in args else "")
    if origin is typing.Literal:
        return " | ".join(f"`{a}`" for a in args)
    if origin is dict:
        return f"map of {_type(args[1])}"
    if origin in (list, tuple):
        return f"list of {_type(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return getattr(annotation, "__name__", str(annotation))


def _constraints(field: FieldInfo) -> str:
    """Bounds and patterns declared on the field, e.g. ` (>= 0, <= 1000)`."""
    marks = []
    for item in field.metadata:
        for attr, symbol in (
            ("ge", ">="),
            ("gt", ">"),
            ("le", "<="),
            ("lt", "<"),
            ("min_length", "min length"),
            ("max_length", "max length"),
        ):
            value = getattr(item, attr, None)
            if value is not None:
                marks.append(f"{symbol} {value}")
        pattern = getattr(item, "pattern", None)
        if pattern:
            marks.append(f"matches `{pattern}`")
    return f" ({', '.join(marks)})" if marks else ""


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return "see section"
        return f"`{value!r}`" if value not in ({}, []) else "empty"
    if field.default is PydanticUndefined:
        return "required"
    return f"`{field.default!r}`" if field.default is not None else "none"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    print(render_reference(), end="")
