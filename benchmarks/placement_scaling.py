"""Scaling of the whole-placement search (`catalog.placement.place`), not a timed test.

Seeded random problems of P pools x M models, every model with an option on every pool
(TP 1, 2, 4 or 8 up to the pool's GPUs per node), 1-3 replicas: the greedy search plus local
improvement is O(models x options) per pass, so time should grow about linearly with
pools x models. Writes the rows between the markers in benchmarks/README.md and prints them.
Usage: PYTHONPATH=components python benchmarks/placement_scaling.py
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from pathlib import Path

from pulumi_llmops.catalog.packing import Demand, ReplicaOption, Shape
from pulumi_llmops.catalog.placement import place

README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- placement-scaling:begin -->", "<!-- placement-scaling:end -->"
SIZES = ((10, 10), (100, 100), (300, 300), (1000, 1000))


def problem(pools: int, models: int, seed: int = 17) -> tuple[list[Demand], dict[str, Shape]]:
    rng = random.Random(seed)
    shapes = {}
    for i in range(pools):
        gpus = rng.choice((1, 2, 4, 8))
        shapes[f"p{i:04d}"] = Shape(
            f"p{i:04d}",
            "X",
            rng.choice((22.35, 44.7, 74.5)),
            gpus,
            usd_per_hour=round(rng.uniform(0.5, 3.0) * gpus, 4),
        )
    demands = []
    for j in range(models):
        need = rng.choice((1, 1, 1, 2, 4, 8))
        options = tuple(
            ReplicaOption(name, min(need, shape.gpus_per_node)) for name, shape in shapes.items()
        )
        low = rng.choice((0, 1, 1, 2))
        demands.append(Demand(f"m{j:04d}", options, low, low + rng.choice((0, 1))))
    return demands, shapes


def main() -> int:
    rows = []
    for pools, models in SIZES:
        demands, shapes = problem(pools, models)
        start = time.perf_counter()
        placement = place(demands, shapes)
        seconds = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        options = pools * models
        rows.append(
            f"| {pools:,} | {models:,} | {options:,} | {placement.search} | {seconds:.2f} s | "
            f"{seconds / options * 1e6:.2f} us | {rss:.0f} MiB |"
        )
        print(rows[-1], flush=True)
    load = os.getloadavg()[0]
    section = "\n".join(
        [
            f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores, load "
            f"average {load:.1f}), Python {sys.version.split()[0]}; one run each.",
            "",
            "| pools | models | options | search | time | per option | peak RSS |",
            "| ---: | ---: | ---: | --- | ---: | ---: | ---: |",
            *rows,
            "",
        ]
    )
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{section}{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
