"""Plan-time and scaling benchmark for the offline plan (not a timed test).

Measures, in one run on this machine:
  * the floor: a fresh `python -c "import pulumi, pulumi_kubernetes"`;
  * the default stack's `llmops plan` (fresh process), and its ratio to the floor;
  * plan time and peak RSS at 1, 10, 100 and 1000 on-prem GPU pools (2 nodes each), and the
    cost per registered resource above the floor.
Writes the figures between the markers in benchmarks/README.md and prints them.
Usage: python benchmarks/plan_time.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- plan-time:begin -->", "<!-- plan-time:end -->"

FLOOR = "import pulumi, pulumi_kubernetes"
# What any program that creates a Namespace and validates config with pydantic must load.
SDK_FLOOR = "import pulumi, pulumi_kubernetes.core.v1, pydantic, pulumi.runtime.mocks"
PLAN = """
import json, resource, sys
from pathlib import Path
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
plan = plan_stack(read_stack_file(Path(sys.argv[1])))
print(json.dumps({"resources": len(plan.recording),
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def timed(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start, out


def median_run(args: list[str], runs: int) -> tuple[float, str]:
    samples, out = [], ""
    for _ in range(runs):
        seconds, out = timed(args)
        samples.append(seconds)
    return statistics.median(samples), out


def pools_stack(count: int) -> dict:
    return {
        "config": {
            "llmops:platform": {
                "environment": "bench",
                "target": "onprem",
                "region": "dc1",
                "cluster": {"name": "bench", "kubeconfig": {"context": "bench"}},
                "node_pools": {
                    f"pool-{i:03d}": {
                        "gpu": {"model": "L40S", "count": 4},
                        "onprem": {"node_names": [f"node-{i:03d}-a", f"node-{i:03d}-b"]},
                    }
                    for i in range(count)
                },
            }
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    python = sys.executable

    floor, _ = median_run([python, "-c", FLOOR], runs)
    sdk_floor, _ = median_run([python, "-c", SDK_FLOOR], runs)
    default, out = median_run(
        [python, "-c", PLAN, str(ROOT / "stacks" / "Pulumi.dev-onprem.yaml")], runs
    )
    default_stats = json.loads(out)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in (1, 10, 100, 1000):
            path = Path(tmp) / f"Pulumi.bench-{count}.yaml"
            path.write_text(yaml.safe_dump(pools_stack(count)))
            seconds, out = median_run([python, "-c", PLAN, str(path)], runs)
            stats = json.loads(out)
            rows.append((count, stats["resources"], seconds, stats["maxrss_mib"]))

    base_pools, base_resources, base_seconds, _ = rows[0]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine (2 cores), Python "
        f"{sys.version.split()[0]}, median of {runs} fresh processes each.",
        "",
        "| what | wall time | ratio to floor |",
        "| --- | --- | --- |",
        f'| floor: `python -c "{FLOOR}"` | {floor * 1000:.0f} ms | 1.00 |',
        f'| SDK floor: `python -c "{SDK_FLOOR}"` | {sdk_floor * 1000:.0f} ms '
        f"| {sdk_floor / floor:.2f} |",
        f"| default stack (dev-onprem, {default_stats['resources']} resources) offline plan "
        f"| {default * 1000:.0f} ms | {default / floor:.2f} ({default / sdk_floor:.2f} "
        "to the SDK floor) |",
        "",
        "| GPU pools | resources | plan time | peak RSS | ms per resource above 1 pool |",
        "| --- | --- | --- | --- | --- |",
    ]
    for pools, resources, seconds, rss in rows:
        extra = resources - base_resources
        per = f"{(seconds - base_seconds) * 1000 / extra:.2f}" if extra else "-"
        lines.append(f"| {pools} | {resources} | {seconds * 1000:.0f} ms | {rss:.0f} MiB | {per} |")
    table = "\n".join(lines)
    print(table)
    text = README.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main()
