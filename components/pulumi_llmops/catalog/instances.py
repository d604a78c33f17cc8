"""GPU machine types per cloud: GPU model and count, host size, GCP accelerator, prices.

Data: `catalog/data/instances.yaml` (sources and deliberate gaps are listed there), read
once on first use; stack config can override or add entries (`CatalogSpec.instances`).
AWS GPU counts follow Karpenter's instance-type reference:
https://karpenter.sh/docs/reference/instance-types/
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .gpus import CatalogError, GpuModel, gpu_models, normalize_gpu_model, read_data_file
from .overrides import NO_OVERRIDES, CatalogOverrides
from .pricing import Price

Cloud = Literal["aws", "gcp", "azure"]
CLOUDS: tuple[str, ...] = ("aws", "gcp", "azure")

_OVERRIDE_SOURCE = "config override (catalog.instances)"


@dataclass(frozen=True)
class InstanceType:
    """One GPU machine type of one cloud.

    `gpu_memory_gib` is per GPU, from the GPU model's catalogue entry; `vcpu` and
    `memory_gib` (host RAM) are None where the catalogue does not know them for certain.
    `accelerator_type` is set on GCP only (the guest accelerator a GKE node pool requests).
    `prices` holds the on-demand prices known per region, `spot_prices` the spot figures
    read for some regions (a snapshot median, see `catalog/data/instances.yaml`); `source`
    names where the shape figures come from.
    """

    cloud: str
    machine_type: str
    gpu_model: str
    gpu_count: int
    gpu_memory_gib: float
    mig_capable: bool
    vcpu: int | None = None
    memory_gib: float | None = None
    accelerator_type: str | None = None
    prices: tuple[Price, ...] = ()
    source: str = ""
    spot_prices: tuple[Price, ...] = ()

    @property
    def total_gpu_memory_gib(self) -> float:
        """GPU memory of the whole machine in GiB (`gpu_count * gpu_memory_gib`)."""
        return self.gpu_count * self.gpu_memory_gib

    @property
    def price_regions(self) -> tuple[str, ...]:
        """Regions with a known on-demand price, sorted."""
        return tuple(sorted(p.region for p in self.prices))


class UnknownMachineTypeError(CatalogError):
    """A machine type the catalogue (and the config overrides) does not know."""

    def __init__(self, cloud: str, machine_type: str, suggestions: tuple[str, ...]) -> None:
        self.cloud = cloud
        self.machine_type = machine_type
        self.suggestions = tuple(suggestions)
        closest = (
            f"closest known: {', '.join(self.suggestions)}"
            if self.suggestions
            else f"no similar {cloud} machine type is known"
        )
        super().__init__(
            f"unknown {cloud} machine type {machine_type!r} ({closest}). The GPU shape of "
            "a machine type outside the catalogue is unknown: declare it on the node pool "
            "(`gpu: {model: <GPU model>, count: <GPUs per node>}`) or add the machine type "
            "under `catalog.instances` in stack config (cloud, gpu_model, gpu_count)."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.cloud, self.machine_type, self.suggestions))


@dataclass(frozen=True)
class _Entry:
    """A catalogue row before its GPU model is resolved against the (merged) GPU table."""

    cloud: str
    machine_type: str
    gpu_model: str
    gpu_count: int
    vcpu: int | None
    memory_gib: float | None
    accelerator_type: str | None
    prices: tuple[Price, ...]
    source: str
    spot_prices: tuple[Price, ...] = ()


def check_cloud(cloud: str) -> str:
    """Return `cloud` if it is one of `CLOUDS`; otherwise raise `CatalogError` listing them."""
    if cloud not in CLOUDS:
        raise CatalogError(f"unknown cloud {cloud!r}; allowed: {', '.join(CLOUDS)}")
    return cloud


def lookup_instance(
    cloud: str, machine_type: str, overrides: CatalogOverrides = NO_OVERRIDES
) -> InstanceType:
    """The catalogue entry of `machine_type` on `cloud`.

    Machine types match case-insensitively (Azure's API treats VM sizes so). Entries under
    `overrides.instances` (default: none) replace built-in entries of the same name.
    Raises `UnknownMachineTypeError` with up to 5 close names, or `CatalogError` for an
    unknown cloud.
    """
    check_cloud(cloud)
    key = (cloud, machine_type.lower())
    instances = _instances(overrides)
    found = instances.get(key)
    if found is not None:
        return found
    entries: Mapping[tuple[str, str], _Entry] = (
        _merged_entries(overrides) if overrides else _builtin_entries()
    )
    known = {e.machine_type.lower(): e.machine_type for e in entries.values() if e.cloud == cloud}
    close = difflib.get_close_matches(machine_type.lower(), sorted(known), n=5, cutoff=0.6)
    raise UnknownMachineTypeError(cloud, machine_type, tuple(known[c] for c in close))


def list_instances(
    cloud: str | None = None, overrides: CatalogOverrides = NO_OVERRIDES
) -> tuple[InstanceType, ...]:
    """All catalogue machine types, sorted by cloud then name.

    Default: every cloud, built-in entries only. `cloud` restricts to one cloud;
    `overrides` merges `catalog.instances` (and its GPU models) over the built-ins.
    """
    if cloud is not None:
        check_cloud(cloud)
    selected = [i for i in _instances(overrides).values() if cloud is None or i.cloud == cloud]
    return tuple(sorted(selected, key=lambda i: (CLOUDS.index(i.cloud), i.machine_type)))


def _resolve(entry: _Entry, gpus: Mapping[str, GpuModel]) -> InstanceType:
    gpu = gpus[entry.gpu_model]
    return InstanceType(
        cloud=entry.cloud,
        machine_type=entry.machine_type,
        gpu_model=gpu.name,
        gpu_count=entry.gpu_count,
        gpu_memory_gib=gpu.memory_gib,
        mig_capable=gpu.mig_capable,
        vcpu=entry.vcpu,
        memory_gib=entry.memory_gib,
        accelerator_type=entry.accelerator_type,
        prices=entry.prices,
        source=entry.source,
        spot_prices=entry.spot_prices,
    )


@functools.cache
def _instances(overrides: CatalogOverrides) -> dict[tuple[str, str], InstanceType]:
    """Every machine type with its GPU model resolved, cached per `overrides`."""
    gpus = gpu_models(overrides)
    entries = _merged_entries(overrides) if overrides else _builtin_entries()
    return {key: _resolve(entry, gpus) for key, entry in entries.items()}


@functools.cache
def _merged_entries(overrides: CatalogOverrides) -> dict[tuple[str, str], _Entry]:
    entries = dict(_builtin_entries())
    for spec in overrides.instances:
        machine_type = spec.machine_type
        key = (spec.cloud, machine_type.lower())
        existing = entries.get(key)
        name = existing.machine_type if existing else machine_type
        prices = tuple(
            Price(usd, region, spec.price_source or _OVERRIDE_SOURCE, spec.price_date)
            for region, usd in spec.usd_per_hour
        )
        entries[key] = _Entry(
            cloud=spec.cloud,
            machine_type=name,
            gpu_model=normalize_gpu_model(spec.gpu_model, overrides),
            gpu_count=spec.gpu_count,
            vcpu=spec.vcpu,
            memory_gib=spec.memory_gib,
            accelerator_type=spec.accelerator_type,
            prices=prices,
            source=_OVERRIDE_SOURCE,
        )
    return entries


@functools.cache
def _builtin_entries() -> dict[tuple[str, str], _Entry]:
    data = read_data_file("instances.yaml")
    gpus = gpu_models()
    defaults = data.get("price_defaults") or {}
    spot_defaults = data.get("spot_defaults") or {}
    entries: dict[tuple[str, str], _Entry] = {}
    for cloud, rows in (data.get("instances") or {}).items():
        check_cloud(cloud)
        shape_source = (data.get("shape_sources") or {}).get(cloud, "")
        for machine_type, raw in rows.items():
            entry = _parse_entry(
                cloud, machine_type, raw, shape_source, (defaults, spot_defaults), gpus
            )
            entries[(cloud, machine_type.lower())] = entry
    if not entries:
        raise CatalogError("catalogue data instances.yaml: no instances")
    return entries


_ENTRY_KEYS = frozenset(
    {"gpu_model", "gpu_count", "vcpu", "memory_gib", "accelerator_type", "prices", "spot_prices"}
)
_PRICE_KEYS = frozenset({"usd_per_hour", "source", "date", "note"})


def _parse_entry(
    cloud: str,
    machine_type: str,
    raw: Any,
    shape_source: str,
    defaults: tuple[Mapping[str, Any], Mapping[str, Any]],
    gpus: Mapping[str, GpuModel],
) -> _Entry:
    where = f"catalogue data instances.yaml: instances.{cloud}.{machine_type}"
    if not isinstance(raw, dict) or not set(raw) <= _ENTRY_KEYS:
        raise CatalogError(f"{where}: expected a mapping with keys {sorted(_ENTRY_KEYS)}")
    if raw.get("gpu_model") not in gpus:
        raise CatalogError(f"{where}.gpu_model: {raw.get('gpu_model')!r} is not in gpus.yaml")
    count = raw.get("gpu_count")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 16:
        raise CatalogError(f"{where}.gpu_count: expected an integer 1..16, got {count!r}")
    for field in ("vcpu", "memory_gib"):
        value = raw.get(field)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise CatalogError(f"{where}.{field}: expected a positive integer, got {value!r}")
    if (cloud == "gcp") != isinstance(raw.get("accelerator_type"), str):
        raise CatalogError(f"{where}.accelerator_type: required on gcp, not allowed elsewhere")
    prices = _parse_prices(f"{where}.prices", raw.get("prices"), defaults[0])
    spot = _parse_prices(f"{where}.spot_prices", raw.get("spot_prices"), defaults[1])
    return _Entry(
        cloud=cloud,
        machine_type=machine_type,
        gpu_model=raw["gpu_model"],
        gpu_count=count,
        vcpu=raw.get("vcpu"),
        memory_gib=float(raw["memory_gib"]) if "memory_gib" in raw else None,
        accelerator_type=raw.get("accelerator_type"),
        prices=prices,
        source=shape_source,
        spot_prices=spot,
    )


def _parse_prices(where: str, rows: Any, defaults: Mapping[str, Any]) -> tuple[Price, ...]:
    prices = []
    for region, price in (rows or {}).items():
        if not isinstance(price, dict) or not set(price) <= _PRICE_KEYS:
            raise CatalogError(f"{where}.{region}: expected keys {sorted(_PRICE_KEYS)}")
        try:
            prices.append(
                Price(
                    usd_per_hour=price.get("usd_per_hour"),
                    region=region,
                    source=price.get("source", defaults.get("source")),
                    date=str(price.get("date", defaults.get("date"))),
                    note=price.get("note"),
                )
            )
        except ValueError as exc:
            raise CatalogError(f"{where}.{region}: {exc}") from None
    return tuple(sorted(prices, key=lambda p: p.region))
