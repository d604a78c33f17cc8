"""Issue 16's "done when" stack: two models behind the inference gateway (one sized by its
SLO), Llama 3.1 405B served across two on-demand EFA nodes, and a benchmark Job (EKS, prod,
tests/bundle/fixtures/Pulumi.prod-eks-traffic.yaml) plans offline, prints the expected
throughput and $/1M tokens of the SLO-sized model, passes `llmops check` with the prod packs,
and every object the library builds for it validates against the official schema or the
pinned upstream CRD. A model served across nodes cannot sit behind the gateway: a
path-named error (the InferencePool would select KServe's Ray worker pods)."""

# ruff: noqa: E501 (exact plan lines are long)

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml

from helpers import built_objects, validate_built_objects
from pulumi_llmops.config.errors import ConfigError
from pulumi_llmops.offline.check import check_stack
from pulumi_llmops.offline.plan import Plan, plan_stack
from pulumi_llmops.offline.render import render_text
from pulumi_llmops.offline.stack_file import read_stack_file

ROOT = Path(__file__).resolve().parents[2]
STACK = Path(__file__).parent / "fixtures" / "Pulumi.prod-eks-traffic.yaml"
CRD_GROUPS = (
    "serving.kserve.io/",
    "monitoring.coreos.com/",
    "gateway.networking.k8s.io/",
    "inference.networking.x-k8s.io/",
    "keda.sh/",
)


@functools.cache
def plan() -> Plan:
    return plan_stack(read_stack_file(STACK))


def test_it_plans_with_every_piece() -> None:
    rec = plan().recording
    assert len(rec) == 113
    assert sorted(
        r.name for r in rec.of_type("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")
    ) == [
        "prod-traffic-inference-gateway-llama-3-1-8b-route",
        "prod-traffic-inference-gateway-qwen2-5-7b-route",
    ]
    assert (
        len(rec.of_type("kubernetes:inference.networking.x-k8s.io/v1alpha2:InferenceObjective"))
        == 4
    )
    assert len(rec.of_type("kubernetes:keda.sh/v1alpha1:ScaledObject")) == 1
    job = rec.named("prod-traffic-benchmark-job").inputs
    assert job["metadata"]["namespace"] == "llmops-models"
    big = rec.named("prod-traffic-models-llama-405b").inputs["spec"]["predictor"]["workerSpec"]
    assert (big["tensorParallelSize"], big["pipelineParallelSize"]) == (8, 2)


def test_plan_prints_throughput_and_cost_per_million_tokens() -> None:
    lines = [line.rstrip() for line in render_text(plan()).splitlines()]
    start = lines.index("SLO sizing (expected, from the throughput table)")
    assert lines[start + 1 : start + 3] == [
        "model       TP  replicas  tokens/s  needed      TPOT    TTFT  $/1M tok",
        "qwen2-5-7b   1         5       123     100  100.0 ms  357 ms    $11.18",
    ]
    models = {row.model: row for row in plan().models}
    assert models["qwen2-5-7b"].to_dict()["slo"]["usd_per_million_tokens"] == 11.1778
    assert models["qwen2-5-7b"].to_dict()["slo"]["tokens_per_second"] == 123.1
    assert [line for line in lines if line.startswith(("llama-405b ", "qwen2-5-7b "))][:2] == [
        "llama-405b    762.9 GiB  49.6 GiB  a100  A100-80GB  config               16       1-1   $54.89   $54.89",
        "qwen2-5-7b     17.4 GiB  17.4 GiB  l4    L4         slo                   1       5-5    $4.02    $4.02",
    ]


def test_it_passes_llmops_check_with_the_prod_packs() -> None:
    result = check_stack(read_stack_file(STACK), policies_dir=ROOT / "policies")
    assert result.mandatory == []
    assert result.advisory == []


def test_every_built_object_validates() -> None:
    objects = built_objects(plan().recording)
    assert len(objects) == 31
    validate_built_objects(objects, crd_groups=CRD_GROUPS, version="1.35.0")


@pytest.mark.parametrize(
    ("own", "path", "value"),
    [
        (None, "routing.default", "inference-gateway"),
        ("inference-gateway", "models.llama-405b.routing", "inference-gateway"),
    ],
)
def test_a_multi_node_model_behind_the_gateway_is_refused(
    tmp_path: Path, own: str | None, path: str, value: str
) -> None:
    data = yaml.safe_load(STACK.read_text())
    model = data["config"]["llmops:platform"]["models"]["llama-405b"]
    model.pop("routing")
    if own is not None:
        model["routing"] = own
    stack = tmp_path / "Pulumi.prod-eks-traffic.yaml"
    stack.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as caught:
        plan_stack(read_stack_file(stack))
    assert [(p.path, p.value) for p in caught.value.problems] == [(path, value)]
    assert caught.value.problems[0].message == (
        "model llama-405b is served across nodes (allow_multi_node): the InferencePool would "
        "select its Ray worker pods too (KServe labels them like the head pod) and one head "
        "pod leaves nothing to pick; set models.llama-405b.routing: service"
    )
