"""The helm-hooks.tsv reader and `enabled_when` evaluator (tests/helpers/hook_rows.py)."""

from __future__ import annotations

import pytest

from helpers.hook_rows import (
    ABSENT,
    HookExprError,
    HookRow,
    layered,
    parse,
    parse_defaults,
    read_rows,
    tokenize,
    value_at,
)
from helpers.upstream import require_upstream


def enabled(expr: str, values: dict, defaults: dict | None = None, apis=frozenset()) -> bool:
    row = HookRow(1, "c", "v", "t", "Job", "n", ("pre-install",), expr, defaults or {}, "")
    return row.enabled(values, apis)


@pytest.mark.parametrize(
    ("expr", "values", "expected"),
    [
        ("true", {}, True),
        ("false", {}, False),
        ("a.b", {"a": {"b": True}}, True),
        ("a.b", {}, False),  # absent is false
        ("not a.b", {}, True),
        ("a and b", {"a": 1, "b": 0}, False),
        ("a or b", {"a": 0, "b": "x"}, True),
        ("not a and b", {"a": False, "b": True}, True),  # not binds tighter than and
        ("a or b and c", {"a": True, "b": False, "c": False}, True),  # and binds tighter than or
        ("(a or b) and c", {"a": True, "b": False, "c": False}, False),
        ('m == "kubernetes"', {"m": "kubernetes"}, True),
        ('m != "kubernetes"', {"m": "cilium"}, True),
        ('m == "x"', {}, False),
        ('"helm.sh/hook" in ann', {"ann": {"helm.sh/hook": "post-install"}}, True),
        ('"helm.sh/hook" in ann', {"ann": {}}, False),
        ('"helm.sh/hook" in ann', {}, False),
        ("x.buckets", {"x": {"buckets": []}}, False),  # empty list is false
        ("x.buckets", {"x": {"buckets": [{"name": "b"}]}}, True),
        ("redis-ha.enabled", {"redis-ha": {"enabled": True}}, True),  # '-' in a path segment
        ("a and api(policy/v1beta1/PodSecurityPolicy)", {"a": True}, False),
    ],
)
def test_expressions(expr: str, values: dict, expected: bool) -> None:
    assert enabled(expr, values) is expected


def test_api_reads_the_cluster_api_set() -> None:
    gvk = "policy/v1beta1/PodSecurityPolicy"
    assert enabled(f"api({gvk})", {}, apis=frozenset({gvk})) is True


def test_library_values_win_over_chart_defaults_and_null_removes_the_key() -> None:
    defaults = {"a.enabled": True, "b": "x"}
    lookup = layered({"a": {"enabled": False}, "b": None}, defaults)
    assert lookup("a.enabled") is False
    assert lookup("b") is ABSENT
    assert layered({}, defaults)("a.enabled") is True
    assert enabled("a.enabled", {"a": {}}, defaults) is True  # the parent alone keeps defaults


def test_value_at_prefers_the_longest_key() -> None:
    values = {"files": {"user.yaml": "x", "user": {"yaml": "y"}}}
    assert value_at(values, "files.user.yaml") == "x"
    assert value_at(values, "files.other") is ABSENT
    assert value_at({"a": 1}, "a.b") is ABSENT


def test_parse_defaults() -> None:
    text = (
        'a.enabled=true; b.ann={"helm.sh/hook":"post-install; x","w":"1"}; c=unset; '
        'd.flavor="kubernetes"; e.list=[]'
    )
    assert parse_defaults(text) == {
        "a.enabled": True,
        "b.ann": {"helm.sh/hook": "post-install; x", "w": "1"},
        "c": ABSENT,
        "d.flavor": "kubernetes",
        "e.list": [],
    }
    assert parse_defaults("-") == {}


@pytest.mark.parametrize(
    "bad",
    ["a and", "(a", "a b", "a ==", "a = b", "and a", "'single'", "a.b.", "api(x)"],
)
def test_bad_expressions_are_rejected(bad: str) -> None:
    with pytest.raises(HookExprError):
        parse(bad)


@pytest.mark.parametrize("bad", ["a", "a=tru", "a=1 b=2", "9x=1"])
def test_bad_defaults_are_rejected(bad: str) -> None:
    with pytest.raises((HookExprError, ValueError)):
        parse_defaults(bad)


def test_no_eval_on_the_input() -> None:
    assert [t.kind for t in tokenize('__import__ == "os"')] == ["path", "symbol", "string"]
    assert enabled('__import__ == "os"', {}) is False


def test_every_upstream_row_parses() -> None:
    rows = read_rows(require_upstream() / "helm-hooks.tsv")
    assert len(rows) == 76
    for row in rows:
        parse(row.enabled_when)
        assert row.hooks and all(row.hooks), row.line
    assert {r.line for r in rows if r.test_only} >= {19, 20, 58, 77}
