"""Sizing benchmark: popular open LLMs placed on each cloud's priced catalogue shapes.

Writes its section of `benchmarks/README.md` from the library's memory model
(`catalog.sizing`), numeric-format rules (`catalog.formats`) and whole-node placement
(`catalog.packing`), beside a naive baseline computed in the same run: each replica on the
smallest single VM that fits it, billed whole. Every placed replica is re-checked against
the memory model's formulas written out again (`sizing_check.py`). A change of formula,
default, price or shape shows up as a diff of that file (a test compares it).

    PYTHONPATH=components python benchmarks/model_sizing.py          # rewrite the section
    PYTHONPATH=components python benchmarks/model_sizing.py --check  # exit 1 if stale
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sizing_check  # noqa: E402

from pulumi_llmops.catalog import (  # noqa: E402
    CLOUDS,
    catalog_spot_price,
    get_gpu_model,
    hourly_price,
    list_instances,
)
from pulumi_llmops.catalog.fit import replica_options  # noqa: E402
from pulumi_llmops.catalog.gpus import read_data_file  # noqa: E402
from pulumi_llmops.catalog.packing import Demand, Placement, Shape  # noqa: E402
from pulumi_llmops.catalog.placement import naive_baseline, place  # noqa: E402
from pulumi_llmops.catalog.reference import reference_model  # noqa: E402
from pulumi_llmops.catalog.shape import mig_slice_memory_gib  # noqa: E402
from pulumi_llmops.catalog.sizing import ServingParams, estimate_memory  # noqa: E402

OUTPUT = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- model-sizing:begin -->", "<!-- model-sizing:end -->"
REGIONS = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
CLOUD_NAMES = {"aws": "AWS", "gcp": "GCP", "azure": "Azure"}
CONTEXT = 8192
GOAL = 0.40

# (row label, reference repo, checkpoint format): 24 models, 1.2 B to 682 B, dense and MoE.
MODELS: tuple[tuple[str, str, str], ...] = (
    ("Llama-3.2-1B", "meta-llama/Llama-3.2-1B-Instruct", "bf16"),
    ("Llama-3.2-3B", "meta-llama/Llama-3.2-3B-Instruct", "bf16"),
    ("Mistral-7B-v0.3", "mistralai/Mistral-7B-Instruct-v0.3", "bf16"),
    ("Qwen2.5-7B", "Qwen/Qwen2.5-7B-Instruct", "bf16"),
    ("Llama-3.1-8B", "meta-llama/Llama-3.1-8B-Instruct", "bf16"),
    ("Llama-3.1-8B FP8", "meta-llama/Llama-3.1-8B-Instruct", "fp8"),
    ("Gemma-2-9B", "google/gemma-2-9b-it", "bf16"),
    ("Qwen2.5-14B", "Qwen/Qwen2.5-14B-Instruct", "bf16"),
    ("Phi-4", "microsoft/phi-4", "bf16"),
    ("gpt-oss-20b", "openai/gpt-oss-20b", "mxfp4"),
    ("Gemma-2-27B", "google/gemma-2-27b-it", "bf16"),
    ("Qwen3-30B-A3B", "Qwen/Qwen3-30B-A3B", "bf16"),
    ("Qwen2.5-32B AWQ", "Qwen/Qwen2.5-32B-Instruct", "awq-int4"),
    ("Qwen2.5-32B", "Qwen/Qwen2.5-32B-Instruct", "bf16"),
    ("Mixtral-8x7B", "mistralai/Mixtral-8x7B-Instruct-v0.1", "bf16"),
    ("Llama-3.1-70B AWQ", "meta-llama/Llama-3.1-70B-Instruct", "awq-int4"),
    ("Llama-3.1-70B FP8", "meta-llama/Llama-3.1-70B-Instruct", "fp8"),
    ("Qwen2.5-72B", "Qwen/Qwen2.5-72B-Instruct", "bf16"),
    ("Llama-4-Scout", "meta-llama/Llama-4-Scout-17B-16E-Instruct", "bf16"),
    ("gpt-oss-120b", "openai/gpt-oss-120b", "mxfp4"),
    ("Mixtral-8x22B FP8", "mistralai/Mixtral-8x22B-Instruct-v0.1", "fp8"),
    ("Qwen3-235B-A22B FP8", "Qwen/Qwen3-235B-A22B", "fp8"),
    ("Llama-3.1-405B FP8", "meta-llama/Llama-3.1-405B-Instruct", "fp8"),
    ("DeepSeek-R1 FP8", "deepseek-ai/DeepSeek-R1", "fp8"),
)
SHARING = ("none", "mig")
SCENARIOS = [
    (c, r, m, s) for s in SHARING for c in (4, 16) for r in (1, 2) for m in ("fallback", "always")
]
HEADLINE = (4, 1, "fallback", "none")
MIG_HEADLINE = (4, 1, "fallback", "mig")


def committed_section(text: str) -> str:
    """The generated section of benchmarks/README.md (between the markers)."""
    _, _, rest = text.partition(BEGIN + "\n")
    section, _, _ = rest.partition(END)
    return section


def with_section(text: str, section: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{section}{END}{tail}"


def cloud_shapes(cloud: str, sharing: str = "none") -> tuple[dict[str, Shape], dict[str, object]]:
    """Every machine type of `cloud` with an on-demand price in its benchmark region; with
    `sharing` "mig", also each MIG-capable one partitioned by each single-size profile that
    fills a GPU at least twice (`<machine type> all-<profile>`), as a MIG pool of that
    machine type presents itself to placement (`serving.pools`): GPUs x instances units of
    the slice's memory, one unit per replica, at the node's price."""
    shapes, gpus = {}, {}
    for instance in list_instances(cloud):
        price = hourly_price(instance, REGIONS[cloud])
        if price is None:
            continue
        spot = catalog_spot_price(instance, REGIONS[cloud])
        gpu = get_gpu_model(instance.gpu_model)
        shapes[instance.machine_type] = Shape(
            pool=instance.machine_type,
            gpu_model=instance.gpu_model,
            gpu_memory_gib=instance.gpu_memory_gib,
            gpus_per_node=instance.gpu_count,
            usd_per_hour=price.usd_per_hour,
            spot_usd_per_hour=spot.usd_per_hour if spot else None,
        )
        gpus[instance.machine_type] = gpu
        if sharing != "mig":
            continue
        for profile, instances in gpu.mig_profiles:
            if instances < 2:
                continue  # one slice per GPU: a smaller whole GPU at the same price
            pool = f"{instance.machine_type} all-{profile}"
            shapes[pool] = Shape(
                pool=pool,
                gpu_model=f"{instance.gpu_model} MIG {profile}",
                gpu_memory_gib=mig_slice_memory_gib(profile, gpu),
                gpus_per_node=instance.gpu_count * instances,
                usd_per_hour=price.usd_per_hour,
                spot_usd_per_hour=spot.usd_per_hour if spot else None,
                max_tensor_parallel=1,
            )
            gpus[pool] = gpu
    return shapes, gpus


@dataclass(frozen=True)
class Run:
    """One cloud x scenario: the placement, the naive baseline and what could not be placed."""

    cloud: str
    sequences: int
    replicas: int
    multi: str
    sharing: str
    shapes: dict[str, Shape]
    placement: Placement | None
    naive: dict[str, float | None]
    unplaceable: dict[str, str]

    @property
    def placed_usd(self) -> float:
        return self.placement.at_max.usd_per_hour(self.shapes) if self.placement else 0.0

    @property
    def naive_usd(self) -> float:
        return sum(v for v in self.naive.values() if v is not None)


def _why(rejected: dict[str, str]) -> str:
    reasons = list(rejected.values())
    formats = [r for r in reasons if not r.startswith(("needs ", "CUDA context"))]
    if formats and len(formats) == len(reasons):
        return "numeric format: " + sorted(set(formats))[0]
    return "memory: no priced shape holds a replica, even across 16 whole nodes"


def run(cloud: str, sequences: int, replicas: int, multi: str, sharing: str = "none") -> Run:
    shapes, gpus = cloud_shapes(cloud, sharing)
    whole, whole_gpus = cloud_shapes(cloud)  # the naive baseline buys whole VMs only
    demands, baseline, unplaceable = [], [], {}
    for label, repo, precision in MODELS:
        estimate = estimate_memory(
            reference_model(repo).shape(precision),
            ServingParams(max_model_len=CONTEXT, concurrency=sequences),
        )
        fit = replica_options(estimate, shapes, gpus, multi_node=multi)  # type: ignore[arg-type]
        if not fit.options:
            unplaceable[label] = _why(dict(fit.rejected))
            continue
        demands.append(Demand(label, fit.options, replicas, replicas))
        fallback = replica_options(
            estimate,
            whole,
            whole_gpus,  # type: ignore[arg-type]
            multi_node="fallback",
        )
        baseline.append(Demand(label, fallback.options, replicas, replicas))
    placement = place(demands, shapes) if demands else None
    result = Run(
        cloud,
        sequences,
        replicas,
        multi,
        sharing,
        shapes,
        placement,
        naive_baseline(baseline, shapes),
        unplaceable,
    )
    recheck(result)
    return result


def recheck(result: Run) -> None:
    """Every placed replica inside the memory model, recomputed by `sizing_check`."""
    rows = read_data_file("models.yaml")["models"]
    if result.placement is None:
        return
    for label, repo, precision in MODELS:
        option = result.placement.assignment.get(label)
        if option is None:
            continue
        shape = result.shapes[option.pool]
        if not sizing_check.fits(
            rows[repo],
            precision,
            shape.gpu_model,
            shape.gpu_memory_gib,
            option.tp,
            option.pp,
            CONTEXT,
            result.sequences,
        ):
            raise AssertionError(
                f"{label} on {option.pool} TP {option.tp} x PP {option.pp} fails the re-check"
            )


def runs() -> Iterator[Run]:
    for cloud in CLOUDS:
        for sequences, replicas, multi, sharing in SCENARIOS:
            yield run(cloud, sequences, replicas, multi, sharing)


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def _memory_table() -> list[str]:
    gpus = ["T4", "A10G", "L4", "L40S", "A100-40GB", "A100-80GB", "H100-80GB", "H200-141GB"]
    lines = [
        "### Memory per replica (4 sequences x 8,192 tokens, vLLM's small batching defaults)",
        "",
        "Min TP x PP: the smallest replica on 8-GPU nodes of that GPU (`-`: the format does not "
        "run there; `x`: not even 16 nodes).",
        "",
        "| Model | Format | Params (B) | Weights GiB | KV GiB | Activation | Graphs | Total TP1 | "
        + " | ".join(gpus)
        + " |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |" + " ---: |" * len(gpus),
    ]
    for label, repo, precision in MODELS:
        ref = reference_model(repo)
        estimate = estimate_memory(
            ref.shape(precision), ServingParams(max_model_len=CONTEXT, concurrency=4)
        )
        need = estimate.need("L40S", 44.703125)
        weights = f"{need.weights_gib:.2f}" + ("" if precision in ref.published_gib else "*")
        cells = []
        for name in gpus:
            gpu = get_gpu_model(name)
            shape = Shape(name, name, gpu.memory_gib, 8)
            fit = replica_options(estimate, {name: shape}, {name: gpu}, multi_node="fallback")
            if fit.options:
                o = fit.options[0]
                cells.append(f"{o.tp}" if o.pp == 1 else f"{o.tp}x{o.pp}")
            else:
                reason = fit.rejected[name]
                cells.append("x" if reason.startswith(("needs", "CUDA")) else "-")
        lines.append(
            f"| {label} | {precision} | {ref.params / 1e9:.1f} | {weights} | "
            f"{need.kv_cache_gib:.2f} | "
            f"{need.activation_gib:.2f} | {need.cuda_graph_gib:.2f} | {need.total_gib:.2f} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        "`*` computed from the format's bytes per parameter; the others are published sizes.",
        "",
    ]
    return lines


def _placement_table(result: Run) -> list[str]:
    lines = [
        f"#### {CLOUD_NAMES[result.cloud]} {REGIONS[result.cloud]}",
        "",
        "| Model | Shape | TP x PP | Need / usable GiB per GPU | Margin GiB | $/h (share) |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    assert result.placement is not None
    shares = result.placement.at_max.model_usd_per_hour(result.shapes)
    for label, _, _ in MODELS:
        if label in result.unplaceable:
            lines.append(f"| {label} | not placed: {result.unplaceable[label]} | | | | |")
            continue
        option = result.placement.assignment[label]
        need = option.detail.need
        shape = result.shapes[option.pool]
        where = f"{option.pool} ({shape.gpus_per_node} x {shape.gpu_model})"
        split = f"{option.tp} x {option.pp}" + (" **multi-node**" if option.pp > 1 else "")
        lines.append(
            f"| {label} | {where} | {split} | {need.total_gib:.2f} / {need.usable_gib:.2f} | "
            f"{need.margin_gib:.2f} | {_money(shares[label])} |"
        )
    return [*lines, ""]


def _same_as_whole_gpus(results: list[Run]) -> set[tuple[str, int, int, str]]:
    """Scenarios whose MIG run placed every model as the whole-GPU run did."""
    whole = {(r.cloud, r.sequences, r.replicas, r.multi): r for r in results if r.sharing == "none"}
    same = set()
    for r in results:
        key = (r.cloud, r.sequences, r.replicas, r.multi)
        twin = whole.get(key)
        if (
            r.sharing == "mig"
            and twin
            and r.placement
            and twin.placement
            and r.placement.assignment == twin.placement.assignment
        ):
            same.add(key)
    return same


def _totals_table(results: list[Run]) -> list[str]:
    same = _same_as_whole_gpus(results)
    clouds = [
        CLOUD_NAMES[c]
        for c in CLOUDS
        if all((c, s, r, m) in same for s, r, m, sharing in SCENARIOS if sharing == "mig")
    ]
    lines = [
        "MIG rows that place every model as the whole-GPU row does are left out"
        + (f" (all of {', '.join(clouds)}: no MIG pool lowers their totals)" if clouds else "")
        + ".",
        "",
        "| Cloud | Sequences | Replicas | Multi-node | GPU sharing | Placed $/h "
        "| Spot $/h (where recorded) | Naive $/h | Saving | Goal >= 40% "
        "| Nodes (GPU utilisation) | Multi-node models | Not placed |",
        "| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |",
    ]
    for r in results:
        if r.placement is None or (
            r.sharing == "mig" and (r.cloud, r.sequences, r.replicas, r.multi) in same
        ):
            continue
        packing = r.placement.at_max
        spot = packing.pool_usd_per_hour(r.shapes, "spot")
        known = [v for v in spot.values() if v is not None]
        spot_text = "n/a" if not known else f"{sum(known):,.2f}"
        if known and len(known) < len(spot):
            spot_text += f" ({len(known)} of {len(spot)} shapes)"
        saving = 1 - r.placed_usd / r.naive_usd
        use = packing.gpu_utilisation()
        nodes = ", ".join(f"{n} x {p} ({use[p]:.0%})" for p, n in packing.nodes_per_pool().items())
        multi = sum(1 for option in r.placement.assignment.values() if option.pp > 1)
        lines.append(
            f"| {CLOUD_NAMES[r.cloud]} | {r.sequences} | {r.replicas} | {r.multi} | {r.sharing} | "
            f"{r.placed_usd:,.2f} | {spot_text} | {r.naive_usd:,.2f} | {saving:.1%} | "
            f"{'yes' if saving >= GOAL else 'no'} | "
            f"{nodes} | {multi} | {', '.join(sorted(r.unplaceable)) or '-'} |"
        )
    return [*lines, ""]


def _shapes_table() -> list[str]:
    lines = [
        "| Cloud | Machine type | GPUs | GiB per GPU | On-demand $/h | Source | Spot $/h "
        "| Spot source |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for cloud in CLOUDS:
        for instance in list_instances(cloud):
            price = hourly_price(instance, REGIONS[cloud])
            if price is None:
                continue
            spot = catalog_spot_price(instance, REGIONS[cloud])
            spot_cells = f"{spot.usd_per_hour:g} | {spot.note} ({spot.date})" if spot else "n/a | -"
            lines.append(
                f"| {cloud} | {instance.machine_type} | {instance.gpu_count} x "
                f"{instance.gpu_model} | {instance.gpu_memory_gib:.2f} | {price.usd_per_hour:g} | "
                f"{price.source} ({price.date}) | {spot_cells} |"
            )
    return lines


def render() -> str:
    """The whole generated section (deterministic: no timestamps, fixed ordering)."""
    results = list(runs())

    def scenario(r: Run) -> tuple[int, int, str, str]:
        return (r.sequences, r.replicas, r.multi, r.sharing)

    headline = [r for r in results if scenario(r) == HEADLINE]
    same = _same_as_whole_gpus(results)
    mig_headline = [
        r
        for r in results
        if scenario(r) == MIG_HEADLINE and (r.cloud, *MIG_HEADLINE[:3]) not in same
    ]
    checked = sum(len(r.placement.assignment) for r in results if r.placement)
    lines = [
        "## Model sizing and placement on each cloud's priced shapes",
        "",
        "Generated by `benchmarks/model_sizing.py`; do not edit.",
        "",
        f"- {len(MODELS)} models (dense and MoE, 1.2 B to 682 B parameters; bf16, fp8, AWQ int4, "
        "MXFP4) from `catalog/data/models.yaml`; vLLM serving with max context 8,192, "
        "`gpu_memory_utilization` 0.9 and vLLM's batching defaults for each GPU, per "
        "`catalog/sizing.py` (terms and sources in docs/serving.md). fp8 checkpoints need FP8 "
        "GPUs (no weight-only fallback), bf16 needs bfloat16 GPUs.",
        "- Shapes: every catalogue machine type with an on-demand price in "
        + ", ".join(f"{c} {REGIONS[c]}" for c in CLOUDS)
        + " (last table). Placement: whole nodes, first-fit-decreasing, pool per model chosen "
        "for the cheapest total (`catalog/packing.py`). Multi-node `fallback`: pipeline "
        "parallel across whole nodes only for models no single node holds; `always`: also "
        "where it is cheaper. `Multi-node models` counts the models placed across nodes: the "
        "library serves them with KServe's multi-node runtime only on on-demand pools that "
        "declare an `interconnect` (docs/multi-node.md); these bare catalogue shapes declare "
        "none, so each of those placements needs a pool that does.",
        "- GPU sharing `none`: whole GPUs only. `mig`: next to each machine type with MIG-capable "
        "GPUs, one pool of it per single-size MIG profile that fills a GPU at least twice "
        "(instances per GPU from `catalog/data/gpus.yaml`, the GPU operator's default "
        "mig-parted config), each slice one unit of the slice's memory holding one replica "
        "(TP 1, never across nodes), at the node's price: what a platform that declares those "
        "MIG pools offers placement (`serving/pools.py`).",
        "- Naive baseline, same run: each replica on the smallest single VM that holds it "
        "(fewest GPUs, then least GPU memory, then price), billed whole; multi-node only when "
        "no single VM holds it. Models placed nowhere count in neither total.",
        f"- Re-check: all {checked} placed models of every scenario were recomputed by "
        "`benchmarks/sizing_check.py` and fit the memory model.",
        "",
        *_memory_table(),
        "### Totals per cloud and scenario",
        "",
        *_totals_table(results),
        "### Placement per model (4 sequences, 1 replica, multi-node fallback)",
        "",
    ]
    for result in headline:
        lines += _placement_table(result)
    lines += [
        "### Placement per model with MIG pools (4 sequences, 1 replica, multi-node fallback)",
        "",
        "Clouds whose placement MIG pools do not change are left out.",
        "",
    ]
    for result in mig_headline:
        lines += _placement_table(result)
    lines += ["### Priced shapes", "", *_shapes_table()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the section, or with `--check` report whether the committed one is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = render()
    readme = OUTPUT.read_text(encoding="utf-8")
    if args.check:
        if committed_section(readme) != text:
            print(f"{OUTPUT} is stale: run python benchmarks/model_sizing.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(with_section(readme, text), encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(MODELS)} models)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
