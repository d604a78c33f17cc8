"""`CatalogSpec`: valid overrides load; each invalid one fails with its YAML path and rule."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from pulumi_llmops.config.catalog import CatalogSpec, GpuModelSpec, InstanceEntrySpec
from pulumi_llmops.config.errors import ConfigError


def problems(data: dict) -> list[str]:
    with pytest.raises(ValidationError) as info:
        CatalogSpec.pydantic_validate(data)
    error = ConfigError.from_validation_error(info.value, CatalogSpec, prefix=("catalog",))
    return [p.render() for p in error.problems]


def aws(**fields) -> dict:
    return {"cloud": "aws", "gpu_model": "L4", "gpu_count": 1, **fields}


def test_defaults_are_empty() -> None:
    assert CatalogSpec() == CatalogSpec.model_validate({})
    assert (CatalogSpec().instances, CatalogSpec().gpus) == ({}, {})


def test_a_full_valid_spec_loads() -> None:
    spec = CatalogSpec.model_validate(
        {
            "gpus": {"RTX-6000-Ada": {"memory_gib": 47.5, "aliases": ["rtx6000ada"]}},
            "instances": {
                "g6.xlarge": aws(
                    vcpu=4,
                    memory_gib=16,
                    usd_per_hour={"us-east-1": 0.75, "us-west-2": 0.8},
                    price_source="AWS price list",
                    price_date="2026-09-01",
                ),
                "g2-standard-4": {
                    "cloud": "gcp",
                    "gpu_model": "nvidia-l4",
                    "gpu_count": 1,
                    "accelerator_type": "nvidia-l4",
                },
                "Standard_NC_RTX": {"cloud": "azure", "gpu_model": "rtx6000ada", "gpu_count": 2},
            },
        }
    )
    entry = spec.instances["g6.xlarge"]
    assert (entry.vcpu, entry.memory_gib, entry.usd_per_hour) == (
        4,
        16.0,
        {"us-east-1": 0.75, "us-west-2": 0.8},
    )
    assert spec.gpus["RTX-6000-Ada"].mig_capable is None


def test_specs_are_frozen() -> None:
    spec = CatalogSpec()
    with pytest.raises(ValidationError):
        spec.instances = {}  # type: ignore[misc]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            aws(gpu_count=0),
            ["catalog.instances.m1.gpu_count: Input should be greater than or equal to 1 (got 0)"],
        ),
        (
            aws(gpu_count=17),
            ["catalog.instances.m1.gpu_count: Input should be less than or equal to 16 (got 17)"],
        ),
        (
            aws(usd_per_hour={"us-east-1": 0}, price_source="x"),
            ["catalog.instances.m1.usd_per_hour.us-east-1: Input should be greater than 0 (got 0)"],
        ),
        (
            aws(usd_per_hour={"us-east-1": 1.0}),
            ["catalog.instances.m1.price_source: required when usd_per_hour is set"],
        ),
        (
            aws(price_source="quote", price_date="2026-09"),
            [
                "catalog.instances.m1.price_source: only with usd_per_hour (got 'quote')",
                "catalog.instances.m1.price_date: only with usd_per_hour (got '2026-09')",
            ],
        ),
        (
            aws(accelerator_type="nvidia-l4"),
            ["catalog.instances.m1.accelerator_type: only on gcp, not aws (got 'nvidia-l4')"],
        ),
        (
            {"cloud": "gcp", "gpu_model": "L4", "gpu_count": 1},
            [
                "catalog.instances.m1.accelerator_type: required on gcp "
                "(e.g. nvidia-l4, nvidia-tesla-a100)"
            ],
        ),
        (
            aws(cloud="oci"),
            ["catalog.instances.m1.cloud: Input should be 'aws', 'gcp' or 'azure' (got 'oci')"],
        ),
        (
            aws(vcpus=4),
            [
                "catalog.instances.m1.vcpus: unknown key; allowed keys: accelerator_type, cloud, "
                "gpu_count, gpu_model, memory_gib, price_date, price_source, usd_per_hour, vcpu"
            ],
        ),
        (
            {"gpu_model": "L4", "gpu_count": 1},
            ["catalog.instances.m1.cloud: required key is missing"],
        ),
    ],
)
def test_invalid_instance_entries(entry: dict, expected: list[str]) -> None:
    assert problems({"instances": {"m1": entry}}) == expected


def test_bad_price_date_and_region_key() -> None:
    rendered = problems(
        {
            "instances": {
                "m1": aws(usd_per_hour={"US East": 1.0}, price_source="x", price_date="Sept")
            }
        }
    )
    assert len(rendered) == 2
    assert rendered == [
        "catalog.instances.m1.usd_per_hour.US East.[key]: must be lowercase letters, digits "
        "and '-', starting with a letter or digit (got 'US East')",
        "catalog.instances.m1.price_date: must be a date YYYY-MM or YYYY-MM-DD (got 'Sept')",
    ]


def test_unknown_gpu_model_lists_the_known_ones() -> None:
    assert problems({"instances": {"m1": aws(gpu_model="a10")}}) == [
        "catalog.instances.m1.gpu_model: unknown GPU model 'a10' (did you mean A10G, "
        "A100-40GB, A100-80GB?); known models: A100-40GB, A100-80GB, A10G, H100-80GB, "
        "H100-NVL-94GB, H200-141GB, L4, L40S, T4. Add others under `catalog.gpus` in config "
        "(memory_gib, mig_capable). (got 'a10')"
    ]


def test_machine_type_keys_match_case_insensitively() -> None:
    assert problems({"instances": {"g6.xlarge": aws(), "G6.XLARGE": aws()}}) == [
        "catalog.instances.G6.XLARGE: same aws machine type as instances.g6.xlarge "
        "(names match case-insensitively)"
    ]


def test_same_name_differing_in_case_on_two_clouds_is_allowed() -> None:
    CatalogSpec.model_validate(
        {"instances": {"box": aws(), "BOX": {"cloud": "azure", "gpu_model": "T4", "gpu_count": 1}}}
    )


def test_gpu_key_and_alias_conflicts() -> None:
    assert problems(
        {
            "gpus": {
                "a100-80gb": {"memory_gib": 80},
                "A100 80GB": {"memory_gib": 79},
                "RTX-6000": {"memory_gib": 47.5, "aliases": ["l4", "--"]},
                "rtx 6000": {"memory_gib": 47.5},
            }
        }
    ) == [
        "catalog.gpus.A100 80GB: names the same GPU model as gpus.a100-80gb",
        "catalog.gpus.RTX-6000.aliases.0: already names GPU model L4 (got 'l4')",
        "catalog.gpus.RTX-6000.aliases.1: must contain letters or digits (got '--')",
        "catalog.gpus.rtx 6000: already names GPU model RTX-6000 (got 'rtx 6000')",
    ]


@pytest.mark.parametrize(
    ("gpu", "expected"),
    [
        ({"memory_gib": 0}, "catalog.gpus.X1.memory_gib: Input should be greater than 0 (got 0)"),
        ({}, "catalog.gpus.X1.memory_gib: required key is missing"),
        (
            {"memory_gib": 2048},
            "catalog.gpus.X1.memory_gib: Input should be less than or equal to 1024 (got 2048)",
        ),
    ],
)
def test_invalid_gpu_models(gpu: dict, expected: str) -> None:
    assert problems({"gpus": {"X1": gpu}}) == [expected]


@pytest.mark.parametrize("model", [CatalogSpec, InstanceEntrySpec, GpuModelSpec])
def test_every_field_documents_itself(model: type[BaseModel]) -> None:
    # Defaults are printed by the config reference from the field defaults
    # (tests/config/test_defaults_said_once.py keeps descriptions from restating them).
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name} has no description"
