"""What replicas can use on each GPU pool: schedulable units per node, GPU formats, prices.

Pure: turns the bundle's pool contracts and shapes into `catalog.packing.Shape`s (whole GPUs,
MIG slices or time slices per node, on-demand and recorded spot price per node, capacity,
`max_nodes`) and says why a pool cannot host models at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..catalog.gpus import GpuModel
from ..catalog.packing import Shape
from ..catalog.shape import PoolShape
from ..cluster.contracts import GpuPoolContract


@dataclass(frozen=True)
class PoolUnit:
    """What replicas can be given on a pool: its placement `shape` (schedulable units per
    node: whole GPUs, MIG slices or time slices) and the GPU model's formats (`gpu`).

    A MIG slice or a time slice is one unit with no tensor parallelism across units;
    `gpu_memory_utilization_scale` scales vLLM's share of the GPU (1 / slots for time
    slicing, where replicas share one GPU's memory without isolation).
    """

    shape: Shape
    gpu: GpuModel
    sharing: str
    mig_profile: str | None = None
    gpu_memory_utilization_scale: float = 1.0
    interconnect: str = "none"
    spot: bool = False
    target: str = ""


def _capacity(contract: GpuPoolContract) -> str:
    if contract.target == "onprem":
        return "owned"
    return "spot" if contract.spot else "on-demand"


def _gpu_facts(model: str, memory: float, shape: PoolShape | None) -> GpuModel:
    if shape is not None and shape.gpu is not None:
        return shape.gpu
    return GpuModel(model, memory, "declared on the pool", False)


def pool_units(
    contracts: Mapping[str, GpuPoolContract], shapes: Mapping[str, PoolShape]
) -> tuple[dict[str, PoolUnit], dict[str, str]]:
    """(pool -> what replicas can use there, pool -> why models cannot use it).

    `contracts` and `shapes` are keyed by pool name (the bundle's `PlatformPlan` has both);
    a pool's node price is its shape's.
    """
    units: dict[str, PoolUnit] = {}
    unusable: dict[str, str] = {}
    for name, contract in sorted(contracts.items()):
        model, count, memory = contract.gpu_model, contract.gpus_per_node, contract.gpu_memory_gib
        if model is None or count is None:
            unusable[name] = "its GPU model and count are unknown: declare gpu: {model, count}"
            continue
        if memory is None:
            unusable[name] = (
                f"the memory of GPU model {model!r} is unknown: declare gpu.memory_gib or add "
                "the model under catalog.gpus"
            )
            continue
        if contract.sharing == "mig-mixed":
            unusable[name] = (
                "MIG all-balanced mixes slice sizes, so the pool has no single GPU resource"
            )
            continue
        pool_shape = shapes.get(name)
        price = pool_shape.price if pool_shape else None
        spot = pool_shape.spot_price if pool_shape else None
        common: dict[str, Any] = {
            "pool": name,
            "usd_per_hour": price.usd_per_hour if price else None,
            "spot_usd_per_hour": spot.usd_per_hour if spot else None,
            "capacity": _capacity(contract),
            "max_nodes": contract.max_nodes,
            "price_source": f"{price.source} ({price.date})" if price else None,
            "spot_source": f"{spot.source} ({spot.date}); {spot.note}" if spot else None,
        }
        gpu = _gpu_facts(model, memory, pool_shape)
        slots = contract.schedulable_gpus_per_node or count
        if contract.sharing == "none":
            shape = Shape(gpu_model=model, gpu_memory_gib=memory, gpus_per_node=count, **common)
            units[name] = PoolUnit(
                shape,
                gpu,
                "none",
                interconnect=contract.interconnect,
                spot=contract.spot,
                target=contract.target,
            )
        elif contract.sharing == "mig-single":
            slice_name = contract.mig_slice
            shape = Shape(
                gpu_model=f"{model} MIG {slice_name}",
                gpu_memory_gib=contract.memory_per_schedulable_gpu_gib or memory,
                gpus_per_node=slots,
                max_tensor_parallel=1,
                **common,
            )
            units[name] = PoolUnit(shape, gpu, "mig-single", mig_profile=slice_name)
        else:
            replicas = contract.slots_per_gpu
            shape = Shape(
                gpu_model=f"{model} time-slice 1/{replicas}",
                gpu_memory_gib=memory / replicas,
                gpus_per_node=slots,
                max_tensor_parallel=1,
                **common,
            )
            units[name] = PoolUnit(shape, gpu, "time-slicing", None, 1 / replicas)
    return units, unusable
