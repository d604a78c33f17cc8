"""`CatalogSpec`: stack-config overrides and additions to the GPU and machine-type catalogue.

Prices and machine types change faster than releases: a stack can correct a price, add a
region, or describe a machine type or GPU the built-in catalogue lacks. An entry replaces
the built-in entry with the same key whole (no field-by-field merge), so each entry is
complete on its own. Built-in data: `pulumi_llmops/catalog/data/*.yaml`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from ..catalog.gpus import (
    DTYPES,
    KERNELS,
    UnknownGpuModelError,
    canonical_gpu_key,
    gpu_name_key,
    list_gpu_models,
    normalize_gpu_model,
    parse_mig_profiles,
)
from ..catalog.overrides import CatalogOverrides, GpuOverride, InstanceOverride
from .base import Spec
from .errors import Problem, raise_if_any
from .slo import ThroughputRowSpec

MachineTypeKey = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
]
RegionKey = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
]
GpuModelKey = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")
]
UsdPerHour = Annotated[float, Field(gt=0, allow_inf_nan=False)]
MigProfileName = Annotated[str, StringConstraints(pattern=r"^[1-7]g\.\d{1,3}gb$")]
MigInstances = Annotated[int, Field(ge=1, le=7)]
GpuDtype = Literal[DTYPES]  # type: ignore[valid-type]
GpuKernel = Literal[KERNELS]  # type: ignore[valid-type]


class GpuModelSpec(Spec):
    """A GPU model to add to the catalogue, or to correct (key = any spelling of it)."""

    memory_gib: float = Field(
        gt=0,
        le=1024,
        allow_inf_nan=False,
        description=(
            "Memory of one GPU in GiB (2^30 bytes) used for sizing, e.g. nvidia-smi's "
            "total MiB / 1024. Required; replaces the built-in figure when the key names "
            "a built-in model."
        ),
    )
    mig_capable: bool | None = Field(
        None,
        description=(
            "The GPU supports Multi-Instance GPU partitioning. Default: the built-in "
            "model's value when the key names one, otherwise false."
        ),
    )
    mig_profiles: dict[MigProfileName, MigInstances] | None = Field(
        None,
        description=(
            "Single-size MIG profiles of a MIG-capable GPU and how many instances fill one "
            "GPU, e.g. {1g.10gb: 7, 3g.40gb: 2} (nvidia-smi mig -lgip, or NVIDIA's MIG user "
            "guide). Needed for a pool that partitions the GPU with MIG. Unset: the built-in "
            "model's; for a new model none."
        ),
    )
    aliases: tuple[str, ...] = Field(
        (),
        description=(
            "Other spellings that name this model (a cloud accelerator name, the nvidia-smi "
            "product name). A built-in model keeps its built-in aliases too."
        ),
    )
    compute_capability: str | None = Field(
        None,
        pattern=r"^\d{1,2}\.\d$",
        description=(
            'CUDA compute capability, e.g. "8.9" (NVIDIA\'s CUDA GPUs table). Unset: the '
            "built-in model's; for a new model 7.0 is assumed (no bf16, no fp8)."
        ),
    )
    dtypes: tuple[GpuDtype, ...] | None = Field(
        None,
        description=(
            "Formats the tensor cores compute natively (fp16, bf16, fp8, int8, int4, fp4), "
            "from the datasheet. Unset: the built-in model's; for a new model fp16 only."
        ),
    )
    kernels: tuple[GpuKernel, ...] | None = Field(
        None,
        description=(
            "vLLM quantisation kernels the GPU runs (awq, gptq, marlin, int8_w8a8, "
            "fp8_w8a8, fp8_weight_only, mxfp4_marlin, bitsandbytes, gguf), from vLLM's "
            "Supported Hardware table. Unset: the built-in model's; for a new model none."
        ),
    )

    @model_validator(mode="after")
    def _profiles_need_mig(self) -> GpuModelSpec:
        if self.mig_capable is False and self.mig_profiles:
            raise_if_any(
                [Problem("mig_profiles", "only for a MIG-capable GPU, but mig_capable is false")]
            )
        return self


class InstanceEntrySpec(Spec):
    """A machine type to add to the catalogue, or to replace (same cloud and name)."""

    cloud: Literal["aws", "gcp", "azure"] = Field(
        description="Cloud the machine type belongs to. Required."
    )
    gpu_model: str = Field(
        min_length=1,
        max_length=40,
        description=(
            "GPU model, any accepted spelling of a built-in model (L4, a100-80gb) or a key "
            "of `gpus`. Required."
        ),
    )
    gpu_count: int = Field(ge=1, le=16, description="GPUs per machine, 1 to 16. Required.")
    vcpu: int | None = Field(
        None, ge=1, le=4096, description="Host vCPUs. Unset: unknown (not reported)."
    )
    memory_gib: float | None = Field(
        None,
        gt=0,
        le=65536,
        allow_inf_nan=False,
        description="Host memory in GiB. Unset: unknown (not reported).",
    )
    accelerator_type: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description=(
            "GCP only, required there: the guest accelerator type GKE node pools request "
            "(e.g. nvidia-l4)."
        ),
    )
    usd_per_hour: dict[RegionKey, UsdPerHour] = Field(
        default_factory=dict,
        description=(
            "On-demand USD per hour of one machine, by region (e.g. us-east-1: 1.006). "
            "Empty: cost reports show the machine as unpriced."
        ),
    )
    price_source: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description=(
            "Where the prices come from (e.g. 'AWS price list, 2026-09'). Required when "
            "usd_per_hour is set."
        ),
    )
    price_date: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}(-\d{2})?$",
        description="Date of the prices, YYYY-MM or YYYY-MM-DD. Unset: undated.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> InstanceEntrySpec:
        problems = []
        if self.usd_per_hour and self.price_source is None:
            problems.append(Problem("price_source", "required when usd_per_hour is set"))
        for field in ("price_source", "price_date"):
            value = getattr(self, field)
            if value is not None and not self.usd_per_hour:
                problems.append(Problem(field, "only with usd_per_hour", value))
        if self.cloud == "gcp" and self.accelerator_type is None:
            problems.append(
                Problem("accelerator_type", "required on gcp (e.g. nvidia-l4, nvidia-tesla-a100)")
            )
        if self.cloud != "gcp" and self.accelerator_type is not None:
            problems.append(
                Problem("accelerator_type", f"only on gcp, not {self.cloud}", self.accelerator_type)
            )
        raise_if_any(problems)
        return self


class CatalogSpec(Spec):
    """Overrides and additions to the built-in GPU and machine-type catalogue.

    Entries win over built-in entries with the same key. Default: no overrides.
    """

    instances: dict[MachineTypeKey, InstanceEntrySpec] = Field(
        default_factory=dict,
        description=(
            "Machine types keyed by name (matched case-insensitively). An entry replaces "
            "the built-in entry of that name whole."
        ),
    )
    gpus: dict[GpuModelKey, GpuModelSpec] = Field(
        default_factory=dict,
        description=(
            "GPU models keyed by name. A key that is a spelling of a built-in model "
            "(a100-80gb) corrects it; any other key adds a model."
        ),
    )
    regions: dict[Literal["aws", "gcp", "azure"], list[RegionKey]] = Field(
        default_factory=dict,
        description=(
            "Regions to accept beyond the built-in region list (a new or sovereign region), "
            "per cloud, e.g. `aws: [us-newregion-1]`."
        ),
    )
    throughput: list[ThroughputRowSpec] = Field(
        default_factory=list,
        description=(
            "Throughput rows for SLO sizing (`models.<name>.slo`), e.g. measured on your "
            "deployment. A row replaces the built-in row with the same gpu, precision, "
            "size_class and tensor_parallel, or adds one. Default: the built-in table."
        ),
    )

    @model_validator(mode="after")
    def _names_resolve(self) -> CatalogSpec:
        problems = self._alias_problems()
        first_key: dict[tuple[str, str], str] = {}
        for machine_type, entry in self.instances.items():
            seen = first_key.setdefault((entry.cloud, machine_type.lower()), machine_type)
            if seen != machine_type:
                problems.append(
                    Problem(
                        f"instances.{machine_type}",
                        f"same {entry.cloud} machine type as instances.{seen} "
                        "(names match case-insensitively)",
                    )
                )
        if not problems:
            for machine_type, entry in self.instances.items():
                try:
                    normalize_gpu_model(entry.gpu_model, self.to_overrides())
                except UnknownGpuModelError as exc:
                    problems.append(
                        Problem(f"instances.{machine_type}.gpu_model", str(exc), entry.gpu_model)
                    )
            problems += self._throughput_problems()
        raise_if_any(problems)
        return self

    def _throughput_problems(self) -> list[Problem]:
        problems = []
        seen: dict[tuple[str, str, str, int], int] = {}
        for index, row in enumerate(self.throughput):
            try:
                gpu = normalize_gpu_model(row.gpu, self._overrides_without_throughput)
            except UnknownGpuModelError as exc:
                problems.append(Problem(f"throughput.{index}.gpu", str(exc), row.gpu))
                continue
            key = (gpu, row.precision, row.size_class, row.tensor_parallel)
            first = seen.setdefault(key, index)
            if first != index:
                problems.append(
                    Problem(
                        f"throughput.{index}",
                        f"same gpu, precision, size_class and tensor_parallel as "
                        f"throughput.{first}",
                    )
                )
        return problems

    def _alias_problems(self) -> list[Problem]:
        owners = {
            gpu_name_key(spelling): model.name
            for model in list_gpu_models()
            for spelling in (model.name, *model.aliases)
        }
        problems = []
        first_key: dict[str, str] = {}
        for key, spec in self.gpus.items():
            name = canonical_gpu_key(key)
            if first_key.setdefault(name, key) != key:
                problems.append(
                    Problem(f"gpus.{key}", f"names the same GPU model as gpus.{first_key[name]}")
                )
                continue
            for index, alias in enumerate((key, *spec.aliases)):
                where = f"gpus.{key}" if index == 0 else f"gpus.{key}.aliases.{index - 1}"
                match = gpu_name_key(alias)
                if not match:
                    problems.append(Problem(where, "must contain letters or digits", alias))
                    continue
                owner = owners.setdefault(match, name)
                if owner != name:
                    problems.append(Problem(where, f"already names GPU model {owner}", alias))
        return problems

    def to_overrides(self) -> CatalogOverrides:
        """The catalogue's view of these overrides (what every `catalog` function takes)."""
        return self._overrides

    @cached_property
    def _overrides(self) -> CatalogOverrides:
        base = self._overrides_without_throughput
        if not self.throughput:
            return base
        rows = tuple(
            row.to_row(normalize_gpu_model(row.gpu, self._overrides_without_throughput))
            for row in self.throughput
        )
        return CatalogOverrides(gpus=base.gpus, instances=base.instances, throughput=rows)

    @cached_property
    def _overrides_without_throughput(self) -> CatalogOverrides:
        return CatalogOverrides(
            gpus=tuple(
                GpuOverride(
                    key,
                    spec.memory_gib,
                    spec.mig_capable,
                    tuple(spec.aliases),
                    compute_capability=spec.compute_capability,
                    dtypes=spec.dtypes,
                    kernels=spec.kernels,
                    mig_profiles=(
                        None if spec.mig_profiles is None else parse_mig_profiles(spec.mig_profiles)
                    ),
                )
                for key, spec in self.gpus.items()
            ),
            instances=tuple(
                InstanceOverride(
                    machine_type=machine_type,
                    cloud=spec.cloud,
                    gpu_model=spec.gpu_model,
                    gpu_count=spec.gpu_count,
                    vcpu=spec.vcpu,
                    memory_gib=spec.memory_gib,
                    accelerator_type=spec.accelerator_type,
                    usd_per_hour=tuple(sorted(spec.usd_per_hour.items())),
                    price_source=spec.price_source,
                    price_date=spec.price_date,
                )
                for machine_type, spec in self.instances.items()
            ),
        )
