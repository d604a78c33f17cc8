"""`llmops check` on the EKS fixture with a DRA pool and a reserved pool, in prod: the
environment's packs pass, the DRA driver's privileged namespace included, and the budget
counts the reserved Capacity Block."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.cloud_configs import dra_and_reserved
from pulumi_llmops.offline.check import check_stack
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.policy.cost import BUDGET

ROOT = Path(__file__).resolve().parents[2]


def stack(tmp_path: Path, **changes) -> Path:
    data = dra_and_reserved("eks")
    data.update(environment="prod", tags={"team": "ml", "cost-center": "cc-1"}, **changes)
    for model in data["models"].values():
        model["storage_uri"] = "s3://acme-llm-models-prod/qwen2.5-1.5b-instruct"
    path = tmp_path / "Pulumi.prod-dra.yaml"
    path.write_text(yaml.safe_dump({"config": {"llmops:platform": data}}))
    return path


def test_prod_packs_pass_on_a_dra_and_reserved_stack(tmp_path: Path) -> None:
    result = check_stack(read_stack_file(stack(tmp_path)), policies_dir=ROOT / "policies")
    assert [(v.policy, v.resource_name) for v in result.violations] == []


def test_the_budget_counts_the_reserved_capacity_block(tmp_path: Path) -> None:
    config = tmp_path / "cost-guardrails.json"
    config.write_text('{"monthly-gpu-budget": {"monthlyBudgetUsd": 20000}}')
    result = check_stack(
        read_stack_file(stack(tmp_path)),
        policy_configs=[config],
        policies_dir=ROOT / "policies",
    )
    budget = [v for v in result.violations if v.policy == BUDGET.name]
    assert len(budget) == 1
    assert "EKS node group 'ml-h100-nodes' reserved 1 x $31.464/h = $22,969" in budget[0].message
