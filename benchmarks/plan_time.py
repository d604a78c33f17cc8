"""Start-up and scaling benchmark for `llmops plan` (not a timed test).

Measures, in one run on this machine, fresh processes each, the rows' runs interleaved:
  * the floor: `python -c "import pulumi, pulumi_kubernetes"`;
  * per shipped stack, `llmops plan --stack <name>` (the installed command, output piped),
    and, for the cloud stacks, the floor plus that stack's own SDK import (exactly the
    modules of its cloud SDK the plan loads, listed by a probe run);
  * each with bytecode cached (a private `PYTHONPYCACHEPREFIX`, as a pip install with its
    default byte-compiling gives) and without (this venv is installed `--no-compile` and this
    machine sets `PYTHONDONTWRITEBYTECODE`, so every module is compiled on every start);
  * CPU time (user + system of the child) beside wall time: on a shared machine the CPU
    ratio moves less with load;
  * lower bounds of each plan: its floor plus only the config models, plus only as many
    registrations on the mock engine, and plus both (the last only, for the cloud stacks);
  * plan time and peak RSS at 1, 10, 100 and 1000 on-prem GPU pools (2 nodes each), and the
    cost per registered resource above the one-pool plan.
Writes the figures between the markers in benchmarks/README.md and prints them.
Usage: python benchmarks/plan_time.py [--runs N] [--scaling-runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- plan-time:begin -->", "<!-- plan-time:end -->"
LLMOPS = str(Path(sys.executable).with_name("llmops"))
STACKS = ("dev-onprem", "staging-onprem", "dev-eks", "prod-gke", "prod-aks")
DEFAULT = "dev-onprem"

FLOOR = "import pulumi, pulumi_kubernetes"
PROBE = """
import json, sys
from pathlib import Path
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.targets import TARGETS
plan = plan_stack(read_stack_file(Path(sys.argv[1])))
roots = set(TARGETS[plan.config.target].sdk_modules)
print(json.dumps({"resources": len(plan.recording),
                  "sdk": sorted(m for m in sys.modules if m.split(".")[0] in roots)}))
"""
# Lower bounds of a stack's plan, each a program that does only part of its work on top of
# the stack's floor: importing the config models (pydantic), registering as many resources as
# the stack on the mock engine (thin ConfigMaps: the SDK's own per-resource cost, no library
# logic), and both. The default stack gets all three, each cloud stack the last.
CONFIG_MODELS = "import pulumi_llmops.config"
REGISTRATIONS = """
from pulumi_llmops import k8s
from pulumi_llmops.offline.engine import run_program
def program():
    for i in range(N_RESOURCES):
        k8s.core.v1.ConfigMap(f"cm-{i}", metadata={"name": f"cm-{i}"}, data={"k": "v"})
run_program(program, stack="bound")
"""


def bound_programs(stack: str, resources: int, floor_code: str) -> list[tuple[str, str]]:
    """(label, code) of the lower-bound programs of `stack` (see the comment above)."""
    registrations = REGISTRATIONS.replace("N_RESOURCES", str(resources))
    both = (
        "floor + config models + {n} registrations",
        f"{floor_code}\n{CONFIG_MODELS}\n{registrations}",
    )
    if stack != DEFAULT:
        return [both]
    return [
        ("floor + config models (pydantic)", f"{floor_code}\n{CONFIG_MODELS}"),
        ("floor + {n} registrations on the mock engine", f"{floor_code}\n{registrations}"),
        both,
    ]


PLAN = """
import json, resource, sys
from pathlib import Path
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
plan = plan_stack(read_stack_file(Path(sys.argv[1])))
print(json.dumps({"resources": len(plan.recording),
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the child) and stdout of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True, env=env).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, out


@dataclass
class Row:
    """One command, sampled `runs` times."""

    args: list[str]
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    def sample(self, env: dict[str, str]) -> None:
        wall, cpu, _ = run(self.args, env)
        self.walls.append(wall)
        self.cpus.append(cpu)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def floor_with(modules: list[str]) -> str:
    """The floor plus `modules` (warnings off: the SDKs warn about resources we never use)."""
    lines = ["import warnings", "warnings.simplefilter('ignore')", FLOOR]
    return "\n".join([*lines, *(f"import {m}" for m in modules)])


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


def environments(tmp: Path) -> dict[str, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPYCACHEPREFIX",)}
    cached = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    # An empty prefix that is never written: no bytecode is read, not even a __pycache__
    # folder some earlier run left beside the sources.
    (tmp / "empty").mkdir()
    none = {**base, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp / "empty")}
    return {"bytecode cached": cached, "no bytecode": none}


def startup(runs: int, envs: dict[str, dict[str, str]]) -> list[str]:
    python = sys.executable
    cached = envs["bytecode cached"]
    probes = {}
    for stack in STACKS:
        path = str(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
        probes[stack] = json.loads(run([python, "-c", PROBE, path], cached)[2].splitlines()[-1])
    rows: dict[tuple[str, str], Row] = {}
    for name in envs:
        rows[(name, "floor")] = Row([python, "-c", FLOOR])
        for stack in STACKS:
            rows[(name, stack)] = Row([LLMOPS, "plan", "--stack", stack])
            if probes[stack]["sdk"]:
                sdk_floor = floor_with(probes[stack]["sdk"])
                rows[(name, f"{stack} floor")] = Row([python, "-c", sdk_floor])
    bounds = {
        stack: bound_programs(
            stack,
            probes[stack]["resources"],
            floor_with(probes[stack]["sdk"]) if probes[stack]["sdk"] else FLOOR,
        )
        for stack in STACKS
        if stack == DEFAULT or probes[stack]["sdk"]
    }
    for name in envs:
        for stack, programs in bounds.items():
            for label, code in programs:
                rows[(name, f"{stack} bound {label}")] = Row([python, "-c", code])
    for name, env in envs.items():  # warm-up: writes the cached bytecode
        for (row_env, _), row in rows.items():
            if row_env == name:
                run(row.args, env)
    for _ in range(runs):  # interleaved: a change of load hits every row alike
        for (name, _), row in rows.items():
            row.sample(envs[name])

    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores, load "
        f"average {os.getloadavg()[0]:.1f} at the end), Python {sys.version.split()[0]}, "
        f"median of {runs} fresh processes per row after one warm-up, rows interleaved. "
        "Ratios are to the floor measured in the same run and state (a cloud stack's floor "
        "includes the modules of its cloud SDK that its plan loads). Goal: <= 1.5.",
        "",
        "| stack | resources | bytecode | floor CPU / wall | `llmops plan` CPU / wall "
        "| ratio CPU | ratio wall |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for stack in STACKS:
        for name in envs:
            floor = rows.get((name, f"{stack} floor")) or rows[(name, "floor")]
            plan = rows[(name, stack)]
            label = f"**{stack}** (default)" if stack == DEFAULT else stack
            sdk = f" + {len(probes[stack]['sdk'])} SDK modules" if probes[stack]["sdk"] else ""
            lines.append(
                f"| {label} | {probes[stack]['resources']} | {name} "
                f"| {floor.cpu * 1000:.0f} / {floor.wall * 1000:.0f} ms{sdk} "
                f"| {plan.cpu * 1000:.0f} / {plan.wall * 1000:.0f} ms "
                f"| {plan.cpu / floor.cpu:.2f} | {plan.wall / floor.wall:.2f} |"
            )
    lines += [
        "",
        "Lower bounds, same run: programs that do only part of a plan's work on top of the "
        "stack's floor. The registrations are as many thin ConfigMaps as the stack registers, "
        "on the library's mock engine (the SDK's own per-resource cost, no library logic); the "
        "config models are the import of `pulumi_llmops.config` (pydantic building the spec "
        "models).",
        "",
        "| stack | program | bytecode | CPU / wall | ratio CPU to the stack's floor |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    for stack, programs in bounds.items():
        for label, _ in programs:
            for name in envs:
                row = rows[(name, f"{stack} bound {label}")]
                floor = rows.get((name, f"{stack} floor")) or rows[(name, "floor")]
                lines.append(
                    f"| {stack} | {label.format(n=probes[stack]['resources'])} | {name} "
                    f"| {row.cpu * 1000:.0f} / {row.wall * 1000:.0f} ms "
                    f"| {row.cpu / floor.cpu:.2f} |"
                )
    return lines


def scaling(runs: int, env: dict[str, str]) -> list[str]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for count in (1, 10, 100, 1000):
            path = Path(tmp) / f"Pulumi.bench-{count}.yaml"
            path.write_text(yaml.safe_dump(pools_stack(count)))
            samples = [run([sys.executable, "-c", PLAN, str(path)], env) for _ in range(runs)]
            stats = json.loads(samples[-1][2])
            wall = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[1] for s in samples)
            rows.append((count, stats["resources"], wall, cpu, stats["maxrss_mib"]))
    _, base_resources, base_wall, base_cpu, _ = rows[0]
    lines = [
        "",
        f"Scaling (bytecode cached, median of {runs}): on-prem GPU pools of 2 nodes each; "
        "target <= 3 ms per resource above the one-pool plan.",
        "",
        "| GPU pools | resources | CPU / wall | peak RSS "
        "| CPU / wall ms per resource above 1 pool |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for pools, resources, wall, cpu, rss in rows:
        extra = resources - base_resources
        per = (
            f"{(cpu - base_cpu) * 1000 / extra:.2f} / {(wall - base_wall) * 1000 / extra:.2f}"
            if extra
            else "-"
        )
        lines.append(
            f"| {pools} | {resources} | {cpu * 1000:.0f} / {wall * 1000:.0f} ms | {rss:.0f} MiB "
            f"| {per} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scaling-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        envs = environments(Path(tmp))
        lines = startup(args.runs, envs)
        lines += scaling(args.scaling_runs, envs["bytecode cached"])
    table = "\n".join(lines)
    print(table)
    text = README.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main()
