"""compose-your-own: the platform built from L1 + L2 components by hand (no bundle).

Besides the snapshot, this proves the example's claim: with the same settings, the hand-built
program registers the same kinds of resources as the `LlmOpsPlatform` bundle, with the same
Helm values, node groups and InferenceServices.
"""

from __future__ import annotations

from collections import Counter

import yaml

from helpers import run_platform
from pulumi_llmops.offline.analyzer import evaluate
from pulumi_llmops.offline.check import policy_config_documents
from pulumi_llmops.offline.recording import SECRET
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.policy import PACKS
from pulumi_llmops.policy.config import resolve

from .conftest import EXAMPLES, ROOT

NAME, STACK_FILE = "compose-your-own", "Pulumi.dev.yaml"
ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService"
CHART = "kubernetes:helm.sh/v4:Chart"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"


def _settings() -> dict:
    document = yaml.safe_load((EXAMPLES / NAME / STACK_FILE).read_text())
    return document["config"]["acme-llm-platform:settings"]


def _bundle_equivalent():
    """The same platform as `llmops:platform` stack config, run through the bundle."""
    s = _settings()
    platform = {
        "environment": s["environment"],
        "target": "eks",
        "region": s["region"],
        "cluster": {"name": s["cluster_name"], "eks": s["eks"]},
        "node_pools": s["gpu_pools"],
        "models": s["models"],
        "addons": {
            "vector_db": s["vector_db"],
            "observability": s["observability"],
            "gitops": s["gitops"],
        },
        "tags": s["tags"],
    }
    recording, _ = run_platform(platform)
    return recording


def test_urns_match_snapshot(run_example, snapshot) -> None:
    recording = run_example(NAME, STACK_FILE)
    assert len(recording) == 107
    assert recording.urns() == snapshot


def test_no_bundle_and_the_team_namespace_is_added(run_example) -> None:
    recording = run_example(NAME, STACK_FILE)
    assert recording.of_type("llmops:platform:LlmOpsPlatform") == []
    team = recording.named("acme-dev-namespaces-search-api").inputs["metadata"]
    assert team["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert team["labels"]["team"] == "search"
    policy = recording.named("acme-dev-vectordb-network-policy").inputs
    [expression] = policy["spec"]["ingress"][0]["from"][1]["namespaceSelector"]["matchExpressions"]
    assert "search-api" in expression["values"]


def test_outputs_include_the_catalogue_gpu_budget(run_example) -> None:
    outputs = run_example(NAME, STACK_FILE).outputs
    # us-east-1 catalogue prices x 730 h: g6.xlarge $0.8048/h x 0-2 nodes,
    # g5.12xlarge $5.672/h x 0-1 node.
    assert outputs["gpu_monthly_cost_usd"] == {
        "min": 0.0,
        "max": round(0.8048 * 730 * 2 + 5.672 * 730, 2),
        "unpriced_pools": [],
    }
    assert outputs["models"] == {"qwen2-5-32b": "a10g-x4", "qwen2-5-7b": "l4-spot"}
    assert outputs["gpu_node_selectors"] == {
        "a10g-x4": {"llmops.dev/pool": "a10g-x4"},
        "l4-spot": {"llmops.dev/pool": "l4-spot"},
    }
    assert outputs["kubeconfig"] is SECRET
    assert outputs["gitops_applications"] == ["search-api"]
    assert outputs["vector_db_api_key"] is SECRET


def test_everything_the_bundle_builds_is_built_by_hand(run_example) -> None:
    by_hand = run_example(NAME, STACK_FILE)
    bundle = _bundle_equivalent()
    expected = Counter(bundle.type_counts())
    expected["llmops:platform:LlmOpsPlatform"] -= 1
    expected["kubernetes:core/v1:Namespace"] += 1  # the team's search-api namespace
    assert Counter(by_hand.type_counts()) == +expected

    def charts(recording):
        return {
            r.inputs["chart"]: (r.inputs["version"], r.inputs["namespace"], r.inputs["values"])
            for r in recording.of_type(CHART)
        }

    assert charts(by_hand) == charts(bundle)

    def specs(recording):
        return {r.inputs["metadata"]["name"]: r.inputs["spec"] for r in recording.of_type(ISVC)}

    assert specs(by_hand) == specs(bundle)
    assert (
        specs(by_hand)["qwen2-5-32b"]["predictor"]["model"]["resources"]["limits"]["nvidia.com/gpu"]
        == "4"
    )

    def pools(recording):
        keep = (
            "instanceTypes",
            "capacityType",
            "scalingConfig",
            "labels",
            "taints",
            "amiType",
            "diskSize",
        )
        return {
            r.inputs["labels"]["llmops.dev/pool"]: {k: r.inputs.get(k) for k in keep}
            for r in recording.of_type(NODE_GROUP)
            if "llmops.dev/pool" in r.inputs.get("labels", {})
        }

    assert pools(by_hand) == pools(bundle)
    assert sorted(pools(by_hand)) == ["a10g-x4", "l4-spot", "system"]


def test_passes_the_mandatory_policies_of_its_environment(run_example) -> None:
    """`llmops check` only runs `llmops:platform` programs; the same rules, evaluated here on
    this program's recording with policies/config/dev (what `pulumi preview --policy-pack`
    would enforce)."""
    recording = run_example(NAME, STACK_FILE)
    stack = read_stack_file(EXAMPLES / NAME / STACK_FILE)
    documents, sources = policy_config_documents("dev", (), ROOT / "policies")
    settings = {pack: resolve(PACKS[pack], documents[pack], sources[pack]) for pack in PACKS}
    violations = evaluate(
        recording,
        settings,
        stack.config,
        stack.secret_keys,
        stack=stack.stack,
        project="acme-llm-platform",
    )
    assert [(v.pack, v.policy, v.resource_name) for v in violations if v.level == "mandatory"] == []
    # The on-demand 4 x A10G pool is the one advisory finding (spot outside prod).
    assert [(v.policy, v.resource_name) for v in violations] == [
        ("spot-gpu-pools-outside-prod", "acme-dev-a10g-x4-nodes")
    ]
