"""`CatalogOverrides`: the stack's additions and corrections to the built-in catalogue.

The catalogue owns this type, so it never imports the stack-config models; the config's
`CatalogSpec.to_overrides()` builds it. Frozen and hashable: lookups with the same overrides
are computed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .throughput import ThroughputRow


@dataclass(frozen=True)
class GpuOverride:
    """A GPU model added or corrected (`catalog.gpus.<key>`); `key` as written in config."""

    key: str
    memory_gib: float
    mig_capable: bool | None = None
    aliases: tuple[str, ...] = ()
    compute_capability: str | None = None
    dtypes: tuple[str, ...] | None = None
    kernels: tuple[str, ...] | None = None
    mig_profiles: tuple[tuple[str, int], ...] | None = None


@dataclass(frozen=True)
class InstanceOverride:
    """A machine type added or replaced whole (`catalog.instances.<machine_type>`).

    `usd_per_hour` holds (region, price) pairs sorted by region.
    """

    machine_type: str
    cloud: str
    gpu_model: str
    gpu_count: int
    vcpu: int | None = None
    memory_gib: float | None = None
    accelerator_type: str | None = None
    usd_per_hour: tuple[tuple[str, float], ...] = ()
    price_source: str | None = None
    price_date: str | None = None


@dataclass(frozen=True)
class CatalogOverrides:
    """Every override of one stack. Default: none (the built-in catalogue)."""

    gpus: tuple[GpuOverride, ...] = ()
    instances: tuple[InstanceOverride, ...] = ()
    throughput: tuple[ThroughputRow, ...] = ()

    def __bool__(self) -> bool:
        """True when GPUs or machine types are overridden (what the GPU and instance
        lookups merge); `throughput` rows are read by SLO sizing alone."""
        return bool(self.gpus or self.instances)


NO_OVERRIDES = CatalogOverrides()
"""The built-in catalogue unchanged."""
