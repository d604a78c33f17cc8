"""`llmops plan`'s Kueue section: team quotas and fine-tuning runs, only when Kueue is on."""

from __future__ import annotations

import functools
from pathlib import Path

from pulumi_llmops.offline.plan import Plan, plan_stack
from pulumi_llmops.offline.render import render_text
from pulumi_llmops.offline.stack_file import read_stack_file

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def example_plan() -> Plan:
    return plan_stack(
        read_stack_file(ROOT / "examples" / "gpu-queues-and-finetuning" / "Pulumi.lab.yaml")
    )


def test_the_text_plan_shows_quotas_and_runs() -> None:
    text = render_text(example_plan())
    section = text[text.index("Team queues (Kueue)") :]
    assert section == (
        "Team queues (Kueue)\n"
        "team      namespace      cohort  pool  gpus  borrow    lend      pool max\n"
        "product   team-product   llmops  h100  8     no limit  4         16\n"
        "research  team-research  llmops  h100  8     4         no limit  16\n"
        "\n"
        "Fine-tuning runs\n"
        "run           team     pool  method  gpus  per gpu   weights   optimizer\n"
        "support-lora  product  h100  lora    1     27.4 GiB  15.0 GiB  0.5 GiB\n"
    )


def test_the_json_plan_carries_the_run_terms() -> None:
    queues = example_plan().to_dict()["queues"]
    assert queues["finetune"] == [
        {
            "run": "support-lora",
            "team": "product",
            "pool": "h100",
            "method": "lora",
            "gpus": 1,
            "weights_gib": 14.96,
            "gradients_gib": 0.08,
            "optimizer_gib": 0.47,
            "activations_gib": 8.93,
            "overhead_gib": 2.94,
            "total_gib": 27.38,
        }
    ]
    assert [(t["team"], t["gpus"], t["pool_max_gpus"]) for t in queues["teams"]] == [
        ("product", 8, 16),
        ("research", 8, 16),
    ]


def test_plans_without_kueue_are_unchanged() -> None:
    plan = plan_stack(read_stack_file(ROOT / "stacks" / "Pulumi.dev-onprem.yaml"))
    assert "queues" not in plan.to_dict()
    assert "Team queues" not in render_text(plan)
