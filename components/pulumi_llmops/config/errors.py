"""`ConfigError`: every problem in a stack config, each named by YAML path, value and rule."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ValidationError

_MISSING = object()


@dataclass(frozen=True)
class Location:
    """Where a problem is in a file: 1-based line (and column), like the YAML parser's marks."""

    file: str
    line: int
    column: int | None = None

    def render(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Problem:
    """One invalid value: where it is (dotted YAML path), what was given, what is allowed.

    `location` (file and line of the offending key) is filled in when the config came from
    a file (`ConfigError.located`).
    """

    path: str
    message: str
    value: Any = _MISSING
    location: Location | None = None

    @property
    def has_value(self) -> bool:
        return self.value is not _MISSING

    def render(self) -> str:
        given = "" if self.value is _MISSING else f" (got {_short(self.value)})"
        where = f"{self.location.render()}: " if self.location else ""
        return f"{where}{self.path or '<root>'}: {self.message}{given}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form: path, message, the value given (as text) and the file position."""
        data: dict[str, Any] = {"path": self.path, "message": self.message}
        if self.value is not _MISSING:
            data["value"] = _short(self.value, 200)
        if self.location is not None:
            data["file"] = self.location.file
            data["line"] = self.location.line
            if self.location.column is not None:
                data["column"] = self.location.column
        return data


class RuleViolations(ValueError):
    """Raised by a spec's cross-field validator: problems with paths relative to that spec.

    pydantic keeps the exception in the error context, so `ConfigError` can expand it into
    one path-named problem per violation instead of a single message at the model's root.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.render() for p in self.problems))


def raise_if_any(problems: Sequence[Problem]) -> None:
    """Raise `RuleViolations` when a cross-field validator collected any problem."""
    if problems:
        raise RuleViolations(problems)


class ConfigError(ValueError):
    """Invalid stack configuration. Lists every problem; raised before anything registers."""

    def __init__(self, problems: Sequence[Problem], source: str = "stack config") -> None:
        self.problems = tuple(_unique(problems))
        self.source = source
        count = len(self.problems)
        lines = [f"invalid {source}: {count} problem{'s' if count != 1 else ''}"]
        lines += [f"  - {p.render()}" for p in self.problems]
        super().__init__("\n".join(lines))

    def __reduce__(self) -> tuple[Any, ...]:
        return (ConfigError, (self.problems, self.source))

    def located(self, locate: Callable[[str], Location | None]) -> ConfigError:
        """The same error with each unlocated problem's file and line (`locate(path)`)."""
        located = [p if p.location else replace(p, location=locate(p.path)) for p in self.problems]
        located.sort(key=lambda p: p.location.line if p.location else 0)
        return ConfigError(located, self.source)

    def to_dict(self) -> dict[str, Any]:
        """JSON form of the error (what `--json` and SARIF output carry)."""
        return {"source": self.source, "problems": [p.to_dict() for p in self.problems]}

    @classmethod
    def from_validation_error(
        cls,
        exc: ValidationError,
        model: type[BaseModel],
        source: str = "stack config",
        prefix: Iterable[str | int] = (),
    ) -> ConfigError:
        """Translate pydantic's errors into path-named problems.

        Unknown keys list the allowed ones; `RuleViolations` expand into one problem each.
        """
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            path = ".".join(str(p) for p in (*prefix, *loc))
            nested = (err.get("ctx") or {}).get("error")
            if isinstance(nested, RuleViolations):
                problems += [
                    Problem(".".join(filter(None, (path, p.path))), p.message, p.value)
                    for p in nested.problems
                ]
            else:
                problems.append(_problem_from_pydantic(err, loc, path, model))
        return cls(problems, source)


def _problem_from_pydantic(err: dict, loc: tuple, path: str, model: type[BaseModel]) -> Problem:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        return Problem(path, f"unknown key{hint}")
    if kind == "missing":
        return Problem(path, "required key is missing")
    if kind == "string_pattern_mismatch":
        from .patterns import describe_pattern

        pattern = (err.get("ctx") or {}).get("pattern", "")
        return Problem(path, describe_pattern(str(pattern)), err.get("input", _MISSING))
    message = err["msg"]
    for noise in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(noise)
    return Problem(path, message, err.get("input", _MISSING))


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model found at `loc` (map keys and list indexes are stepped over)."""
    current: Any = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []


def _step(annotation: Any, part: str | int) -> Any:
    from typing import Union, get_args, get_origin

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return _unwrap(field.annotation) if field else None
    origin = get_origin(annotation)
    if origin in (dict, list, tuple) or (origin and str(origin).endswith("Mapping")):
        args = get_args(annotation)
        return _unwrap(args[-1]) if args else None
    if origin is Union:
        return None
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] / Annotated[...] so the walk lands on the model or container."""
    from types import UnionType
    from typing import Annotated, Union, get_args, get_origin

    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in order, each (path, message) once: two checks may find the same fault."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for problem in problems:
        key = (problem.path, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def _redacted(value: Any) -> Any:
    """`value` with every `secure:` ciphertext hidden: an error never echoes a secret."""
    if isinstance(value, dict):
        return {k: "[ciphertext]" if k == "secure" else _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def _short(value: Any, limit: int = 80) -> str:
    text = repr(_redacted(value))
    return text if len(text) <= limit else text[: limit - 3] + "..."
