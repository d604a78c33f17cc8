"""Real-engine tier figures for benchmarks/README.md (measurements, not a timed test).

Input: the timings JSON of a sequential tier run, one stack at a time on an otherwise idle tier:

    LLMOPS_E2E_SEQUENTIAL=1 LLMOPS_E2E_TIMINGS=/tmp/e2e.json make e2e
    .venv/bin/python benchmarks/e2e_numbers.py /tmp/e2e.json

Adds, measured now on this machine: the warm `make engine` rerun, disk use of the engine's bin
folder, the tier's venv, GOCACHE and the module cache, and the mock-engine recording of the
same stacks (median of 3 fresh processes of e2e/harness/mock_record.py; the DRA example's stack
`lab` with its own stack file and program, as the tier records it). The cold build figures are
the engine manifest's (written by e2e/engine/build.py when it built each binary).
Writes the tables between the markers in benchmarks/README.md and prints them.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "benchmarks" / "README.md"
BUILD = ROOT / "e2e" / "engine" / "build.py"
MOCK = ROOT / "e2e" / "harness" / "mock_record.py"
BEGIN, END = "<!-- e2e:begin -->", "<!-- e2e:end -->"
# The stacks `make e2e` deploys (e2e/platform/conftest.py): stack -> the folder of its stack
# file, and for an example the folder whose own program runs it (None: the repository's program).
DRA_EXAMPLE = ROOT / "examples" / "onprem-dra-gpu-claims"
STACKS: dict[str, tuple[Path, Path | None]] = {
    "dev-onprem": (ROOT / "stacks", None),
    "staging-onprem": (ROOT / "stacks", None),
    "lab": (DRA_EXAMPLE, DRA_EXAMPLE),
}


def du_mb(path: Path) -> float:
    out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0]) / 1024


def go_env(var: str) -> Path:
    return Path(subprocess.run(["go", "env", var], capture_output=True, text=True).stdout.strip())


def mock_seconds(stack: str) -> tuple[float, int]:
    folder, example = STACKS[stack]
    args = [str(MOCK), str(folder / f"Pulumi.{stack}.yaml")]
    if example is not None:
        args.append(str(example))  # the example's own __main__.py (offline.project.run_project)
    samples, count = [], 0
    for _ in range(3):
        t0 = time.monotonic()
        out = subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        samples.append(time.monotonic() - t0)
        count = len(json.loads(out.stdout)["resources"])
    return statistics.median(samples), count


def main(timings_path: str) -> None:
    timings = json.loads(Path(timings_path).read_text())
    missing = [stack for stack in STACKS if stack not in timings]
    if missing:
        sys.exit(
            f"{timings_path}: no timings for {', '.join(missing)} (has {', '.join(timings)}); "
            "run the whole tier: LLMOPS_E2E_SEQUENTIAL=1 LLMOPS_E2E_TIMINGS=<file> make e2e, "
            "without LLMOPS_E2E_STACKS"
        )
    edir = Path(
        subprocess.run(
            [sys.executable, str(BUILD), "--print-dir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    manifest = json.loads((edir / "manifest.json").read_text())
    t0 = time.monotonic()
    subprocess.run([sys.executable, str(BUILD), "--venv"], capture_output=True, check=True)
    warm = time.monotonic() - t0
    venv = Path(manifest["python"]).parents[1]

    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine (2 cores, shared with other work).",
        "",
        "| binary | cold build (s) | peak RSS (MiB) | size (MB) |",
        "| --- | ---: | ---: | ---: |",
    ]
    bins = manifest["binaries"]
    built = {k: v for k, v in sorted(bins.items()) if "build_seconds" in v}
    for name, b in built.items():
        lines.append(
            f"| {name} | {b['build_seconds']:.1f} | {b['peak_rss_mib']:.0f} | "
            f"{b['size_bytes'] / 1e6:.1f} |"
        )
    total = sum(b["build_seconds"] for b in built.values())
    peak = max(b["peak_rss_mib"] for b in built.values())
    lines.append(f"| **all** | **{total:.0f} ({total / 60:.1f} min)** | **{peak:.0f}** | |")
    lines += [
        "",
        "| disk | MB |",
        "| --- | ---: |",
        f"| engine bin folder | {du_mb(edir / 'bin'):.0f} |",
        f"| tier venv | {du_mb(venv):.0f} |",
        f"| GOCACHE | {du_mb(go_env('GOCACHE')):.0f} |",
        f"| module cache (all projects on this machine) | {du_mb(go_env('GOMODCACHE')):.0f} |",
        "",
        f"Warm `make engine` (everything present): {warm:.2f} s.",
        "",
        "| stack | `pulumi up` (s) | resources in state | resources/s | mock engine (s) "
        "| resources recorded | resources/s | preview with 3 packs (s) | destroy (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for stack in STACKS:
        t = timings[stack]
        up, n = t["timings_seconds"]["up"], t["resources_in_state"]
        mock, m = mock_seconds(stack)
        preview = next(s for a, s in t["pulumi_runs"] if a.startswith("pulumi preview"))
        lines.append(
            f"| {stack} | {up:.1f} | {n} | {n / up:.1f} | {mock:.1f} | {m} | {m / mock:.1f} | "
            f"{preview:.1f} | {t['timings_seconds']['destroy']:.1f} |"
        )
    table = "\n".join(lines)
    print(table)
    text = README.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main(sys.argv[1])
