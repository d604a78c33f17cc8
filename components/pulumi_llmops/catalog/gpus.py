"""GPU models: usable memory per GPU, MIG support, and normalising user spellings.

Data: `catalog/data/gpus.yaml`, read once on first use. Facts and their sources are in that
file; NVIDIA's MIG user guide lists the MIG-capable GPUs:
https://docs.nvidia.com/datacenter/tesla/mig-user-guide/
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .overrides import NO_OVERRIDES, CatalogOverrides

MIB = 2**20
GIB = 2**30

_IGNORED_WORDS = frozenset({"nvidia", "tesla"})


class CatalogError(ValueError):
    """Base class of catalogue errors: an unknown name, bad catalogue data, no fitting pool.

    A `ValueError`, so pydantic validators that consult the catalogue report it as a
    validation problem at the field's path.
    """


class UnknownGpuModelError(CatalogError):
    """A GPU model name that neither the catalogue nor the config overrides know."""

    def __init__(self, name: str, known: tuple[str, ...], suggestions: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        self.suggestions = suggestions
        hint = f" (did you mean {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(
            f"unknown GPU model {name!r}{hint}; known models: {', '.join(known)}. "
            "Add others under `catalog.gpus` in config (memory_gib, mig_capable)."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.name, self.known, self.suggestions))


@dataclass(frozen=True)
class GpuModel:
    """One GPU model.

    `memory_gib` is the memory of one GPU in GiB (2^30 bytes) used for sizing;
    `memory_basis` says where the figure comes from (usable MiB, nominal GB, or config).
    """

    name: str
    memory_gib: float
    memory_basis: str
    mig_capable: bool
    aliases: tuple[str, ...] = ()


def read_data_file(filename: str) -> dict[str, Any]:
    """Parsed YAML of a catalogue data file shipped in `catalog/data/` (read once, cached).

    The result is shared: treat it as read-only.
    """
    return _read_data_file(filename)


@functools.cache
def _read_data_file(filename: str) -> dict[str, Any]:
    from importlib import resources

    import yaml

    text = (resources.files(__package__) / "data" / filename).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise CatalogError(f"catalogue data {filename}: expected a mapping with schema_version: 1")
    return data


def gpu_name_key(text: str) -> str:
    """Matching key of a GPU spelling: lowercase alphanumerics, without 'nvidia'/'tesla'.

    `NVIDIA A100-SXM4-80GB`, `nvidia-a100-80gb` and `A100 80GB` differ only in words this
    drops, so aliases need list each spelling family once.
    """
    words = re.split(r"[^a-z0-9]+", text.lower())
    return "".join(w for w in words if w and w not in _IGNORED_WORDS)


@functools.cache
def _builtin_gpu_models() -> dict[str, GpuModel]:
    raw = read_data_file("gpus.yaml").get("gpus")
    if not isinstance(raw, dict) or not raw:
        raise CatalogError("catalogue data gpus.yaml: `gpus` must be a non-empty mapping")
    models = {name: _parse_gpu(name, entry) for name, entry in raw.items()}
    _alias_index(models)  # rejects aliases claimed by two models
    return models


def _parse_gpu(name: str, entry: Any) -> GpuModel:
    where = f"catalogue data gpus.yaml: gpus.{name}"
    if not isinstance(entry, dict) or not isinstance(entry.get("memory"), dict):
        raise CatalogError(f"{where}: expected a mapping with `memory`")
    memory = entry["memory"]
    if set(memory) == {"usable_mib"} and _positive(memory["usable_mib"]):
        mib = memory["usable_mib"]
        gib, basis = mib * MIB / GIB, f"usable {mib:,} MiB (reference)"
    elif set(memory) == {"nominal_gb"} and _positive(memory["nominal_gb"]):
        gb = memory["nominal_gb"]
        gib = gb * 10**9 / GIB
        basis = f"nominal {gb} GB taken as 10^9 bytes (conservative)"
    else:
        raise CatalogError(f"{where}.memory: give exactly one positive usable_mib or nominal_gb")
    mig = entry.get("mig_capable")
    aliases = entry.get("aliases", [])
    if not isinstance(mig, bool) or not isinstance(aliases, list):
        raise CatalogError(f"{where}: mig_capable must be a boolean and aliases a list")
    return GpuModel(name, gib, basis, mig, tuple(str(a) for a in aliases))


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _alias_index(models: Mapping[str, GpuModel]) -> dict[str, str]:
    index: dict[str, str] = {}
    for model in models.values():
        for spelling in (model.name, *model.aliases):
            key = gpu_name_key(spelling)
            owner = index.setdefault(key, model.name)
            if owner != model.name:
                raise CatalogError(
                    f"GPU spelling {spelling!r} names both {owner} and {model.name}; "
                    "remove it from one of them"
                )
    return index


@functools.cache
def _builtin_index() -> dict[str, str]:
    return _alias_index(_builtin_gpu_models())


def canonical_gpu_key(name: str) -> str:
    """Catalogue name a `catalog.gpus` config key refers to.

    A key that is a spelling of a built-in model (`a100-80gb`) overrides that model
    (`A100-80GB`); any other key (`RTX-6000-ADA`) adds a new model under that exact name.
    """
    return _builtin_index().get(gpu_name_key(name), name)


def gpu_models(overrides: CatalogOverrides = NO_OVERRIDES) -> dict[str, GpuModel]:
    """Every GPU model by canonical name: built-ins, then config overrides and additions.

    Default (no overrides): the built-in catalogue. An override replaces the built-in
    model's memory, and its MIG flag when given; its aliases add to the built-in ones.
    The result is cached per `overrides` and shared: treat it as read-only.
    """
    if not overrides:
        return _builtin_gpu_models()
    return _merged_gpu_models(overrides)


@functools.cache
def _merged_gpu_models(overrides: CatalogOverrides) -> dict[str, GpuModel]:
    models = dict(_builtin_gpu_models())
    for spec in overrides.gpus:
        name = canonical_gpu_key(spec.key)
        builtin = models.get(name)
        mig = (
            spec.mig_capable
            if spec.mig_capable is not None
            else bool(builtin and builtin.mig_capable)
        )
        aliases = (builtin.aliases if builtin else ()) + tuple(spec.aliases)
        models[name] = GpuModel(name, spec.memory_gib, "config override", mig, aliases)
    return models


@functools.cache
def _merged_index(overrides: CatalogOverrides) -> dict[str, str]:
    return _alias_index(_merged_gpu_models(overrides))


def list_gpu_models(overrides: CatalogOverrides = NO_OVERRIDES) -> tuple[GpuModel, ...]:
    """All GPU models sorted by name (built-ins plus config overrides; default: built-ins)."""
    return tuple(sorted(gpu_models(overrides).values(), key=lambda m: m.name))


def normalize_gpu_model(name: str, overrides: CatalogOverrides = NO_OVERRIDES) -> str:
    """Canonical catalogue name for a user spelling of a GPU model.

    `a100-80gb`, `nvidia-a100-80gb`, `A100 80GB` and `NVIDIA A100-SXM4-80GB` all give
    `A100-80GB`. A bare family name gives the smallest-memory variant (`a100` ->
    `A100-40GB`, `h100` -> `H100-80GB`): conservative for sizing. Overrides (default none)
    add the names and aliases declared under `catalog.gpus`.

    Raises `UnknownGpuModelError` naming the closest known spellings and every known model.
    """
    if overrides:
        models, index = _merged_gpu_models(overrides), _merged_index(overrides)
    else:
        models, index = _builtin_gpu_models(), _builtin_index()
    key = gpu_name_key(name) if isinstance(name, str) else ""
    if key in index:
        return index[key]
    close = difflib.get_close_matches(key, list(index), n=10, cutoff=0.6)
    suggestions = tuple(dict.fromkeys(index[k] for k in close))[:3]
    raise UnknownGpuModelError(str(name), tuple(sorted(models)), suggestions)


def get_gpu_model(name: str, overrides: CatalogOverrides = NO_OVERRIDES) -> GpuModel:
    """The `GpuModel` for any accepted spelling (see `normalize_gpu_model`)."""
    return gpu_models(overrides)[normalize_gpu_model(name, overrides)]
