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
        "the model sizing section of benchmarks/README.md is stale: run "
        "PYTHONPATH=components python benchmarks/model_sizing.py"
    )


def test_benchmark_covers_twenty_popular_models_of_every_kind() -> None:
    from pulumi_llmops.catalog.reference import reference_model

    module = load_benchmark()
    assert len(module.MODELS) >= 20
    refs = [(reference_model(repo), precision) for _, repo, precision in module.MODELS]
    assert {ref.kind for ref, _ in refs} == {"dense", "moe"}
    assert {precision for _, precision in refs} == {"bf16", "fp8", "awq-int4", "mxfp4"}
    params = [ref.params for ref, _ in refs]
    assert min(params) < 1.5e9 and max(params) > 600e9
