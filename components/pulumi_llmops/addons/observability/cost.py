"""GPU cost inputs for the cost dashboard: USD per GPU-hour per GPU model, and the PromQL that
multiplies it by the GPUs DCGM currently reports. Pure functions, no Pulumi.

Prices come from the catalogue (the pool's machine type in the platform's region, divided by
its GPU count) unless `observability.cost.gpu_usd_per_hour` gives a figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ...catalog.gpus import CatalogError, normalize_gpu_model
from ...catalog.overrides import NO_OVERRIDES, CatalogOverrides
from ...catalog.shape import PoolShape

COST_RULE = "llmops:gpu_hourly_cost_usd"
GPU_COUNT_RULE = "llmops:gpu_count"
GPU_SERIES = "DCGM_FI_DEV_FB_USED"
"""A field DCGM reports for every GPU, MIG-partitioned or not: each MIG instance has its own
series (labels GPU_I_ID, GPU_I_PROFILE) under its physical GPU's `gpu` index, so grouping by
(Hostname, gpu) counts physical GPUs. DCGM_FI_DEV_GPU_UTIL is not reported for MIG."""


def physical_gpus(matcher: str = "", by: str = "Hostname, gpu, modelName") -> str:
    """One series per physical GPU (MIG instances collapsed), `matcher` a label selector."""
    return f"group by ({by}) ({GPU_SERIES}{matcher})"


def gpu_hourly_prices(
    shapes: Iterable[PoolShape],
    overrides: Mapping[str, float],
    catalog: CatalogOverrides = NO_OVERRIDES,
) -> dict[str, float]:
    """USD per GPU-hour keyed by catalogue GPU model.

    Config overrides win; otherwise each pool's node price (its shape's catalogue price in
    the platform's region) divided by its GPUs. Two pools of one model with different
    prices: the higher price is used (never under-report). Models without any price are
    left out (unknown is not free). On-prem pools have no catalogue price.
    """
    prices: dict[str, float] = {}
    for shape in shapes:
        instance, price = shape.instance, shape.price
        if instance is None or price is None:
            continue
        per_gpu = round(price.usd_per_hour / instance.gpu_count, 6)
        prices[instance.gpu_model] = max(prices.get(instance.gpu_model, 0.0), per_gpu)
    for model, usd in overrides.items():
        prices[_canonical(model, catalog)] = float(usd)
    return dict(sorted(prices.items()))


def _canonical(model: str, catalog: CatalogOverrides) -> str:
    try:
        return normalize_gpu_model(model, catalog)
    except CatalogError:
        return model


def dcgm_model_regex(model: str) -> str:
    """A regex for DCGM's `modelName` label (e.g. `NVIDIA A100-SXM4-80GB`) of a catalogue GPU
    model: every token of the name as a whole word, in order (`L4` does not match `L40S`)."""
    tokens = [re.escape(t) for t in re.split(r"[-\s]+", model) if t]
    return ".*" + ".*".join(rf"\b{t}\b" for t in tokens) + ".*"


def _promql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def cost_expression(prices: Mapping[str, float], regex_overrides: Mapping[str, str]) -> str | None:
    """PromQL: sum over models of (physical GPUs DCGM reports for the model, MIG-partitioned
    ones included) x (USD per GPU-hour). None when no price is known (the rule is then not
    created)."""
    if not prices:
        return None
    terms = []
    for model, usd in sorted(prices.items()):
        regex = regex_overrides.get(model) or dcgm_model_regex(model)
        gpus = physical_gpus(f"{{modelName=~{_promql_string(regex)}}}", by="Hostname, gpu")
        terms.append(f"(count({gpus}) * {usd:g} or vector(0))")
    return "sum(" + " + ".join(terms) + ")"
