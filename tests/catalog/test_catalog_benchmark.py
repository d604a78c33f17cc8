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


def test_mig_pools_are_the_machine_types_slices_at_the_nodes_price() -> None:
    module = load_benchmark()
    whole, _ = module.cloud_shapes("azure")
    shapes, gpus = module.cloud_shapes("azure", "mig")
    added = {k: s for k, s in shapes.items() if k not in whole}
    a100 = {k: s for k, s in added.items() if k.startswith("Standard_NC24ads_A100_v4 ")}
    # A100-80GB profiles filling a GPU at least twice (4g and 7g fill it once: left out).
    assert {
        k: (s.gpus_per_node, s.gpu_memory_gib, s.max_tensor_parallel) for k, s in a100.items()
    } == {
        "Standard_NC24ads_A100_v4 all-1g.10gb": (7, 9.31, 1),
        "Standard_NC24ads_A100_v4 all-1g.20gb": (4, 18.62, 1),
        "Standard_NC24ads_A100_v4 all-2g.20gb": (3, 18.62, 1),
        "Standard_NC24ads_A100_v4 all-3g.40gb": (2, 37.25, 1),
    }
    node = whole["Standard_NC24ads_A100_v4"]
    assert {s.usd_per_hour for s in a100.values()} == {node.usd_per_hour}
    assert {gpus[k].name for k in a100} == {"A100-80GB"}
    # T4 nodes are not MIG-capable: no slices of them.
    assert not [k for k in added if k.startswith("Standard_NC4as_T4_v3")]
