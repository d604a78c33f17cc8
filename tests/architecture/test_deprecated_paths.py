"""Import paths the 0.1 docs showed keep working for one release, with a DeprecationWarning
that names the new home (CHANGELOG 0.2.0)."""

from __future__ import annotations

import importlib

import pytest

MOVED = [
    ("pulumi_llmops.platform", "LlmOpsPlatform", "pulumi_llmops.bundle"),
    ("pulumi_llmops.platform", "LlmOpsPlatformArgs", "pulumi_llmops.bundle"),
    ("pulumi_llmops.addons", "MODELS_NAMESPACE", "pulumi_llmops.kube"),
    ("pulumi_llmops.addons", "labelled_namespace", "pulumi_llmops.kube"),
    ("pulumi_llmops.addons.namespaces", "MODELS_NAMESPACE", "pulumi_llmops.kube"),
    ("pulumi_llmops.addons.namespaces", "SYSTEM_NAMESPACE", "pulumi_llmops.kube"),
    ("pulumi_llmops.addons.helm", "deep_merge", "pulumi_llmops.kube.helm"),
    (
        "pulumi_llmops.addons.vector_db.values",
        "API_KEY_KEY",
        "pulumi_llmops.addons.vector_db.common",
    ),
    (
        "pulumi_llmops.addons.vector_db.values",
        "CHART_MONITORS",
        "pulumi_llmops.addons.vector_db.engines",
    ),
    ("pulumi_llmops.serving", "build_serving", "pulumi_llmops.bundle.serving"),
    ("pulumi_llmops.serving", "ServingPlan", "pulumi_llmops.bundle.serving"),
]


@pytest.mark.parametrize(("old", "name", "new"), MOVED, ids=[f"{o}.{n}" for o, n, _ in MOVED])
def test_old_path_warns_and_serves_the_same_object(old: str, name: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"{old}\.{name} moved to {new}\.{name}"):
        value = getattr(importlib.import_module(old), name)
    assert value is getattr(importlib.import_module(new), name)


def test_unknown_names_still_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        importlib.import_module("pulumi_llmops.platform").nothing  # noqa: B018
