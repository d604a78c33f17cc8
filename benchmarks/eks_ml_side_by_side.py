"""Side by side on Pulumi's mock engine: our EKS GPU stack and `pulumi-eks-ml`'s (not a test).

`pulumi-eks-ml` (PyPI) needs Python >= 3.12, the project's venv is 3.11: the script builds a
separate venv with that interpreter (`BENCH_EKSML_PYTHON`, else `python3.12` on PATH, else a
pyenv 3.12) and installs `pulumi-eks-ml==0.2.0` with our pins of pulumi, pulumi-aws and
pulumi-kubernetes. Both programs run in fresh processes of their own interpreter, `--runs`
times each (median), next to that interpreter's floor (`import pulumi, pulumi_kubernetes`):
  * theirs: VPC + EKSCluster with Karpenter pools g6e.12xlarge (on-demand, GPU taint),
    p4d.24xlarge (spot) and a CPU pool + `recommended_addons()`; `eks:index:Cluster` is a
    multi-language component whose ~20 children are not registered offline;
  * ours: `stacks/Pulumi.dev-eks.yaml` with the same two GPU pools, through `plan_stack`.
Writes the rows between the markers in benchmarks/README.md; prints "skipped: <reason>"
(and writes it there) when the peer cannot be installed.
Usage: PYTHONPATH=components python benchmarks/eks_ml_side_by_side.py [--runs N]
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- eksml-side-by-side:begin -->", "<!-- eksml-side-by-side:end -->"
PEER = "pulumi-eks-ml==0.2.0"
PINNED = ("pulumi", "pulumi-aws", "pulumi-kubernetes")
FLOOR = "import pulumi, pulumi_kubernetes"
THEIRS = Path(__file__).with_name("eks_ml_program.py")
OURS = """
import json, resource, sys, time
start = time.perf_counter()
from pathlib import Path
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
plan = plan_stack(read_stack_file(Path(sys.argv[1])))
print(json.dumps({"resources": len(plan.recording), "program_s": time.perf_counter() - start,
                  "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def peer_python() -> str | None:
    """The first candidate interpreter that runs and is Python >= 3.12 (pyenv shims may not)."""
    candidates = [os.environ.get("BENCH_EKSML_PYTHON"), shutil.which("python3.12")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12*/bin/python")))
    check = "import sys; sys.exit(sys.version_info < (3, 12))"
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", check], capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


def peer_venv(python: str) -> Path:
    """A venv with the peer and our pins, reused while the pins are the same."""
    pins = [f"{name}=={metadata.version(name)}" for name in PINNED] + [PEER]
    key = hashlib.sha256(" ".join([python, *pins]).encode()).hexdigest()[:12]
    venv = Path(tempfile.gettempdir()) / f"pulumi-llmops-eksml-{key}"
    marker = venv / ".installed"
    if not marker.exists():
        subprocess.run(
            [python, "-m", "venv", str(venv)], check=True, capture_output=True, text=True
        )
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *pins],
            check=True,
            capture_output=True,
            text=True,
        )
        marker.write_text(" ".join(pins))
    return venv


def timed(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    wall, _, out = timed_cpu(args, env)
    return wall, out


def timed_cpu(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the child) and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, out.stdout


def our_stack(directory: Path) -> Path:
    document = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev-eks.yaml").read_text())
    document["config"]["llmops:platform"]["node_pools"] = {
        "l40s": {"machine_type": "g6e.12xlarge", "min_nodes": 0, "max_nodes": 2},
        "a100": {"machine_type": "p4d.24xlarge", "min_nodes": 0, "max_nodes": 2, "spot": True},
    }
    path = directory / "Pulumi.bench-eks.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


@dataclass
class Side:
    """One program in one interpreter; samples of its floor and of its plan."""

    name: str
    python: list[str]
    program: list[str]
    env: dict[str, str]
    floors: list[float] = field(default_factory=list)
    walls: list[float] = field(default_factory=list)
    floor_cpus: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    result: dict = field(default_factory=dict)

    def warm_up(self) -> None:
        """One untimed run of each (it writes bytecode where allowed)."""
        timed([*self.python, "-c", FLOOR], self.env)
        timed([*self.python, *self.program], self.env)

    def sample(self) -> None:
        wall, cpu, _ = timed_cpu([*self.python, "-c", FLOOR], self.env)
        self.floors.append(wall)
        self.floor_cpus.append(cpu)
        seconds, cpu, out = timed_cpu([*self.python, *self.program], self.env)
        self.walls.append(seconds)
        self.cpus.append(cpu)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        self.result = json.loads(lines[-1]) if lines else {}

    def line(self) -> str:
        version = subprocess.run(
            [*self.python, "-c", "import sys; print(sys.version.split()[0])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        floor, wall = statistics.median(self.floors), statistics.median(self.walls)
        floor_cpu, cpu = statistics.median(self.floor_cpus), statistics.median(self.cpus)
        resources = self.result.get("resources", 0)
        per = (wall - floor) * 1000 / resources if resources else float("nan")
        per_cpu = (cpu - floor_cpu) * 1000 / resources if resources else float("nan")
        rss = self.result.get("maxrss_mib", 0)
        return (
            f"| {self.name} | {version} | {floor * 1000:.0f} ms | {wall * 1000:.0f} ms | "
            f"{wall / floor:.2f} | {resources} | {per:.1f} ms | {floor_cpu * 1000:.0f} ms | "
            f"{cpu * 1000:.0f} ms | {cpu / floor_cpu:.2f} | {per_cpu:.1f} ms | {rss:.0f} MiB | "
            f"{rss / resources if resources else float('nan'):.2f} |"
        )


def write(section: str) -> None:
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{section}{END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    header = [
        "| side | Python | floor | plan wall time | ratio to floor | resources | ms per "
        "resource above floor | floor CPU | plan CPU | CPU ratio | CPU ms per resource above "
        "floor | peak RSS | MiB per resource |",
        "| --- | --- |" + " ---: |" * 11,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "components")}
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        ours = ["-c", OURS, str(our_stack(Path(tmp)))]
        # The project venv has no bytecode (`pip install --no-compile`, and this machine sets
        # PYTHONDONTWRITEBYTECODE); the peer's venv has pip's default bytecode. Both states:
        cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        # No bytecode at all: an empty prefix never written (a __pycache__ folder an earlier
        # run left beside the sources is not read).
        (Path(tmp) / "empty").mkdir()
        none = {
            **env,
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPYCACHEPREFIX": str(Path(tmp) / "empty"),
        }
        sides = [
            Side("ours, no bytecode (as CI)", [sys.executable], ours, none),
            Side("ours, bytecode cached", [sys.executable], ours, cached),
        ]
        python = peer_python()
        skipped = None
        if python is None:
            skipped = "no Python 3.12 (set BENCH_EKSML_PYTHON)"
        else:
            try:
                venv = peer_venv(python)
                peer_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
                peer = [str(venv / "bin" / "python")]
                sides.append(
                    Side("pulumi-eks-ml 0.2.0, pip's bytecode", peer, [str(THEIRS)], peer_env)
                )
            except subprocess.CalledProcessError as exc:
                skipped = f"peer install failed: {(exc.stderr or '').strip()[-300:]}"
        try:
            for side in sides:
                side.warm_up()
            for _ in range(runs):  # interleaved: load changes hit every side alike
                for side in sides:
                    side.sample()
        except subprocess.CalledProcessError as exc:
            skipped = f"a run failed: {(exc.stderr or '').strip()[-300:]}"
            sides = [s for s in sides if s.walls]
        lines = [side.line() for side in sides if side.walls]
    for line in lines:
        print(line, flush=True)
    if skipped:
        print(f"skipped: {skipped}")
        lines.append(f"| pulumi-eks-ml 0.2.0 | skipped: {skipped} |{' |' * 11}")
    load = os.getloadavg()[0]
    write(
        "\n".join(
            [
                f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores, "
                f"load average {load:.1f}), median of {runs} fresh processes per row after one "
                "warm-up, the rows' runs interleaved, each against its own interpreter's floor "
                "(`import pulumi, pulumi_kubernetes`).",
                "",
                *header,
                *lines,
                "",
            ]
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
