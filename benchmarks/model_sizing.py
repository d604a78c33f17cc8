"""GPU sizing and cheapest priced GPU shape per cloud for public LLMs.

Writes its section of `benchmarks/README.md` from the library's catalogue and sizing functions, so a
change of formula, default or price shows up as a diff of that file (a test compares it).

    PYTHONPATH=components python benchmarks/model_sizing.py          # rewrite the table
    PYTHONPATH=components python benchmarks/model_sizing.py --check  # exit 1 if stale

Architecture figures (layers, KV heads, head dim) are those of each model's published
config.json; parameter counts are from the model card or computed from the config.json
tensor shapes, as stated per row.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from pulumi_llmops.catalog import (
    CLOUDS,
    DEFAULT_GPU_MEMORY_UTILIZATION,
    DEFAULT_OVERHEAD_GIB_PER_GPU,
    NoPoolFitsError,
    PoolChoice,
    catalog_pools,
    choose_pool,
    estimate_memory,
    hourly_price,
    list_instances,
)

OUTPUT = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- model-sizing:begin -->", "<!-- model-sizing:end -->"


def committed_section(text: str) -> str:
    """The generated section of benchmarks/README.md (between the markers)."""
    _, _, rest = text.partition(BEGIN + "\n")
    section, _, _ = rest.partition(END)
    return section


def with_section(text: str, section: str) -> str:
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{section}{END}{tail}"


CONTEXT_TOKENS = 8192
CONCURRENT_SEQUENCES = 16
REGIONS = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
CLOUD_NAMES = {"aws": "AWS", "gcp": "GCP", "azure": "Azure"}

SHAPES = "computed from config.json tensor shapes"
CARD = "model card"

# config.json repository: (parameters, where that count comes from, layers, KV heads, head dim).
# Mixture-of-experts counts include every expert: all of them are resident in GPU memory.
ARCHITECTURES: dict[str, tuple[float, str, int, int, int]] = {
    "meta-llama/Llama-3.2-3B-Instruct": (3_212_749_824, SHAPES, 28, 8, 128),
    "microsoft/Phi-3-mini-128k-instruct": (3_821_079_552, SHAPES, 32, 32, 96),
    "mistralai/Mistral-7B-v0.1": (7_241_732_096, SHAPES, 32, 8, 128),
    "Qwen/Qwen2.5-7B-Instruct": (7.61e9, CARD, 28, 4, 128),
    "meta-llama/Llama-3.1-8B-Instruct": (8_030_261_248, SHAPES, 32, 8, 128),
    "google/gemma-2-9b-it": (9_241_705_984, SHAPES, 42, 8, 256),
    "mistralai/Mistral-Nemo-Instruct-2407": (12_247_782_400, SHAPES, 40, 8, 128),
    "Qwen/Qwen2.5-14B-Instruct": (14.7e9, CARD, 48, 8, 128),
    "google/gemma-2-27b-it": (27_227_128_320, SHAPES, 46, 16, 128),
    "Qwen/Qwen2.5-32B-Instruct": (32.5e9, CARD, 64, 8, 128),
    "mistralai/Mixtral-8x7B-Instruct-v0.1": (46_702_792_704, SHAPES, 32, 8, 128),
    "meta-llama/Llama-3.1-70B-Instruct": (70_553_706_496, SHAPES, 80, 8, 128),
    "deepseek-ai/DeepSeek-R1-Distill-Llama-70B": (70_553_706_496, SHAPES, 80, 8, 128),
    "Qwen/Qwen2.5-72B-Instruct": (72.7e9, CARD, 80, 8, 128),
    "mistralai/Mixtral-8x22B-Instruct-v0.1": (140_630_071_296, SHAPES, 56, 8, 128),
    "meta-llama/Llama-3.1-405B-Instruct": (405_853_388_800, SHAPES, 126, 8, 128),
}

# (row label, config.json repository, weight precision). Quantised rows (fp8, int4) use the
# base model's figures with fewer bytes per parameter.
ROWS: tuple[tuple[str, str, str], ...] = (
    ("Llama-3.2-3B-Instruct", "meta-llama/Llama-3.2-3B-Instruct", "bf16"),
    ("Phi-3-mini-128k-instruct", "microsoft/Phi-3-mini-128k-instruct", "bf16"),
    ("Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1", "bf16"),
    ("Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct", "bf16"),
    ("Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct", "bf16"),
    ("Llama-3.1-8B-Instruct FP8", "meta-llama/Llama-3.1-8B-Instruct", "fp8"),
    ("Gemma-2-9B-it", "google/gemma-2-9b-it", "bf16"),
    ("Mistral-Nemo-Instruct-2407", "mistralai/Mistral-Nemo-Instruct-2407", "bf16"),
    ("Qwen2.5-14B-Instruct", "Qwen/Qwen2.5-14B-Instruct", "bf16"),
    ("Gemma-2-27B-it", "google/gemma-2-27b-it", "bf16"),
    ("Qwen2.5-32B-Instruct", "Qwen/Qwen2.5-32B-Instruct", "bf16"),
    ("Qwen2.5-32B-Instruct int4", "Qwen/Qwen2.5-32B-Instruct", "int4"),
    ("Mixtral-8x7B-Instruct-v0.1", "mistralai/Mixtral-8x7B-Instruct-v0.1", "bf16"),
    ("Llama-3.1-70B-Instruct", "meta-llama/Llama-3.1-70B-Instruct", "bf16"),
    ("Llama-3.1-70B-Instruct FP8", "meta-llama/Llama-3.1-70B-Instruct", "fp8"),
    ("Llama-3.1-70B-Instruct int4", "meta-llama/Llama-3.1-70B-Instruct", "int4"),
    ("DeepSeek-R1-Distill-Llama-70B", "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "bf16"),
    ("Qwen2.5-72B-Instruct", "Qwen/Qwen2.5-72B-Instruct", "bf16"),
    ("Mixtral-8x22B-Instruct-v0.1", "mistralai/Mixtral-8x22B-Instruct-v0.1", "bf16"),
    ("Llama-3.1-405B-Instruct FP8", "meta-llama/Llama-3.1-405B-Instruct", "fp8"),
)


@dataclass(frozen=True)
class PublicModel:
    """One table row: a public checkpoint at a weight precision, with its figures."""

    name: str
    repo: str
    precision: str
    params: float
    params_source: str
    num_layers: int
    num_kv_heads: int
    head_dim: int


MODELS: tuple[PublicModel, ...] = tuple(
    PublicModel(name, repo, precision, *ARCHITECTURES[repo]) for name, repo, precision in ROWS
)


def _choice(model_estimate, cloud: str) -> PoolChoice | None:
    pools = catalog_pools(cloud, REGIONS[cloud], priced_only=True)
    try:
        return choose_pool(model_estimate, pools)
    except NoPoolFitsError:
        return None


def _shape(choice: PoolChoice | None) -> tuple[str, str]:
    if choice is None:
        return "no priced fit", ""
    pool = choice.pool
    gpus = f"{choice.tensor_parallel} x {pool.gpu_model}"
    return f"{pool.name} ({gpus})", f"{choice.usd_per_hour_per_replica:.4f}"


def render() -> str:
    """The whole Markdown document (deterministic: no timestamps, fixed ordering)."""
    regions = ", ".join(f"{cloud} {REGIONS[cloud]}" for cloud in CLOUDS)
    lines = [
        "## Model GPU sizing and cheapest priced shape per cloud",
        "",
        "Generated by `benchmarks/model_sizing.py` from `pulumi_llmops.catalog`; do not edit.",
        "",
        "Assumptions:",
        "",
        f"- vLLM serving, max context {CONTEXT_TOKENS:,} tokens, {CONCURRENT_SEQUENCES} "
        "concurrent sequences each at full context (the worst case the KV cache must hold).",
        "- KV cache in bf16 for bf16 models and fp16 for quantised (fp8/int4) ones, 2 bytes "
        "per element; exact size from layers x KV heads x head dim.",
        f"- {DEFAULT_OVERHEAD_GIB_PER_GPU:g} GiB overhead per GPU; each GPU may use "
        f"{DEFAULT_GPU_MEMORY_UTILIZATION:.0%} of its memory (vLLM's default).",
        "- int4 counts 0.5 bytes per parameter (quantisation scales and unquantised layers "
        "not included).",
        "- Tensor parallelism 1, 2, 4 or 8 within one node; the smallest degree that fits.",
        f"- Only catalogue machine types with an on-demand price in {regions} "
        "(snapshot prices, see the last table). Price per replica = GPUs per replica x node "
        "price / GPUs per node: replicas share a node, whole nodes are billed.",
        "- `no priced fit`: no priced machine type of that cloud holds one replica; the "
        "catalogue's unpriced larger shapes may fit, but are not costed here.",
        "- Memory figures in GiB (2^30 bytes); weights = parameters x bytes per parameter; "
        "mixture-of-experts models count every expert (all are resident in GPU memory).",
        "",
        "### Memory per replica",
        "",
        "| Model | Precision | Params (B) | Layers / KV heads / head dim | Weights GiB "
        "| KV cache GiB | Total GiB (1 GPU) |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: |",
    ]
    estimates = []
    for model in MODELS:
        estimate = estimate_memory(
            params_billion=model.params / 1e9,
            precision=model.precision,
            num_layers=model.num_layers,
            num_kv_heads=model.num_kv_heads,
            head_dim=model.head_dim,
            max_context_tokens=CONTEXT_TOKENS,
            concurrent_sequences=CONCURRENT_SEQUENCES,
        )
        estimates.append(estimate)
        lines.append(
            f"| {model.name} | {model.precision} | {model.params / 1e9:.2f} | "
            f"{model.num_layers} / {model.num_kv_heads} / {model.head_dim} | "
            f"{estimate.weights_gib:.2f} | {estimate.kv_cache_gib:.2f} | "
            f"{estimate.total_gib:.2f} |"
        )
    header = " | ".join(f"{CLOUD_NAMES[c]} {REGIONS[c]} | $/h per replica" for c in CLOUDS)
    lines += [
        "",
        "### Cheapest priced shape per cloud",
        "",
        f"| Model | {header} |",
        "| --- |" + " --- | ---: |" * len(CLOUDS),
    ]
    for model, estimate in zip(MODELS, estimates, strict=True):
        cells = []
        for cloud in CLOUDS:
            cells.extend(_shape(_choice(estimate, cloud)))
        lines.append(f"| {model.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "### Priced machine types used",
        "",
        "| Cloud | Machine type | GPUs | GiB per GPU | $/h per node | Region | Source |",
        "| --- | --- | --- | ---: | ---: | --- | --- |",
    ]
    for cloud in CLOUDS:
        for instance in list_instances(cloud):
            price = hourly_price(instance, REGIONS[cloud])
            if price is None:
                continue
            note = f"; {price.note}" if price.note else ""
            lines.append(
                f"| {cloud} | {instance.machine_type} | {instance.gpu_count} x "
                f"{instance.gpu_model} | {instance.gpu_memory_gib:.2f} | "
                f"{price.usd_per_hour:g} | {price.region} | {price.source}{note} |"
            )
    lines += [
        "",
        "### Model figures",
        "",
        "Layers, KV heads and head dim: each repository's config.json.",
        "",
        "| Repository | Parameters | Source of the parameter count |",
        "| --- | ---: | --- |",
    ]
    for repo, (params, source, *_) in ARCHITECTURES.items():
        count = f"{params:,.0f}" if source == SHAPES else f"{params / 1e9:g}B"
        lines.append(f"| {repo} | {count} | {source} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the table, or with `--check` report whether the committed table is current."""
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
