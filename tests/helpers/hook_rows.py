"""The upstream list of Helm hook resources (../shared/upstream/helm-hooks.tsv) and a safe
evaluator of its `enabled_when` expressions over the values the library renders.

`enabled_when` is a small boolean language over dotted values paths (see the tsv README):

    expr    := disj
    disj    := conj ("or" conj)*
    conj    := neg ("and" neg)*
    neg     := "not" neg | compare
    compare := operand [("==" | "!=" | "in") operand]
    operand := "(" expr ")" | STRING | "true" | "false" | "api(" GROUP/VERSION/KIND ")" | PATH

Expressions are parsed into a small tree first (no `eval`), then evaluated. Paths read the
library's values where they set the key, else the row's chart default (`defaults` column);
a path neither sets is absent. Truthiness is Helm's: absent, null, false, "", 0, [] and {}
are false. `"key" in path` tests map keys (or list items); `==`/`!=` treat absent as null;
`api(X)` is true when X is in the set of APIs the cluster serves (none of the tsv's: the
only one used, policy/v1beta1 PodSecurityPolicy, is gone since Kubernetes 1.25).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "<absent>"})()
"""A values path that neither the library nor the chart sets."""


class HookExprError(ValueError):
    """An `enabled_when` (or `defaults`) text the grammar does not accept."""


# --- tokens --------------------------------------------------------------------------------

_TOKENS = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<api>api\(\s*(?P<gvk>[A-Za-z0-9.\-]+/[A-Za-z0-9]+/[A-Za-z0-9]+)\s*\))
  | (?P<symbol>==|!=|\(|\))
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*)
    """,
    re.VERBOSE,
)
_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})


@dataclass(frozen=True)
class Token:
    kind: str  # string, api, symbol, keyword, path
    text: str
    value: Any = None


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKENS.match(text, position)
        if match is None:
            raise HookExprError(f"unexpected {text[position:]!r} in {text!r}")
        position = match.end()
        kind = match.lastgroup
        if kind == "space":
            continue
        if kind == "string":
            tokens.append(Token("string", match.group(0), json.loads(match.group(0))))
        elif kind == "api":
            tokens.append(Token("api", match.group(0), match.group("gvk")))
        elif kind == "symbol":
            tokens.append(Token("symbol", match.group(0)))
        else:
            word = match.group(0)
            tokens.append(Token("keyword" if word in _KEYWORDS else "path", word))
    return tokens


# --- syntax tree -----------------------------------------------------------------------------

Node = tuple  # ("or"|"and", left, right) | ("not", x) | (op, l, r) | ("literal"|"path"|"api", v)


_COMPARISONS = (("symbol", "==", "eq"), ("symbol", "!=", "ne"), ("keyword", "in", "in"))


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    def parse(self) -> Node:
        node = self._disjunction()
        if self.index != len(self.tokens):
            raise HookExprError(f"unexpected {self.tokens[self.index].text!r} in {self.text!r}")
        return node

    def _peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _accept(self, kind: str, text: str) -> bool:
        token = self._peek()
        if token is not None and token.kind == kind and token.text == text:
            self.index += 1
            return True
        return False

    def _disjunction(self) -> Node:
        node = self._conjunction()
        while self._accept("keyword", "or"):
            node = ("or", node, self._conjunction())
        return node

    def _conjunction(self) -> Node:
        node = self._negation()
        while self._accept("keyword", "and"):
            node = ("and", node, self._negation())
        return node

    def _negation(self) -> Node:
        if self._accept("keyword", "not"):
            return ("not", self._negation())
        return self._comparison()

    def _comparison(self) -> Node:
        left = self._operand()
        for kind, text, op in _COMPARISONS:
            if self._accept(kind, text):
                return (op, left, self._operand())
        return left

    def _operand(self) -> Node:
        token = self._peek()
        if token is None:
            raise HookExprError(f"{self.text!r} ends where an operand is expected")
        self.index += 1
        if token.kind == "symbol" and token.text == "(":
            node = self._disjunction()
            if not self._accept("symbol", ")"):
                raise HookExprError(f"missing ')' in {self.text!r}")
            return node
        if token.kind == "string":
            return ("literal", token.value)
        if token.kind == "keyword" and token.text in ("true", "false"):
            return ("literal", token.text == "true")
        if token.kind == "api":
            return ("api", token.value)
        if token.kind == "path":
            return ("path", token.text)
        raise HookExprError(f"unexpected {token.text!r} in {self.text!r}")


def parse(text: str) -> Node:
    """The syntax tree of one `enabled_when` expression."""
    return _Parser(text).parse()


# --- evaluation ------------------------------------------------------------------------------


def truthy(value: Any) -> bool:
    """Helm's truthiness (Go templates' `if`)."""
    return value is not ABSENT and bool(value)


def evaluate(node: Node, lookup: Callable[[str], Any], apis: frozenset[str] = frozenset()) -> Any:
    op = node[0]
    if op == "literal":
        return node[1]
    if op == "path":
        return lookup(node[1])
    if op == "api":
        return node[1] in apis
    if op == "not":
        return not truthy(evaluate(node[1], lookup, apis))
    if op == "and":
        return truthy(evaluate(node[1], lookup, apis)) and truthy(evaluate(node[2], lookup, apis))
    if op == "or":
        return truthy(evaluate(node[1], lookup, apis)) or truthy(evaluate(node[2], lookup, apis))
    left, right = evaluate(node[1], lookup, apis), evaluate(node[2], lookup, apis)
    if op in ("eq", "ne"):
        same = (None if left is ABSENT else left) == (None if right is ABSENT else right)
        return same if op == "eq" else not same
    if op == "in":
        return isinstance(right, (Mapping, list)) and left in right
    raise HookExprError(f"unknown node {node!r}")


def value_at(values: Mapping[str, Any], path: str) -> Any:
    """The value at dotted `path` (ABSENT when a step is missing); at each step the longest
    key matching the rest of the path wins, so keys that contain dots still resolve."""
    node: Any = values
    rest = path
    while rest:
        if not isinstance(node, Mapping):
            return ABSENT
        keys = [k for k in node if isinstance(k, str) and (rest == k or rest.startswith(k + "."))]
        if not keys:
            return ABSENT
        key = max(keys, key=len)
        node, rest = node[key], rest[len(key) + 1 :]
    return node


def layered(values: Mapping[str, Any], defaults: Mapping[str, Any]) -> Callable[[str], Any]:
    """Look a path up in the library's values, then in the row's chart defaults."""

    def lookup(path: str) -> Any:
        found = value_at(values, path)
        if found is None:  # Helm: a null value removes the key, default included
            return ABSENT
        return defaults.get(path, ABSENT) if found is ABSENT else found

    return lookup


def parse_defaults(text: str) -> dict[str, Any]:
    """The `defaults` column: `path=JSON` pairs separated by `; ` (`unset` = absent, `-` =
    none). JSON values are read with a JSON decoder, so objects containing `;` survive."""
    text = text.strip()
    if text in ("", "-"):
        return {}
    decoder = json.JSONDecoder()
    result: dict[str, Any] = {}
    position = 0
    while position < len(text):
        equals = text.find("=", position)
        if equals < 0:
            raise HookExprError(f"no '=' after {text[position:]!r}")
        path = text[position:equals].strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]*", path):
            raise HookExprError(f"bad path {path!r} in defaults {text!r}")
        start = equals + 1
        if text.startswith("unset", start):
            result[path], end = ABSENT, start + len("unset")
        else:
            result[path], end = decoder.raw_decode(text, start)
        rest = text[end:]
        if rest.strip() == "":
            break
        separator = re.match(r"\s*;\s*", rest)
        if separator is None:
            raise HookExprError(f"expected ';' after {path} in defaults {text!r}")
        position = end + separator.end()
    return result


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HookRow:
    """One hook resource of one pinned chart (`line` is its line in the tsv)."""

    line: int
    chart: str
    version: str
    template: str
    kind: str
    name: str
    hooks: tuple[str, ...]
    enabled_when: str
    defaults: Mapping[str, Any]
    effect: str

    @property
    def test_only(self) -> bool:
        """`helm test` hooks: never part of an install, harmless to drop."""
        return set(self.hooks) <= {"test", "test-success"}

    def enabled(self, values: Mapping[str, Any], apis: frozenset[str] = frozenset()) -> bool:
        """Whether the chart renders this hook resource under `values`."""
        return truthy(evaluate(parse(self.enabled_when), layered(values, self.defaults), apis))


COLUMNS = (
    "chart",
    "version",
    "template",
    "kind",
    "name",
    "hooks",
    "delete_policy",
    "enabled_when",
    "defaults",
    "effect_if_dropped",
)


def read_rows(path: Path) -> list[HookRow]:
    """Every row of helm-hooks.tsv (tab-separated, one header line, no quoting)."""
    lines = path.read_text().splitlines()
    header = tuple(lines[0].split("\t"))
    if header != COLUMNS:
        raise HookExprError(f"unexpected helm-hooks.tsv columns {header}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = dict(zip(COLUMNS, line.split("\t"), strict=True))
        rows.append(
            HookRow(
                line=number,
                chart=cells["chart"],
                version=cells["version"],
                template=cells["template"],
                kind=cells["kind"],
                name=cells["name"],
                hooks=tuple(h.strip() for h in cells["hooks"].split(",")),
                enabled_when=cells["enabled_when"],
                defaults=parse_defaults(cells["defaults"]),
                effect=cells["effect_if_dropped"],
            )
        )
    return rows
