"""GPU models: memory figures from the reference, MIG flags, name normalisation, overrides."""

from __future__ import annotations

import pickle

import pytest

from pulumi_llmops.catalog import (
    UnknownGpuModelError,
    get_gpu_model,
    list_gpu_models,
    normalize_gpu_model,
)
from pulumi_llmops.config.catalog import CatalogSpec

GIB = 2**30

# name: (GiB per GPU, basis, MIG). Usable MiB where the reference gives it (MiB / 1024);
# otherwise nominal decimal GB (GB x 10^9 / 2^30).
EXPECTED = {
    "A100-40GB": (40e9 / GIB, "nominal 40 GB taken as 10^9 bytes (conservative)", True),
    "A100-80GB": (80e9 / GIB, "nominal 80 GB taken as 10^9 bytes (conservative)", True),
    "A10G": (22888 / 1024, "usable 22,888 MiB (reference)", False),
    "H100-80GB": (80e9 / GIB, "nominal 80 GB taken as 10^9 bytes (conservative)", True),
    "H100-NVL-94GB": (94e9 / GIB, "nominal 94 GB taken as 10^9 bytes (conservative)", True),
    "H200-141GB": (144384 / 1024, "usable 144,384 MiB (reference)", True),
    "L4": (22888 / 1024, "usable 22,888 MiB (reference)", False),
    "L40S": (45776 / 1024, "usable 45,776 MiB (reference)", False),
    "T4": (16e9 / GIB, "nominal 16 GB taken as 10^9 bytes (conservative)", False),
}


def test_gpu_models_are_exactly_the_reference_models() -> None:
    assert [m.name for m in list_gpu_models()] == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_memory_and_mig_per_model(name: str) -> None:
    model = get_gpu_model(name)
    memory, basis, mig = EXPECTED[name]
    assert model.memory_gib == memory
    assert model.memory_basis == basis
    assert model.mig_capable is mig


def test_reference_mib_figures_convert_to_the_documented_gib() -> None:
    assert get_gpu_model("A10G").memory_gib == 22.3515625
    assert get_gpu_model("L40S").memory_gib == 44.703125
    assert get_gpu_model("H200-141GB").memory_gib == 141.0
    assert get_gpu_model("T4").memory_gib == pytest.approx(14.901161193847656, rel=1e-15)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("a100", "A100-40GB"),
        ("nvidia-tesla-a100", "A100-40GB"),
        ("A100-SXM4-40GB", "A100-40GB"),
        ("nvidia-a100-80gb", "A100-80GB"),
        ("A100 80GB", "A100-80GB"),
        ("a100-80g", "A100-80GB"),
        ("NVIDIA A100-SXM4-80GB", "A100-80GB"),
        ("NVIDIA A100 80GB PCIe", "A100-80GB"),
        ("Tesla T4", "T4"),
        ("nvidia-tesla-t4", "T4"),
        ("t4", "T4"),
        ("nvidia-l4", "L4"),
        ("NVIDIA L4", "L4"),
        ("l40s", "L40S"),
        ("a10g", "A10G"),
        ("h100", "H100-80GB"),
        ("nvidia-h100-80gb", "H100-80GB"),
        ("nvidia-h100-mega-80gb", "H100-80GB"),
        ("NVIDIA H100 80GB HBM3", "H100-80GB"),
        ("H100 NVL", "H100-NVL-94GB"),
        ("h100-94gb", "H100-NVL-94GB"),
        ("h200", "H200-141GB"),
        ("nvidia-h200-141gb", "H200-141GB"),
    ],
)
def test_user_spellings_normalise(spelling: str, canonical: str) -> None:
    assert normalize_gpu_model(spelling) == canonical


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_canonical_names_are_fixed_points(name: str) -> None:
    assert normalize_gpu_model(name) == name
    assert normalize_gpu_model(name.lower()) == name


@pytest.mark.parametrize("label", ["t4", "l4", "a10g", "l40s", "h100"])
def test_karpenter_gpu_name_labels_resolve(label: str) -> None:
    normalize_gpu_model(label)


def test_unknown_gpu_names_the_closest_and_every_known_model() -> None:
    with pytest.raises(UnknownGpuModelError) as info:
        normalize_gpu_model("a10")
    assert str(info.value) == (
        "unknown GPU model 'a10' (did you mean A10G, A100-40GB, A100-80GB?); known models: "
        "A100-40GB, A100-80GB, A10G, H100-80GB, H100-NVL-94GB, H200-141GB, L4, L40S, T4. "
        "Add others under `catalog.gpus` in config (memory_gib, mig_capable)."
    )
    assert info.value.suggestions == ("A10G", "A100-40GB", "A100-80GB")
    assert isinstance(info.value, ValueError)


def test_unknown_gpu_without_close_match() -> None:
    with pytest.raises(UnknownGpuModelError) as info:
        normalize_gpu_model("rtx-4090")
    assert info.value.suggestions == ()
    assert str(info.value).startswith("unknown GPU model 'rtx-4090'; known models: A100-40GB")


@pytest.mark.parametrize("bad", ["", "  ", "nvidia", "---"])
def test_empty_spellings_are_unknown(bad: str) -> None:
    with pytest.raises(UnknownGpuModelError):
        normalize_gpu_model(bad)


def test_error_survives_pickling() -> None:
    with pytest.raises(UnknownGpuModelError) as info:
        normalize_gpu_model("a10")
    copy = pickle.loads(pickle.dumps(info.value))
    assert str(copy) == str(info.value)


def test_config_adds_a_gpu_model_with_aliases() -> None:
    spec = CatalogSpec(gpus={"RTX-6000-Ada": {"memory_gib": 47.5, "aliases": ["rtx6000ada"]}})
    assert normalize_gpu_model("rtx 6000 ada", spec.to_overrides()) == "RTX-6000-Ada"
    assert normalize_gpu_model("RTX6000ADA", spec.to_overrides()) == "RTX-6000-Ada"
    model = get_gpu_model("rtx6000ada", spec.to_overrides())
    assert (model.memory_gib, model.mig_capable, model.memory_basis) == (
        47.5,
        False,
        "config override",
    )
    assert [m.name for m in list_gpu_models(spec.to_overrides())] == sorted(
        [*EXPECTED, "RTX-6000-Ada"]
    )
    with pytest.raises(UnknownGpuModelError):
        normalize_gpu_model("rtx6000ada")


def test_config_override_of_a_builtin_keeps_its_mig_flag_and_aliases() -> None:
    spec = CatalogSpec(gpus={"a100-80gb": {"memory_gib": 80.0}})
    model = get_gpu_model("A100 80GB", spec.to_overrides())
    assert (model.name, model.memory_gib, model.mig_capable) == ("A100-80GB", 80.0, True)
    assert normalize_gpu_model("nvidia-a100-80gb", spec.to_overrides()) == "A100-80GB"
    assert get_gpu_model("A100-80GB").memory_gib == 80e9 / GIB


def test_config_override_can_set_the_mig_flag() -> None:
    spec = CatalogSpec(gpus={"L4": {"memory_gib": 22.0, "mig_capable": True}})
    assert get_gpu_model("l4", spec.to_overrides()).mig_capable is True


# name: (compute capability, tensor-core dtypes) from gpus.yaml schema v2 (NVIDIA datasheets,
# CUDA GPUs table).
FORMATS = {
    "A100-40GB": ((8, 0), {"fp16", "bf16", "int8", "int4"}),
    "A100-80GB": ((8, 0), {"fp16", "bf16", "int8", "int4"}),
    "A10G": ((8, 6), {"fp16", "bf16", "int8", "int4"}),
    "H100-80GB": ((9, 0), {"fp16", "bf16", "fp8", "int8"}),
    "H100-NVL-94GB": ((9, 0), {"fp16", "bf16", "fp8", "int8"}),
    "H200-141GB": ((9, 0), {"fp16", "bf16", "fp8", "int8"}),
    "L4": ((8, 9), {"fp16", "bf16", "fp8", "int8", "int4"}),
    "L40S": ((8, 9), {"fp16", "bf16", "fp8", "int8", "int4"}),
    "T4": ((7, 5), {"fp16", "int8", "int4"}),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_compute_capability_dtypes_and_kernels(name: str) -> None:
    model = get_gpu_model(name)
    assert (model.compute_capability, set(model.dtypes)) == FORMATS[name]
    assert model.formats_known is True
    assert "(read 2026-12-02)" in model.formats_source
    assert ("mxfp4_marlin" in model.kernels) is (name != "T4")  # no Marlin MXFP4 on Turing
    assert ("fp8_weight_only" in model.kernels) is (model.compute_capability < (8, 9))


def test_formats_of_added_and_corrected_gpus() -> None:
    spec = CatalogSpec.model_validate(
        {
            "gpus": {
                "RTX-6000-ADA": {"memory_gib": 47.5},
                "RTX-PRO-6000": {
                    "memory_gib": 94.0,
                    "compute_capability": "12.0",
                    "dtypes": ["fp16", "bf16", "fp8", "fp4"],
                    "kernels": ["awq", "fp8_w8a8"],
                },
                "t4": {"memory_gib": 15.0},
            }
        }
    )
    models = {m.name: m for m in list_gpu_models(spec.to_overrides())}
    unknown = models["RTX-6000-ADA"]
    assert (unknown.compute_capability, unknown.dtypes, unknown.kernels) == (
        (7, 0),
        frozenset({"fp16"}),
        frozenset(),
    )
    assert unknown.formats_known is False
    declared = models["RTX-PRO-6000"]
    assert declared.compute_capability == (12, 0) and "fp4" in declared.dtypes
    assert declared.formats_known is True
    t4 = models["T4"]  # memory corrected, formats kept
    assert (t4.memory_gib, t4.compute_capability, t4.formats_known) == (15.0, (7, 5), True)


def test_bad_gpu_format_overrides_are_path_errors() -> None:
    from pulumi_llmops.config.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        CatalogSpec.model_validate(
            {"gpus": {"X1": {"memory_gib": 10, "compute_capability": "eight", "dtypes": ["fp6"]}}}
        )
    assert [(p.path, p.message) for p in info.value.problems] == [
        (
            "gpus.X1.compute_capability",
            "must be a CUDA compute capability <major>.<minor> (e.g. 8.9)",
        ),
        ("gpus.X1.dtypes.0", "Input should be 'fp16', 'bf16', 'fp8', 'int8', 'int4' or 'fp4'"),
    ]
