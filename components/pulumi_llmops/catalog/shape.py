"""What is on a pool's nodes: GPU model, count and memory, MIG support, accelerator, price.

Resolved once per pool, from the catalogue entry of its machine type and the pool's own
`gpu:` declaration (which wins field by field). Everything that needs a pool's GPU facts
(contracts, sizing, the plan, cost dashboards) reads this one `PoolShape`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from .gpus import CatalogError, GpuModel, get_gpu_model
from .instances import InstanceType, UnknownMachineTypeError, lookup_instance
from .overrides import NO_OVERRIDES, CatalogOverrides
from .pricing import Price, catalog_spot_price, hourly_price


class DeclaredGpu(Protocol):
    """A hand-declared GPU shape (`node_pools.<pool>.gpu` satisfies it)."""

    @property
    def model(self) -> str: ...

    @property
    def count(self) -> int: ...

    @property
    def memory_gib(self) -> float | None: ...


@dataclass(frozen=True)
class PoolShape:
    """The GPUs on each node of a pool and what one node costs.

    `gpu_model` is the catalogue's canonical name when the model is known (else as
    declared); `gpu_memory_gib` is declared, else the catalogue's, else None; `instance`
    is the machine type's catalogue entry (None on-prem or for an undeclared type);
    `price` the on-demand price of one node in the pool's region (None: unknown, never
    free); `spot_price` the catalogue's recorded spot figure there (None: none recorded).
    `gpu` is the GPU model's catalogue entry (formats, compute capability), None if unknown.
    """

    gpu_model: str | None
    gpu_count: int | None
    gpu_memory_gib: float | None
    mig_capable: bool | None
    accelerator_type: str | None = None
    instance: InstanceType | None = None
    price: Price | None = None
    spot_price: Price | None = None
    gpu: GpuModel | None = None

    @property
    def usd_per_hour(self) -> float | None:
        """On-demand USD per hour of one node, None when the catalogue has no price."""
        return self.price.usd_per_hour if self.price else None

    @property
    def spot_usd_per_hour(self) -> float | None:
        """Recorded spot USD per hour of one node, None when the catalogue has none."""
        return self.spot_price.usd_per_hour if self.spot_price else None


def resolve_pool(
    cloud: str | None,
    machine_type: str | None,
    declared: DeclaredGpu | None,
    region: str,
    overrides: CatalogOverrides = NO_OVERRIDES,
) -> PoolShape:
    """The shape of one pool.

    `cloud` is the catalogue cloud (None on-prem, where only `declared` counts). Raises
    `UnknownMachineTypeError` (with the closest names) when the machine type is not in the
    catalogue and the pool declares no `gpu:`.
    """
    instance: InstanceType | None = None
    if cloud is not None and machine_type is not None:
        try:
            instance = lookup_instance(cloud, machine_type, overrides)
        except UnknownMachineTypeError:
            if declared is None:
                raise
    model = declared.model if declared else (instance.gpu_model if instance else None)
    known = known_gpu_model(model, overrides)
    memory = None
    if declared is not None and declared.memory_gib is not None:
        memory = declared.memory_gib
    elif known is not None:
        memory = known.memory_gib
    return PoolShape(
        gpu_model=known.name if known else model,
        gpu_count=declared.count if declared else (instance.gpu_count if instance else None),
        gpu_memory_gib=memory,
        mig_capable=known.mig_capable if known else None,
        accelerator_type=instance.accelerator_type if instance else None,
        instance=instance,
        price=hourly_price(instance, region) if instance is not None else None,
        spot_price=catalog_spot_price(instance, region) if instance is not None else None,
        gpu=known,
    )


def known_gpu_model(
    model: str | None, overrides: CatalogOverrides = NO_OVERRIDES
) -> GpuModel | None:
    """The catalogue entry of `model`, or None when it is unset or unknown."""
    if model is None:
        return None
    try:
        return get_gpu_model(model, overrides)
    except CatalogError:
        return None


def mig_slice(profile: str) -> str | None:
    """MIG slice size of a single-size mig-parted profile (all-1g.10gb -> 1g.10gb), else None."""
    size = profile.removeprefix("all-")
    return None if size == "balanced" else size


def mig_slice_memory_gib(
    slice_name: str, gpu: GpuModel | None = None, gpu_memory_gib: float | None = None
) -> float:
    """Memory of one MIG slice in GiB: its name's size taken as decimal GB (1g.10gb -> 9.31),
    at most its share of the GPU's memory when `gpu` records its MIG profiles.

    A slice holds whole eighths of the GPU's memory (NVIDIA's MIG user guide, "Fraction of
    Memory"; the eighths are the name's size over the GPU's full 7g profile), and names round
    up: 1g.12gb is 1/8 of a 94 GB H100 NVL, 10.94 GiB, not 11.18. The GPU's memory is
    `gpu_memory_gib` (a pool's declared figure), else the catalogue's. Rounded down to
    0.01 GiB, so a GPU's slices never add up to more than the GPU (4 x 18.62 <= 74.51).
    """
    named = _slice_gb(slice_name) * 10**9 / 2**30
    full = max((_slice_gb(p) for p, _ in gpu.mig_profiles), default=0.0) if gpu else 0.0
    if gpu is not None and full:
        eighths = min(8, max(1, round(8 * _slice_gb(slice_name) / full)))
        named = min(named, eighths * (gpu_memory_gib or gpu.memory_gib) / 8)
    return math.floor(named * 100) / 100


def _slice_gb(slice_name: str) -> float:
    return float(slice_name.rsplit(".", 1)[1].removesuffix("gb"))
