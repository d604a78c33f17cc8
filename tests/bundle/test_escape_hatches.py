"""The escape-hatch ladder (docs/escape-hatches.md): each rung wins over the defaults.

Rungs 1-4 per add-on are tested next to each add-on (values_overrides, enabled: false,
existing_* secrets); here: the shared merge rule, additive maps, and Pulumi transformations
on the whole bundle.
"""

from __future__ import annotations

import json

import pulumi

from helpers import onprem_platform, run
from pulumi_llmops.bundle import LlmOpsPlatform, LlmOpsPlatformArgs
from pulumi_llmops.config import load_platform_config
from pulumi_llmops.kube.helm import deep_merge


def test_values_overrides_merge_rule_dicts_merge_lists_and_scalars_replace() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "d": "x"}
    override = {"a": {"c": [3], "e": True}, "d": None}
    assert deep_merge(base, override) == {"a": {"b": 1, "c": [3], "e": True}, "d": None}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": "x"}  # inputs are not modified


def test_additional_labels_and_taints_win_over_library_defaults() -> None:
    config = onprem_platform(
        node_pools={
            "l4": {
                "gpu": {"model": "L4", "count": 1},
                "additional_labels": {"llmops.dev/gpu-model": "nvidia-l4"},
                "additional_taints": {"nvidia.com/gpu": {"value": "", "effect": "NoExecute"}},
                "onprem": {"node_names": ["n1"]},
            }
        },
        addons={"vector_db": {"enabled": False}, "observability": {"enabled": False}},
    )
    recording, _ = run(_bundle(config))
    patch = recording.named("lab-l4-n1")
    assert patch.inputs["metadata"]["labels"]["llmops.dev/gpu-model"] == "nvidia-l4"
    assert patch.inputs["spec"]["taints"] == [{"effect": "NoExecute", "key": "nvidia.com/gpu"}]


def test_a_transformation_on_the_bundle_wins_over_every_child_default() -> None:
    """Pulumi applies `transformations` client-side, so the mock engine shows the result.
    (`transforms`, the newer form, run in the engine and are not applied under mocks.)"""

    def label_namespaces(args: pulumi.ResourceTransformationArgs):
        if args.type_ == "kubernetes:core/v1:Namespace":
            metadata = args.props["metadata"]  # a dict or an ObjectMetaArgs, as the caller wrote it
            if isinstance(metadata, dict):
                metadata = {**metadata, "labels": {**(metadata.get("labels") or {}), **OWNER}}
            else:
                metadata.labels = {**(metadata.labels or {}), **OWNER}
            props = {**args.props, "metadata": metadata}
            return pulumi.ResourceTransformationResult(props, args.opts)
        return None

    opts = pulumi.ResourceOptions(transformations=[label_namespaces])
    recording, _ = run(_bundle(onprem_platform(), opts))
    namespaces = recording.of_type("kubernetes:core/v1:Namespace")
    assert namespaces
    assert {r.inputs["metadata"]["labels"]["owner"] for r in namespaces} == {"platform-team"}


OWNER = {"owner": "platform-team"}


def _bundle(data: dict, opts: pulumi.ResourceOptions | None = None):
    config = load_platform_config(json.loads(json.dumps(data)))
    return lambda: LlmOpsPlatform("lab", LlmOpsPlatformArgs(config=config), opts)
