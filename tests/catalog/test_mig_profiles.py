"""MIG profiles per GPU: how many instances of a profile fill one GPU, and which profiles a
pool may name. The figures are the GPU operator's default mig-parted config (NVIDIA/gpu-operator
assets/state-mig-manager/0400_configmap.yaml @ 0b0b6b15, read 2026-12-02)."""

from __future__ import annotations

from typing import Any

import pytest

from helpers.cloud_configs import platform
from helpers.engine import onprem_platform
from pulumi_llmops.catalog.gpus import CatalogError, _parse_gpu, get_gpu_model, gpu_models
from pulumi_llmops.catalog.shape import resolve_pool
from pulumi_llmops.cluster.contracts import pool_contract
from pulumi_llmops.config import ConfigError, load_platform_config

# One row per MIG-capable GPU: profile -> instances per GPU, copied by hand from the source,
# which lists the 80 GB A100 and the H100-80GB under the same entries.
_80GB = {"1g.10gb": 7, "1g.20gb": 4, "2g.20gb": 3, "3g.40gb": 2, "4g.40gb": 1, "7g.80gb": 1}
OPERATOR_DEFAULTS = {
    "A100-40GB": {
        "1g.5gb": 7,
        "1g.10gb": 4,
        "2g.10gb": 3,
        "3g.20gb": 2,
        "4g.20gb": 1,
        "7g.40gb": 1,
    },
    "A100-80GB": _80GB,
    "H100-80GB": _80GB,
    "H100-NVL-94GB": {
        "1g.12gb": 7,
        "1g.24gb": 4,
        "2g.24gb": 3,
        "3g.47gb": 2,
        "4g.47gb": 1,
        "7g.94gb": 1,
    },
    "H200-141GB": {
        "1g.18gb": 7,
        "1g.35gb": 4,
        "2g.35gb": 3,
        "3g.71gb": 2,
        "4g.71gb": 1,
        "7g.141gb": 1,
    },
}


def problems(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(data)
    return [p.render() for p in info.value.problems]


def test_every_mig_capable_gpu_records_the_operators_profiles() -> None:
    recorded = {m.name: dict(m.mig_profiles) for m in gpu_models().values() if m.mig_capable}
    assert recorded == OPERATOR_DEFAULTS
    assert [m.name for m in gpu_models().values() if m.mig_profiles and not m.mig_capable] == []


def test_profiles_are_sorted_by_compute_size_then_memory() -> None:
    assert [p for p, _ in get_gpu_model("A100-40GB").mig_profiles] == [
        "1g.5gb",
        "1g.10gb",
        "2g.10gb",
        "3g.20gb",
        "4g.20gb",
        "7g.40gb",
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"mig_capable": True}, "list mig_profiles exactly when mig_capable is true"),
        (
            {"mig_capable": False, "mig_profiles": {"1g.10gb": 7}},
            "list mig_profiles exactly when mig_capable is true",
        ),
        (
            {"mig_capable": True, "mig_profiles": {"1g10gb": 7}},
            "mig_profiles: '1g10gb' is not a profile name like 1g.10gb",
        ),
        (
            {"mig_capable": True, "mig_profiles": {"1g.10gb": 8}},
            "mig_profiles: 1g.10gb: instances per GPU must be 1 to 7, got 8",
        ),
    ],
)
def test_bad_catalogue_rows_are_refused(entry: dict[str, Any], message: str) -> None:
    row = {
        "memory": {"nominal_gb": 80},
        "compute_capability": "8.0",
        "dtypes": ["bf16"],
        "kernels": [],
        "source": "test",
        "date": "2026-12-02",
        **entry,
    }
    with pytest.raises(CatalogError) as info:
        _parse_gpu("X", row)
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("machine_type", "profile", "units_per_node", "gib_per_unit"),
    [
        # p5.48xlarge: 8 x H100-80GB. 1g.20gb fills an H100 4 times, not 7.
        ("p5.48xlarge", "all-1g.20gb", 32, 18.62),
        ("p5.48xlarge", "all-1g.10gb", 56, 9.31),
        # p4d.24xlarge: 8 x A100-40GB. 1g.10gb fills a 40 GB A100 4 times.
        ("p4d.24xlarge", "all-1g.10gb", 32, 9.31),
        ("p4d.24xlarge", "all-1g.5gb", 56, 4.65),
        ("p4d.24xlarge", "all-3g.20gb", 16, 18.62),
    ],
)
def test_a_pools_mig_units_are_the_gpus_instances_of_its_profile(
    machine_type: str, profile: str, units_per_node: int, gib_per_unit: float
) -> None:
    pool = {"machine_type": machine_type, "max_nodes": 1, "sharing": {"mig": {"profile": profile}}}
    config = load_platform_config(platform("eks", mig=pool))
    shape = resolve_pool("aws", machine_type, None, "us-east-1")
    contract = pool_contract("eks", "mig", config.node_pools["mig"], shape)
    assert (contract.sharing, contract.mig_slice) == ("mig-single", profile.removeprefix("all-"))
    assert contract.schedulable_gpus_per_node == units_per_node
    assert contract.memory_per_schedulable_gpu_gib == gib_per_unit


def test_a_profile_the_gpu_does_not_offer_is_an_error_by_path() -> None:
    pool = {"machine_type": "p4d.24xlarge", "sharing": {"mig": {"profile": "all-3g.40gb"}}}
    assert problems(platform("eks", a100=pool)) == [
        "node_pools.a100.sharing.mig.profile: A100-40GB has no MIG profile 3g.40gb; it offers "
        "all-1g.5gb (7 per GPU), all-1g.10gb (4 per GPU), all-2g.10gb (3 per GPU), "
        "all-3g.20gb (2 per GPU), all-4g.20gb (1 per GPU), all-7g.40gb (1 per GPU) "
        "(got 'all-3g.40gb')"
    ]


def test_an_onprem_pool_is_checked_against_its_declared_gpu() -> None:
    data = onprem_platform(
        node_pools={
            "h100": {
                "gpu": {"model": "H100-80GB", "count": 8},
                "onprem": {"node_names": ["gpu-1"]},
                "sharing": {"mig": {"profile": "all-1g.12gb"}},
            }
        }
    )
    assert problems(data) == [
        "node_pools.h100.sharing.mig.profile: H100-80GB has no MIG profile 1g.12gb; it offers "
        "all-1g.10gb (7 per GPU), all-1g.20gb (4 per GPU), all-2g.20gb (3 per GPU), "
        "all-3g.40gb (2 per GPU), all-4g.40gb (1 per GPU), all-7g.80gb (1 per GPU) "
        "(got 'all-1g.12gb')"
    ]


def test_aks_makes_the_profile_of_a_compute_size_that_fills_the_gpu_most_often() -> None:
    def pool(profile: str) -> dict[str, Any]:
        return {
            "machine_type": "Standard_NC24ads_A100_v4",
            "sharing": {"mig": {"profile": profile}},
        }

    assert problems(platform("aks", a100=pool("all-1g.20gb"))) == [
        "node_pools.a100.sharing.mig.profile: AKS's MIG1g makes all-1g.10gb on A100-80GB, not "
        "this profile; use all-1g.10gb (got 'all-1g.20gb')"
    ]
    assert load_platform_config(platform("aks", a100=pool("all-1g.10gb"))).node_pools["a100"]


def _custom_gpu_platform(gpu: dict[str, Any]) -> dict[str, Any]:
    return onprem_platform(
        catalog={"gpus": {"X200": gpu}},
        node_pools={
            "x": {
                "gpu": {"model": "X200", "count": 4},
                "onprem": {"node_names": ["gpu-1"]},
                "sharing": {"mig": {"profile": "all-1g.23gb"}},
            }
        },
    )


def test_a_config_added_mig_gpu_needs_its_profiles_for_a_mig_pool() -> None:
    assert problems(_custom_gpu_platform({"memory_gib": 180, "mig_capable": True})) == [
        "node_pools.x.sharing.mig.profile: the MIG profiles of X200 are not recorded: declare "
        "catalog.gpus.X200.mig_profiles (e.g. {1g.10gb: 7}) (got 'all-1g.23gb')"
    ]


def test_a_config_added_gpus_profiles_size_the_pool() -> None:
    data = _custom_gpu_platform(
        # B200-like: 1g.23gb is 1/8 of the GPU, so 23 GB (21.42 GiB) is inside 178 / 8 GiB.
        {"memory_gib": 178, "mig_capable": True, "mig_profiles": {"1g.23gb": 7, "7g.180gb": 1}}
    )
    config = load_platform_config(data)
    overrides = config.catalog.to_overrides()
    spec = config.node_pools["x"]
    shape = resolve_pool(None, None, spec.declared_gpu, "onprem", overrides)
    contract = pool_contract("onprem", "x", spec, shape)
    assert (contract.schedulable_gpus_per_node, contract.memory_per_schedulable_gpu_gib) == (
        28,
        21.42,
    )


def test_profiles_on_a_gpu_marked_without_mig_are_an_error() -> None:
    data = _custom_gpu_platform(
        {"memory_gib": 178, "mig_capable": False, "mig_profiles": {"1g.23gb": 7}}
    )
    assert (
        "catalog.gpus.X200.mig_profiles: only for a MIG-capable GPU, but mig_capable is false"
        in (problems(data))
    )


@pytest.mark.parametrize(
    ("profile", "gib_per_unit"),
    [
        # Names round up: 1g.12gb is 1/8 of 94 GB (87.54 GiB), 10.94 GiB, not 12 GB's 11.18.
        ("all-1g.12gb", 10.94),
        ("all-1g.24gb", 21.88),
        ("all-3g.47gb", 43.77),
    ],
)
def test_a_slice_never_holds_more_than_its_eighths_of_the_gpu(
    profile: str, gib_per_unit: float
) -> None:
    data = onprem_platform(
        node_pools={
            "nvl": {
                "gpu": {"model": "H100-NVL-94GB", "count": 2},
                "onprem": {"node_names": ["gpu-1"]},
                "sharing": {"mig": {"profile": profile}},
            }
        }
    )
    spec = load_platform_config(data).node_pools["nvl"]
    shape = resolve_pool(None, None, spec.declared_gpu, "onprem")
    contract = pool_contract("onprem", "nvl", spec, shape)
    assert contract.memory_per_schedulable_gpu_gib == gib_per_unit


@pytest.mark.parametrize(
    "gpu", [m for m in gpu_models().values() if m.mig_capable], ids=lambda m: m.name
)
def test_no_profile_promises_more_memory_than_the_gpu_has(gpu: Any) -> None:
    """Every recorded profile of every MIG-capable GPU: its instances x the contract's slice
    memory fit in the GPU's memory, on an on-prem pool of 2 such GPUs per node."""
    checked = []
    for profile, instances in gpu.mig_profiles:
        data = onprem_platform(
            node_pools={
                "p": {
                    "gpu": {"model": gpu.name, "count": 2},
                    "onprem": {"node_names": ["gpu-1"]},
                    "sharing": {"mig": {"profile": f"all-{profile}"}},
                }
            }
        )
        spec = load_platform_config(data).node_pools["p"]
        contract = pool_contract(
            "onprem", "p", spec, resolve_pool(None, None, spec.declared_gpu, "onprem")
        )
        assert contract.schedulable_gpus_per_node == 2 * instances
        units, gib = contract.schedulable_gpus_per_node, contract.memory_per_schedulable_gpu_gib
        assert gib is not None and units * gib <= 2 * gpu.memory_gib + 1e-9, profile
        checked.append(profile)
    assert len(checked) == 6
