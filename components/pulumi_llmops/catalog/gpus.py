"""GPU models: usable memory per GPU, MIG support, numeric formats, user spellings.

Data: `catalog/data/gpus.yaml`, read once on first use. Facts and their sources are in that
file; NVIDIA's MIG user guide lists the MIG-capable GPUs:
https://docs.nvidia.com/datacenter/tesla/mig-user-guide/
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .overrides import NO_OVERRIDES, CatalogOverrides

MIB = 2**20
GIB = 2**30

_IGNORED_WORDS = frozenset({"nvidia", "tesla"})

SCHEMA_VERSIONS = {"gpus.yaml": 2, "instances.yaml": 2, "models.yaml": 1, "throughput.yaml": 1}
"""The schema version each catalogue data file must declare."""

DTYPES = ("fp16", "bf16", "fp8", "int8", "int4", "fp4")
"""Tensor-core formats a GPU entry may list under `dtypes`."""
KERNELS = (
    "awq",
    "gptq",
    "marlin",
    "int8_w8a8",
    "fp8_w8a8",
    "fp8_weight_only",
    "mxfp4_marlin",
    "bitsandbytes",
    "gguf",
)
"""vLLM quantisation implementations a GPU entry may list under `kernels`."""

UNKNOWN_COMPUTE_CAPABILITY = (7, 0)
"""Assumed for a GPU added in config without `compute_capability`: Volta, the oldest vLLM
supports, so nothing newer (bf16, fp8, AWQ/Marlin kernels) is assumed."""
UNKNOWN_DTYPES = frozenset({"fp16"})
"""Assumed for a GPU added in config without `dtypes`: fp16 only, never an optimistic guess."""


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
    `compute_capability` is CUDA's (major, minor); `dtypes` the tensor-core formats and
    `kernels` the vLLM quantisation kernels it runs (names in `DTYPES`, `KERNELS`).
    `formats_known` is False when a config-added GPU did not declare them and the
    conservative `UNKNOWN_*` assumptions stand in; `formats_source` says where they come from.
    `mig_profiles` pairs each single-size MIG profile with the instances that fill one GPU
    (`("1g.10gb", 7)`), sorted by compute size then memory; empty without MIG.
    """

    name: str
    memory_gib: float
    memory_basis: str
    mig_capable: bool
    aliases: tuple[str, ...] = ()
    compute_capability: tuple[int, int] = UNKNOWN_COMPUTE_CAPABILITY
    dtypes: frozenset[str] = UNKNOWN_DTYPES
    kernels: frozenset[str] = frozenset()
    formats_known: bool = False
    formats_source: str = ""
    mig_profiles: tuple[tuple[str, int], ...] = ()

    @property
    def compute_capability_text(self) -> str:
        """`compute_capability` as NVIDIA writes it (`8.6`)."""
        return f"{self.compute_capability[0]}.{self.compute_capability[1]}"

    def mig_instances(self, profile: str) -> int | None:
        """How many instances of MIG `profile` (`1g.10gb`) fill one GPU, or None when the
        GPU does not offer it (or its profiles are not recorded)."""
        return dict(self.mig_profiles).get(profile)


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
    # libyaml's parser where PyYAML was built with it (the wheels are): the same safe
    # constructors, several times faster than the pure-Python one on these files.
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    version = SCHEMA_VERSIONS.get(filename, 1)
    if not isinstance(data, dict) or data.get("schema_version") != version:
        raise CatalogError(
            f"catalogue data {filename}: expected a mapping with schema_version: {version}"
        )
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
    try:
        capability = parse_compute_capability(entry.get("compute_capability"))
        dtypes = _names(entry.get("dtypes"), DTYPES, "dtypes")
        kernels = _names(entry.get("kernels"), KERNELS, "kernels")
    except ValueError as exc:
        raise CatalogError(f"{where}: {exc}") from None
    source, date = entry.get("source"), entry.get("date")
    if not isinstance(source, str) or not isinstance(date, str):
        raise CatalogError(f"{where}: source and date (strings) are required")
    try:
        profiles = parse_mig_profiles(entry.get("mig_profiles", {}))
    except ValueError as exc:
        raise CatalogError(f"{where}.mig_profiles: {exc}") from None
    if mig != bool(profiles):
        raise CatalogError(f"{where}: list mig_profiles exactly when mig_capable is true")
    return GpuModel(
        name,
        gib,
        basis,
        mig,
        tuple(str(a) for a in aliases),
        compute_capability=capability,
        dtypes=dtypes,
        kernels=kernels,
        formats_known=True,
        formats_source=f"{source} (read {date})",
        mig_profiles=profiles,
    )


_MIG_PROFILE_NAME = re.compile(r"^([1-7])g\.(\d{1,3})gb$")


def mig_profile_problem(gpu: GpuModel, slice_name: str) -> str | None:
    """Why MIG profile `all-<slice_name>` cannot partition `gpu`, or None when it can."""
    if not gpu.mig_profiles:
        return (
            f"the MIG profiles of {gpu.name} are not recorded: declare "
            f"catalog.gpus.{gpu.name}.mig_profiles (e.g. {{1g.10gb: 7}})"
        )
    if gpu.mig_instances(slice_name) is not None:
        return None
    offered = ", ".join(f"all-{name} ({count} per GPU)" for name, count in gpu.mig_profiles)
    return f"{gpu.name} has no MIG profile {slice_name}; it offers {offered}"


def parse_mig_profiles(table: Any) -> tuple[tuple[str, int], ...]:
    """`{"1g.10gb": 7, ...}` -> sorted (profile, instances per GPU) pairs.

    Raises ValueError unless every key is `<N>g.<M>gb` and every count an int from 1 to 7.
    """
    if not isinstance(table, Mapping):
        raise ValueError(f"expected a mapping of profile to instances per GPU, got {table!r}")
    pairs = []
    for profile, count in table.items():
        match = _MIG_PROFILE_NAME.match(profile) if isinstance(profile, str) else None
        if match is None:
            raise ValueError(f"{profile!r} is not a profile name like 1g.10gb")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 7:
            raise ValueError(f"{profile}: instances per GPU must be 1 to 7, got {count!r}")
        pairs.append((int(match.group(1)), int(match.group(2)), profile, count))
    return tuple((profile, count) for _, _, profile, count in sorted(pairs))


def parse_compute_capability(text: Any) -> tuple[int, int]:
    """`"8.6"` -> (8, 6); raise ValueError for anything but "<major>.<minor>"."""
    match = re.fullmatch(r"(\d{1,2})\.(\d)", text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f'compute_capability must be a string like "8.6", got {text!r}')
    return int(match.group(1)), int(match.group(2))


def _names(values: Any, allowed: tuple[str, ...], what: str) -> frozenset[str]:
    if not isinstance(values, list) or any(v not in allowed for v in values):
        raise ValueError(f"{what} must be a list of {', '.join(allowed)}, got {values!r}")
    return frozenset(values)


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
    model's memory, and its MIG flag, MIG profiles, compute capability, dtypes and kernels
    when given (a GPU marked not MIG-capable has no profiles); its aliases add to the
    built-in ones. A new model without formats gets the conservative
    `UNKNOWN_*` assumptions (`formats_known` False). The result is cached per `overrides` and
    shared: treat it as read-only.
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
        base = builtin or GpuModel(name, spec.memory_gib, "config override", mig)
        declared = (spec.compute_capability, spec.dtypes, spec.kernels)
        models[name] = replace(
            base,
            memory_gib=spec.memory_gib,
            memory_basis="config override",
            mig_capable=mig,
            aliases=aliases,
            compute_capability=(
                parse_compute_capability(spec.compute_capability)
                if spec.compute_capability is not None
                else base.compute_capability
            ),
            dtypes=frozenset(spec.dtypes) if spec.dtypes is not None else base.dtypes,
            kernels=frozenset(spec.kernels) if spec.kernels is not None else base.kernels,
            mig_profiles=(
                ()
                if not mig
                else spec.mig_profiles
                if spec.mig_profiles is not None
                else base.mig_profiles
            ),
            formats_known=base.formats_known or all(v is not None for v in declared),
            formats_source=(
                "config override (catalog.gpus)"
                if any(v is not None for v in declared)
                else base.formats_source
            ),
        )
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
