"""The examples table of examples/README.md, generated from running each example.

`python tests/examples/readme_table.py` (or `make docs`) rewrites the section between the
markers; `test_readme_table_is_current` fails when it is stale. Resources are counted on the
mock engine; GPU cost ranges come from `llmops plan` of the example's stack file (pools at
min and max nodes, 730 h, on-demand catalogue prices) or, for compose-your-own, from the
program's own `gpu_monthly_cost_usd` output.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "examples" / "README.md"
BEGIN = "<!-- BEGIN generated examples table -->"
END = "<!-- END generated examples table -->"


@dataclass(frozen=True)
class Example:
    name: str
    stack_file: str | None
    target: str
    how: str
    note: str = ""
    bundle: bool = True


EXAMPLES = (
    Example(
        "eks-llm-serving",
        "Pulumi.dev.yaml",
        "EKS",
        "bundle, stack config",
        "spot L4 pool, scale to zero",
    ),
    Example("gke-rag", "Pulumi.dev.yaml", "GKE", "bundle, stack config"),
    Example(
        "gke-inference-gateway",
        "Pulumi.dev.yaml",
        "GKE",
        "bundle, stack config, inference gateway, SLO sizing, benchmark Job",
        "spot L4 pool, scale to zero",
    ),
    Example("aks-gpu-sharing", "Pulumi.prod.yaml", "AKS", "bundle, stack config"),
    Example(
        "onprem-existing-cluster",
        "Pulumi.lab.yaml",
        "on-prem",
        "bundle, stack config, secret kubeconfig",
        "owned GPUs",
    ),
    Example(
        "gpu-queues-and-finetuning",
        "Pulumi.lab.yaml",
        "on-prem",
        "bundle, stack config, Kueue team queues, a LoRA fine-tuning run",
        "owned GPUs",
    ),
    Example(
        "onprem-dra-gpu-claims",
        "Pulumi.lab.yaml",
        "on-prem",
        "bundle, stack config, GPUs by DRA claim (MIG slices and whole GPUs)",
        "owned GPUs",
    ),
    Example(
        "compose-your-own",
        "Pulumi.dev.yaml",
        "EKS",
        "L1 + L2 components by hand, the team's own package",
        bundle=False,
    ),
    Example(
        "ci-policy-checks",
        None,
        "-",
        "GitHub Actions: tests, `llmops check`, `pulumi preview --policy-pack`",
    ),
)


def _money(value: float) -> str:
    return f"${value:,.0f}"


def _row(example: Example) -> str:
    link = f"[{example.name}]({example.name}/)"
    if example.stack_file is None:
        return f"| {link} | {example.target} | {example.how} | - | - |"
    from pulumi_llmops.offline.plan import plan_stack
    from pulumi_llmops.offline.project import run_project
    from pulumi_llmops.offline.stack_file import read_stack_file

    folder = ROOT / "examples" / example.name
    recording = run_project(folder, folder / example.stack_file)
    if example.bundle:
        plan = plan_stack(read_stack_file(folder / example.stack_file))
        low = sum(p.monthly_cost_min_usd or 0.0 for p in plan.inventory)
        high = sum(p.monthly_cost_max_usd or 0.0 for p in plan.inventory)
    else:
        cost = recording.outputs["gpu_monthly_cost_usd"]
        low, high = cost["min"], cost["max"]
    span = _money(low) if low == high else f"{_money(low)} - {_money(high)}"
    if example.note:
        span += f" ({example.note})"
    return f"| {link} | {example.target} | {example.how} | {len(recording)} | {span} |"


def render() -> str:
    rows = [
        "| example | target | how | resources | GPU $/month (catalogue, on-demand) |",
        "| --- | --- | --- | --- | --- |",
        *(_row(e) for e in EXAMPLES),
    ]
    return "\n".join([BEGIN, *rows, END])


def committed(text: str) -> str:
    return text[text.index(BEGIN) : text.index(END) + len(END)]


def main() -> int:
    text = README.read_text()
    README.write_text(text.replace(committed(text), render()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
