"""Machine types: every instance of the reference with its GPU shape, host size, prices."""

from __future__ import annotations

import pickle

import pytest

from pulumi_llmops.catalog import (
    CatalogError,
    Price,
    UnknownMachineTypeError,
    get_gpu_model,
    hourly_price,
    list_instances,
    lookup_instance,
)
from pulumi_llmops.config.catalog import CatalogSpec

# Every machine type of shared/reference/gpu-catalog.md: (GPU model, GPUs per machine).
REFERENCE_SHAPES = {
    ("aws", "g4dn.xlarge"): ("T4", 1),
    ("aws", "g4dn.2xlarge"): ("T4", 1),
    ("aws", "g4dn.4xlarge"): ("T4", 1),
    ("aws", "g4dn.8xlarge"): ("T4", 1),
    ("aws", "g4dn.16xlarge"): ("T4", 1),
    ("aws", "g4dn.12xlarge"): ("T4", 4),
    ("aws", "g4dn.metal"): ("T4", 8),
    ("aws", "g5.xlarge"): ("A10G", 1),
    ("aws", "g5.2xlarge"): ("A10G", 1),
    ("aws", "g5.4xlarge"): ("A10G", 1),
    ("aws", "g5.8xlarge"): ("A10G", 1),
    ("aws", "g5.16xlarge"): ("A10G", 1),
    ("aws", "g5.12xlarge"): ("A10G", 4),
    ("aws", "g5.24xlarge"): ("A10G", 4),
    ("aws", "g5.48xlarge"): ("A10G", 8),
    ("aws", "g6.xlarge"): ("L4", 1),
    ("aws", "g6.2xlarge"): ("L4", 1),
    ("aws", "g6.4xlarge"): ("L4", 1),
    ("aws", "g6.8xlarge"): ("L4", 1),
    ("aws", "g6.16xlarge"): ("L4", 1),
    ("aws", "g6.12xlarge"): ("L4", 4),
    ("aws", "g6.24xlarge"): ("L4", 4),
    ("aws", "g6.48xlarge"): ("L4", 8),
    ("aws", "g6e.xlarge"): ("L40S", 1),
    ("aws", "g6e.2xlarge"): ("L40S", 1),
    ("aws", "g6e.4xlarge"): ("L40S", 1),
    ("aws", "g6e.8xlarge"): ("L40S", 1),
    ("aws", "g6e.16xlarge"): ("L40S", 1),
    ("aws", "g6e.12xlarge"): ("L40S", 4),
    ("aws", "g6e.24xlarge"): ("L40S", 4),
    ("aws", "g6e.48xlarge"): ("L40S", 8),
    ("aws", "p4d.24xlarge"): ("A100-40GB", 8),
    ("aws", "p4de.24xlarge"): ("A100-80GB", 8),
    ("aws", "p5.4xlarge"): ("H100-80GB", 1),
    ("aws", "p5.48xlarge"): ("H100-80GB", 8),
    ("aws", "p5e.48xlarge"): ("H200-141GB", 8),
    ("aws", "p5en.48xlarge"): ("H200-141GB", 8),
    ("gcp", "g2-standard-4"): ("L4", 1),
    ("gcp", "g2-standard-8"): ("L4", 1),
    ("gcp", "g2-standard-12"): ("L4", 1),
    ("gcp", "g2-standard-16"): ("L4", 1),
    ("gcp", "g2-standard-24"): ("L4", 2),
    ("gcp", "g2-standard-32"): ("L4", 1),
    ("gcp", "g2-standard-48"): ("L4", 4),
    ("gcp", "g2-standard-96"): ("L4", 8),
    ("gcp", "a2-highgpu-1g"): ("A100-40GB", 1),
    ("gcp", "a2-highgpu-2g"): ("A100-40GB", 2),
    ("gcp", "a2-highgpu-4g"): ("A100-40GB", 4),
    ("gcp", "a2-highgpu-8g"): ("A100-40GB", 8),
    ("gcp", "a2-megagpu-16g"): ("A100-40GB", 16),
    ("gcp", "a2-ultragpu-1g"): ("A100-80GB", 1),
    ("gcp", "a2-ultragpu-2g"): ("A100-80GB", 2),
    ("gcp", "a2-ultragpu-4g"): ("A100-80GB", 4),
    ("gcp", "a2-ultragpu-8g"): ("A100-80GB", 8),
    ("gcp", "a3-highgpu-1g"): ("H100-80GB", 1),
    ("gcp", "a3-highgpu-2g"): ("H100-80GB", 2),
    ("gcp", "a3-highgpu-4g"): ("H100-80GB", 4),
    ("gcp", "a3-highgpu-8g"): ("H100-80GB", 8),
    ("gcp", "a3-megagpu-8g"): ("H100-80GB", 8),
    ("gcp", "a3-ultragpu-8g"): ("H200-141GB", 8),
    ("azure", "Standard_NC4as_T4_v3"): ("T4", 1),
    ("azure", "Standard_NC8as_T4_v3"): ("T4", 1),
    ("azure", "Standard_NC16as_T4_v3"): ("T4", 1),
    ("azure", "Standard_NC64as_T4_v3"): ("T4", 4),
    ("azure", "Standard_NC24ads_A100_v4"): ("A100-80GB", 1),
    ("azure", "Standard_NC48ads_A100_v4"): ("A100-80GB", 2),
    ("azure", "Standard_NC96ads_A100_v4"): ("A100-80GB", 4),
    ("azure", "Standard_ND96asr_v4"): ("A100-40GB", 8),
    ("azure", "Standard_ND96amsr_A100_v4"): ("A100-80GB", 8),
    ("azure", "Standard_ND96isr_H100_v5"): ("H100-80GB", 8),
    ("azure", "Standard_NC40ads_H100_v5"): ("H100-NVL-94GB", 1),
    ("azure", "Standard_NC80adis_H100_v5"): ("H100-NVL-94GB", 2),
}

# The reference's price table, exactly: (cloud, machine type, region) -> USD/hour.
REFERENCE_PRICES = {
    ("aws", "g6.xlarge", "us-east-1"): 0.8048,
    ("aws", "g6.xlarge", "eu-central-1"): 1.0064,
    ("aws", "g5.xlarge", "us-east-1"): 1.006,
    ("aws", "g5.xlarge", "eu-central-1"): 1.258,
    ("aws", "g5.12xlarge", "us-east-1"): 5.672,
    ("aws", "g5.12xlarge", "eu-central-1"): 7.0928,
    ("aws", "g6e.xlarge", "us-east-1"): 1.861,
    ("aws", "p4d.24xlarge", "us-east-1"): 21.9576,
    ("aws", "p4d.24xlarge", "eu-central-1"): 27.4330,
    ("aws", "p5.48xlarge", "us-east-1"): 55.04,
    ("aws", "p5.48xlarge", "eu-north-1"): 58.8928,
    ("gcp", "g2-standard-4", "us-central1"): 0.14679 + 0.56004,
    ("gcp", "a2-highgpu-1g", "us-central1"): 0.73948 + 2.93391,
    ("azure", "Standard_NC4as_T4_v3", "eastus"): 0.526,
    ("azure", "Standard_NC24ads_A100_v4", "eastus"): 3.673,
    ("azure", "Standard_ND96asr_v4", "eastus"): 27.197,
}

# AWS us-east-1 on-demand prices added for issue 17 from skypilot-catalog's
# catalogs/v8/aws/vms.csv at commit 00148f2a (Price column), read 2026-12-02.
SKYPILOT_V8_PRICES = {
    "g4dn.xlarge": 0.526,
    "g5.2xlarge": 1.212,
    "g5.4xlarge": 1.624,
    "g5.16xlarge": 4.096,
    "g5.24xlarge": 8.144,
    "g5.48xlarge": 16.288,
    "g6.4xlarge": 1.3232,
    "g6.8xlarge": 2.0144,
    "g6.16xlarge": 3.3968,
    "g6.24xlarge": 6.6752,
    "g6e.8xlarge": 4.52856,
    "g6e.12xlarge": 10.49264,
    "g6e.16xlarge": 7.57719,
    "p4de.24xlarge": 27.44705,
    "p5.4xlarge": 6.88,
    "p5en.48xlarge": 63.296,
}
SKYPILOT_V8 = "skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv @ 00148f2a (Price column)"

# GCP us-central1 on-demand prices added for issue 17 (item 4) from catalogs/v8/gcp/vms.csv at
# commit 006059e0 and Azure eastus ones from catalogs/v6/azure/vms.csv at commit 098741e7, read
# 2026-12-02. GCP: the machine type's VM row plus the accelerator row of its GPU count.
GCP_V8 = (
    "skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv @ 006059e0 "
    "(Price column: VM row + accelerator row)"
)
GCP_V8_PRICES = {
    "g2-standard-8": 0.29358 + 0.56004,
    "g2-standard-12": 0.44038 + 0.56004,
    "g2-standard-16": 0.58717 + 0.56004,
    "g2-standard-24": 0.88075 + 1.12008,
    "g2-standard-32": 1.17434 + 0.56004,
    "g2-standard-48": 1.7615 + 2.24016,
    "g2-standard-96": 3.52301 + 4.48032,
    "a2-highgpu-2g": 1.47895 + 5.86782,
    "a2-highgpu-4g": 2.95791 + 11.73563,
    "a2-highgpu-8g": 5.91582 + 23.47126,
    "a2-megagpu-16g": 8.79698 + 46.94253,
    "a3-megagpu-8g": 9.46006 + 82.75421,
    "a3-ultragpu-8g": 12.266 + 74.49392,
}
AZURE_V6 = "skypilot-org/skypilot-catalog catalogs/v6/azure/vms.csv @ 098741e7 (Price column)"
AZURE_V6_PRICES = {
    "Standard_NC8as_T4_v3": 0.752,
    "Standard_NC16as_T4_v3": 1.204,
    "Standard_NC64as_T4_v3": 4.352,
    "Standard_NC48ads_A100_v4": 7.346,
    "Standard_NC96ads_A100_v4": 14.692,
    "Standard_ND96amsr_A100_v4": 32.77,
    "Standard_ND96isr_H100_v5": 98.32,
    "Standard_NC40ads_H100_v5": 6.98,
    "Standard_NC80adis_H100_v5": 13.96,
}

# Spot: median of the us-east-1 AZ rows of the same CSV's SpotPrice column.
SPOT_PRICES = {
    "g4dn.xlarge": 0.2039,
    "g5.xlarge": 0.436,
    "g5.2xlarge": 0.5036,
    "g5.4xlarge": 0.6603,
    "g5.12xlarge": 2.1824,
    "g5.16xlarge": 1.2446,
    "g5.24xlarge": 3.0872,
    "g5.48xlarge": 5.7785,
    "g6.xlarge": 0.3821,
    "g6.4xlarge": 0.682,
    "g6.8xlarge": 0.9544,
    "g6.16xlarge": 1.1593,
    "g6.24xlarge": 2.916,
    "g6e.xlarge": 1.0046,
    "g6e.8xlarge": 1.3279,
    "g6e.12xlarge": 5.2763,
    "g6e.16xlarge": 1.6389,
    "p4d.24xlarge": 8.0001,
    "p4de.24xlarge": 9.3119,
    "p5.48xlarge": 23.4532,
    "p5en.48xlarge": 17.4021,
}

# Spot, GCP us-central1 (VM row + accelerator row, every listed zone the same) and Azure eastus
# (one row per region), SpotPrice column of the same CSVs.
GCP_AZURE_SPOT_PRICES = {
    "g2-standard-4": 0.05874 + 0.2231,
    "g2-standard-8": 0.11747 + 0.2231,
    "g2-standard-12": 0.17621 + 0.2231,
    "g2-standard-16": 0.23494 + 0.2231,
    "g2-standard-24": 0.35242 + 0.4462,
    "g2-standard-32": 0.46989 + 0.2231,
    "g2-standard-48": 0.70483 + 0.8924,
    "g2-standard-96": 1.40966 + 1.7848,
    "a2-highgpu-1g": 0.36975 + 1.4341,
    "a2-highgpu-2g": 0.7395 + 2.8682,
    "a2-highgpu-4g": 1.479 + 5.7364,
    "a2-highgpu-8g": 2.958 + 11.4728,
    "a2-megagpu-16g": 4.39824 + 22.9456,
    "a3-megagpu-8g": 2.88933 + 25.2808,
    "a3-ultragpu-8g": 3.74713 + 37.2472,
    "Standard_NC4as_T4_v3": 0.062699,
    "Standard_NC8as_T4_v3": 0.089638,
    "Standard_NC16as_T4_v3": 0.143517,
    "Standard_NC64as_T4_v3": 0.518758,
    "Standard_NC24ads_A100_v4": 0.444433,
    "Standard_NC48ads_A100_v4": 0.888866,
    "Standard_NC96ads_A100_v4": 1.777732,
    "Standard_ND96asr_v4": 2.99167,
    "Standard_ND96amsr_A100_v4": 3.6047,
}

# vCPU / host GiB of the reference's price table rows.
REFERENCE_HOSTS = {
    ("aws", "g6.xlarge"): (4, 16.0),
    ("aws", "g5.xlarge"): (4, 16.0),
    ("aws", "g5.12xlarge"): (48, 192.0),
    ("aws", "g6e.xlarge"): (4, 32.0),
    ("aws", "p4d.24xlarge"): (96, 1152.0),
    ("aws", "p5.48xlarge"): (192, 2048.0),
    ("gcp", "g2-standard-4"): (4, 16.0),
    ("gcp", "a2-highgpu-1g"): (12, 85.0),
    ("azure", "Standard_NC4as_T4_v3"): (4, 28.0),
    ("azure", "Standard_NC24ads_A100_v4"): (24, 220.0),
    ("azure", "Standard_ND96asr_v4"): (96, 900.0),
}

GCP_ACCELERATORS = {
    "g2-": "nvidia-l4",
    "a2-highgpu-": "nvidia-tesla-a100",
    "a2-megagpu-": "nvidia-tesla-a100",
    "a2-ultragpu-": "nvidia-a100-80gb",
    "a3-highgpu-": "nvidia-h100-80gb",
    "a3-megagpu-": "nvidia-h100-mega-80gb",
    "a3-ultragpu-": "nvidia-h200-141gb",
}


def test_catalogue_holds_exactly_the_reference_machine_types() -> None:
    assert {(i.cloud, i.machine_type) for i in list_instances()} == set(REFERENCE_SHAPES)


@pytest.mark.parametrize(("cloud", "machine_type"), sorted(REFERENCE_SHAPES))
def test_gpu_shape_per_machine_type(cloud: str, machine_type: str) -> None:
    instance = lookup_instance(cloud, machine_type)
    gpu = get_gpu_model(instance.gpu_model)
    assert (instance.gpu_model, instance.gpu_count) == REFERENCE_SHAPES[(cloud, machine_type)]
    assert instance.gpu_memory_gib == gpu.memory_gib
    assert instance.mig_capable is gpu.mig_capable
    assert instance.total_gpu_memory_gib == instance.gpu_count * gpu.memory_gib
    assert instance.source


def test_prices_are_exactly_the_reference_prices_with_source_and_date() -> None:
    found = {}
    added: dict[str, dict[str, float]] = {SKYPILOT_V8: {}, GCP_V8: {}, AZURE_V6: {}}
    where = {SKYPILOT_V8: ("aws", "us-east-1"), GCP_V8: ("gcp", "us-central1")}
    where[AZURE_V6] = ("azure", "eastus")
    for instance in list_instances():
        for price in instance.prices:
            if price.source in added:
                assert (instance.cloud, price.region, price.date) == (
                    *where[price.source],
                    "2026-12-02",
                )
                added[price.source][instance.machine_type] = price.usd_per_hour
                continue
            found[(instance.cloud, instance.machine_type, price.region)] = price.usd_per_hour
            assert (price.source, price.date) == ("skypilot-catalog CSV (2026-08)", "2026-08")
    assert found == pytest.approx(REFERENCE_PRICES, rel=1e-12)
    assert added[SKYPILOT_V8] == pytest.approx(SKYPILOT_V8_PRICES, rel=1e-12)
    assert added[GCP_V8] == pytest.approx(GCP_V8_PRICES, rel=1e-12)
    assert added[AZURE_V6] == pytest.approx(AZURE_V6_PRICES, rel=1e-12)


def test_spot_prices_are_recorded_snapshot_medians_with_source() -> None:
    found = {}
    for instance in list_instances("aws"):
        for price in instance.spot_prices:
            assert (instance.cloud, price.region, price.date) == ("aws", "us-east-1", "2026-12-02")
            assert price.source.startswith(
                "skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv @ 00148f2a"
            )
            assert price.note.startswith("median of us-east-1 AZ rows ")
            found[instance.machine_type] = price.usd_per_hour
    assert found == pytest.approx(SPOT_PRICES, rel=1e-12)
    assert lookup_instance("aws", "g5.xlarge").spot_prices[0].note == (
        "median of us-east-1 AZ rows az1,az2,az4,az5,az6; min 0.4246, max 0.4507"
    )


def test_gcp_and_azure_spot_prices_are_the_source_rows_with_source() -> None:
    found = {}
    for instance in list_instances("gcp") + list_instances("azure"):
        for price in instance.spot_prices:
            column = "SpotPrice column"
            if instance.cloud == "gcp":
                assert (price.region, price.source) == (
                    "us-central1",
                    f"{GCP_V8.split(' (')[0]} ({column}: VM row + accelerator row)",
                )
            else:
                assert (price.region, price.source) == (
                    "eastus",
                    f"{AZURE_V6.split(' (')[0]} ({column})",
                )
                assert price.note == "eastus row (one row per region, no zones)"
            assert price.date == "2026-12-02"
            found[instance.machine_type] = price.usd_per_hour
    assert found == pytest.approx(GCP_AZURE_SPOT_PRICES, rel=1e-12)


def test_gcp_prices_record_their_vm_and_gpu_components() -> None:
    assert lookup_instance("gcp", "g2-standard-4").prices[0].note == "VM 0.14679 + GPU 0.56004"
    assert lookup_instance("gcp", "a2-highgpu-1g").prices[0].note == "VM 0.73948 + GPU 2.93391"
    assert lookup_instance("gcp", "g2-standard-96").prices[0].note == (
        "VM 3.52301 + GPU 4.48032 (8 x L4 row)"
    )
    assert lookup_instance("gcp", "a3-ultragpu-8g").spot_prices[0].note == (
        "VM 3.74713 + GPU 37.2472; zone us-central1-b only"
    )


@pytest.mark.parametrize(
    "machine_type",
    [instance.machine_type for instance in list_instances("gcp") if instance.prices],
)
def test_gcp_price_is_the_sum_of_its_vm_and_gpu_rows(machine_type: str) -> None:
    instance = lookup_instance("gcp", machine_type)
    for price in instance.prices + instance.spot_prices:
        vm, gpu = price.note.split(";")[0].split(" (")[0].removeprefix("VM ").split(" + GPU ")
        assert price.usd_per_hour == round(float(vm) + float(gpu), 5), price


@pytest.mark.parametrize(
    "machine_type",
    [*(f"a3-highgpu-{n}g" for n in (1, 2, 4, 8)), *(f"a2-ultragpu-{n}g" for n in (1, 2, 4, 8))],
)
def test_inconsistent_gcp_prices_are_absent(machine_type: str) -> None:
    instance = lookup_instance("gcp", machine_type)
    assert (instance.prices, instance.spot_prices) == ((), ())


@pytest.mark.parametrize(
    "machine_type",
    ["Standard_ND96isr_H100_v5", "Standard_NC40ads_H100_v5", "Standard_NC80adis_H100_v5"],
)
def test_azure_h100_spot_equal_to_on_demand_is_not_recorded(machine_type: str) -> None:
    assert lookup_instance("azure", machine_type).spot_prices == ()


@pytest.mark.parametrize(("cloud", "machine_type"), sorted(REFERENCE_HOSTS))
def test_host_size_of_priced_rows(cloud: str, machine_type: str) -> None:
    instance = lookup_instance(cloud, machine_type)
    assert (instance.vcpu, instance.memory_gib) == REFERENCE_HOSTS[(cloud, machine_type)]


@pytest.mark.parametrize(
    ("cloud", "machine_type", "vcpu"),
    [
        ("aws", "p5.4xlarge", None),
        ("gcp", "a3-highgpu-1g", None),
        ("gcp", "a3-ultragpu-8g", None),
        ("azure", "Standard_NC40ads_H100_v5", 40),
        ("azure", "Standard_NC80adis_H100_v5", 80),
    ],
)
def test_uncertain_host_sizes_are_left_unknown(cloud: str, machine_type: str, vcpu) -> None:
    instance = lookup_instance(cloud, machine_type)
    assert (instance.vcpu, instance.memory_gib) == (vcpu, None)


def test_gcp_machine_types_carry_their_accelerator_type() -> None:
    for instance in list_instances("gcp"):
        prefix = next(p for p in GCP_ACCELERATORS if instance.machine_type.startswith(p))
        assert instance.accelerator_type == GCP_ACCELERATORS[prefix], instance.machine_type
    assert {i.accelerator_type for i in list_instances("aws") + list_instances("azure")} == {None}


def test_lookup_is_case_insensitive_and_returns_the_catalogue_spelling() -> None:
    instance = lookup_instance("azure", "STANDARD_NC24ADS_A100_V4")
    assert instance.machine_type == "Standard_NC24ads_A100_v4"
    assert lookup_instance("aws", "G5.XLARGE").machine_type == "g5.xlarge"


def test_list_instances_sorts_by_cloud_then_name_and_filters() -> None:
    everything = list_instances()
    assert [i.cloud for i in everything] == sorted(
        (i.cloud for i in everything), key=("aws", "gcp", "azure").index
    )
    azure = list_instances("azure")
    assert [i.machine_type for i in azure] == sorted(i.machine_type for i in azure)
    assert len(azure) == 12


def test_unknown_machine_type_names_close_matches_and_the_escape_hatches() -> None:
    with pytest.raises(UnknownMachineTypeError) as info:
        lookup_instance("aws", "g5.xlarg")
    error = info.value
    assert (error.cloud, error.machine_type) == ("aws", "g5.xlarg")
    assert error.suggestions == (
        "g5.xlarge",
        "g5.8xlarge",
        "g5.4xlarge",
        "g5.2xlarge",
        "g5.48xlarge",
    )
    assert str(error) == (
        "unknown aws machine type 'g5.xlarg' (closest known: g5.xlarge, g5.8xlarge, "
        "g5.4xlarge, g5.2xlarge, g5.48xlarge). The GPU shape of a machine type outside the "
        "catalogue is unknown: declare it on the node pool (`gpu: {model: <GPU model>, "
        "count: <GPUs per node>}`) or add the machine type under `catalog.instances` in "
        "stack config (cloud, gpu_model, gpu_count)."
    )
    assert pickle.loads(pickle.dumps(error)).suggestions == error.suggestions


def test_unknown_machine_type_without_close_match() -> None:
    with pytest.raises(UnknownMachineTypeError) as info:
        lookup_instance("aws", "zzz")
    assert info.value.suggestions == ()
    assert "(no similar aws machine type is known)" in str(info.value)


def test_n1_with_t4_is_not_guessed() -> None:
    with pytest.raises(UnknownMachineTypeError) as info:
        lookup_instance("gcp", "n1-standard-4")
    assert info.value.suggestions[0] == "g2-standard-4"


def test_machine_types_are_per_cloud() -> None:
    with pytest.raises(UnknownMachineTypeError):
        lookup_instance("gcp", "g5.xlarge")


@pytest.mark.parametrize("cloud", ["oci", "AWS", "onprem", ""])
def test_unknown_cloud(cloud: str) -> None:
    with pytest.raises(CatalogError) as info:
        lookup_instance(cloud, "g5.xlarge")
    assert str(info.value) == f"unknown cloud {cloud!r}; allowed: aws, gcp, azure"


def test_config_entry_replaces_the_builtin_entry_whole() -> None:
    spec = CatalogSpec(
        instances={
            "G5.XLARGE": {
                "cloud": "aws",
                "gpu_model": "a10g",
                "gpu_count": 1,
                "usd_per_hour": {"us-west-2": 1.1},
                "price_source": "AWS price list",
                "price_date": "2026-09",
            }
        }
    )
    instance = lookup_instance("aws", "g5.xlarge", spec.to_overrides())
    assert instance.machine_type == "g5.xlarge"
    assert instance.prices == (Price(1.1, "us-west-2", "AWS price list", "2026-09"),)
    assert (instance.vcpu, instance.memory_gib) == (None, None)
    assert instance.source == "config override (catalog.instances)"
    assert hourly_price(lookup_instance("aws", "g5.xlarge"), "us-east-1").usd_per_hour == 1.006


def test_config_adds_machine_types_and_gpu_models() -> None:
    spec = CatalogSpec(
        gpus={"RTX-6000-Ada": {"memory_gib": 47.5}},
        instances={
            "bm-gpu-rtx": {"cloud": "azure", "gpu_model": "rtx-6000-ada", "gpu_count": 4},
            "a4-custom": {
                "cloud": "gcp",
                "gpu_model": "h200",
                "gpu_count": 8,
                "accelerator_type": "nvidia-h200-141gb",
            },
        },
    )
    rtx = lookup_instance("azure", "bm-gpu-rtx", spec.to_overrides())
    assert (rtx.gpu_model, rtx.gpu_count, rtx.gpu_memory_gib, rtx.prices) == (
        "RTX-6000-Ada",
        4,
        47.5,
        (),
    )
    assert lookup_instance("gcp", "a4-custom", spec.to_overrides()).gpu_model == "H200-141GB"
    assert len(list_instances(overrides=spec.to_overrides())) == len(REFERENCE_SHAPES) + 2
    with pytest.raises(UnknownMachineTypeError):
        lookup_instance("azure", "bm-gpu-rtx")


def test_gpu_memory_override_reaches_builtin_machine_types() -> None:
    spec = CatalogSpec(gpus={"A100-80GB": {"memory_gib": 80.0}})
    assert lookup_instance("aws", "p4de.24xlarge", spec.to_overrides()).gpu_memory_gib == 80.0
    assert lookup_instance("aws", "p4de.24xlarge").gpu_memory_gib == 80e9 / 2**30


def test_empty_overrides_change_nothing() -> None:
    assert list_instances(overrides=CatalogSpec().to_overrides()) == list_instances()
