"""The committed sizing table (in benchmarks/README.md) matches what the code computes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "model_sizing.py"


def load_benchmark():
    name = "model_sizing_benchmark"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCHMARK)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_committed_table_is_current() -> None:
    module = load_benchmark()
    readme = BENCHMARK.with_name("README.md").read_text(encoding="utf-8")
    assert module.render() == module.committed_section(readme), (
        "the model sizing table in benchmarks/README.md is stale: run "
        "PYTHONPATH=components python benchmarks/model_sizing.py"
    )


def test_table_covers_at_least_15_models_with_known_architectures() -> None:
    module = load_benchmark()
    assert len(module.MODELS) >= 15
    assert {m.repo for m in module.MODELS} == set(module.ARCHITECTURES)
