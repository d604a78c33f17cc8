"""Helm charts as policies see them: `helm.v4.Chart` registers one resource whose props are
`chart`, `version`, `namespace`, `repositoryOpts` and `values` on the mock engine (`llmops
check`); under the Pulumi CLI the Chart has no props (`PROPS_HIDDEN_FROM_PACKS`) and the rendered
objects are its children, which are not rendered at all offline)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .props import get, is_unknown

HELM_TYPES = frozenset(
    {"kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Release"}
)
# Under `pulumi preview --policy-pack` these reach policies with no props at all: they are
# components the Kubernetes provider constructs (pulumi/pulumi-kubernetes#2144; seen by the
# real-engine tier, e2e/platform/test_policy_parity.py). Rules on chart values therefore act
# in `llmops check` only; the objects a chart renders reach the packs as resources of their own.
PROPS_HIDDEN_FROM_PACKS = frozenset({"kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart"})


def chart_name(props: Any) -> str | None:
    """The chart's bare name: `qdrant` for `qdrant`, `repo/qdrant` and `oci://.../qdrant`."""
    chart = get(props, "chart")
    if not isinstance(chart, str) or not chart or is_unknown(chart):
        return None
    return chart.rstrip("/").rsplit("/", 1)[-1]


def walk(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(dotted path, leaf) for every scalar (and unknown) in a plain values tree."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, value


def mappings(value: Any, path: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(dotted path, mapping) for every mapping in a plain values tree, the root included."""
    if isinstance(value, Mapping):
        yield path, value
        for key, item in value.items():
            yield from mappings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from mappings(item, f"{path}[{index}]")


def setting_groups(value: Any, path: str) -> Iterator[tuple[str, dict[str, tuple[str, Any]]]]:
    """Settings that belong together: each mapping's scalar entries, and each `env`-style list
    of `{name, value}` entries (name as the key), as `(group path, {key: (path, value)})`.

    Charts configure the same thing either way (`s3: {region: ...}` or
    `env: [{name: ..._REGION, value: ...}]`), so rules look at both.
    """
    for node_path, node in mappings(value, path):
        scalars = {
            str(k): (f"{node_path}.{k}", v)
            for k, v in node.items()
            if not isinstance(v, (Mapping, list))
        }
        if scalars:
            yield node_path, scalars
        for key, item in node.items():
            if (
                isinstance(item, list)
                and item
                and all(isinstance(e, Mapping) and "name" in e for e in item)
            ):
                yield (
                    f"{node_path}.{key}",
                    {
                        str(e["name"]): (f"{node_path}.{key}[{i}].value", e.get("value"))
                        for i, e in enumerate(item)
                        if "value" in e
                    },
                )
