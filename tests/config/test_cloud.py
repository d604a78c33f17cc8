"""Cloud-target stack config: valid configs load; each invalid one fails with path and message."""

from __future__ import annotations

from typing import Any

import pytest

from helpers.cloud_configs import SUBNETS, platform
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.config.aks import agent_pool_name


def problems(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(data)
    return [p.render() for p in info.value.problems]


@pytest.mark.parametrize("target", ["eks", "gke", "aks"])
def test_every_cloud_target_minimal_config_loads(target: str) -> None:
    config = load_platform_config(platform(target))
    assert config.target == target
    assert config.catalog.instances == {}


def test_eks_defaults_are_the_documented_secure_ones() -> None:
    eks = load_platform_config(platform("eks")).cluster.eks
    assert eks is not None
    assert (eks.existing, eks.public_access_cidrs, eks.existing_kms_key_arn) == (False, [], None)
    assert eks.enabled_log_types == ["api", "audit", "authenticator"]
    assert (eks.bootstrap_creator_admin, eks.deletion_protection) == (True, None)


def test_a_cloud_block_for_another_target_is_an_error_named_by_path() -> None:
    data = platform("eks", {"gke": {"project": "acme-ml"}})
    data["node_pools"]["l4"]["aks"] = {"gpu_driver": "None"}
    assert problems(data) == [
        "cluster.gke: gke-only block, but the target is eks; remove it",
        "node_pools.l4.aks: aks-only block, but the target is eks; remove it",
    ]


def test_onprem_target_rejects_cloud_blocks() -> None:
    data = {
        "environment": "dev",
        "target": "onprem",
        "region": "dc1",
        "cluster": {
            "name": "lab",
            "kubeconfig": {"context": "lab"},
            "eks": {"subnet_ids": SUBNETS},
        },
        "node_pools": {
            "l4": {"gpu": {"model": "L4", "count": 1}, "onprem": {"node_names": ["n1"]}, "gke": {}}
        },
    }
    assert problems(data) == [
        "cluster.eks: eks-only block, but the target is onprem; remove it",
        "node_pools.l4.gke: gke-only block, but the target is onprem; remove it",
    ]


def test_onprem_block_kubeconfig_and_missing_machine_type_on_a_cloud() -> None:
    data = platform(
        "aks",
        {"kubeconfig": {"context": "x"}},
        t4={"gpu": {"model": "T4", "count": 1}, "onprem": {"node_names": ["n1"]}},
    )
    assert problems(data) == [
        "cluster.kubeconfig: not used on aks: the kubeconfig is built from the cluster; remove it",
        "node_pools.t4.onprem: on-prem-only block, but the target is aks; remove it",
        "node_pools.t4.machine_type: required on aks (e.g. Standard_NC4as_T4_v3)",
    ]


def test_unknown_machine_type_lists_the_closest_names() -> None:
    [problem] = problems(platform("eks", l4={"machine_type": "g6.xlarg"}))
    assert problem.startswith(
        "node_pools.l4.machine_type: unknown aws machine type 'g6.xlarg' (closest known: "
        "g6.xlarge, g6e.xlarge,"
    )
    assert problem.endswith("(got 'g6.xlarg')")


def test_gke_needs_an_accelerator_type_for_machines_outside_the_catalogue() -> None:
    pool = {
        "machine_type": "n1-standard-8",
        "gpu": {"model": "T4", "count": 1},
        "gke": {"node_locations": ["us-central1-a"]},
    }
    assert problems(platform("gke", t4=pool)) == [
        "node_pools.t4.gke.accelerator_type: required: n1-standard-8 is not in the catalogue, "
        "so its GPU accelerator type is unknown (e.g. nvidia-tesla-t4)"
    ]
    load_platform_config(
        platform(
            "gke",
            t4={
                **pool,
                "gke": {"accelerator_type": "nvidia-tesla-t4", "node_locations": ["us-central1-a"]},
            },
        )
    )


def test_mig_needs_a_mig_capable_gpu() -> None:
    pool = {"machine_type": "g6.xlarge", "sharing": {"mig": {"profile": "all-1g.10gb"}}}
    assert problems(platform("eks", l4=pool)) == [
        "node_pools.l4.sharing.mig: L4 does not support MIG (A100, H100, H200 do); use time_slicing"
    ]


@pytest.mark.parametrize(
    ("target", "machine"),
    [
        ("gke", "a2-highgpu-1g"),
        ("aks", "Standard_NC24ads_A100_v4"),
    ],
)
def test_native_mig_clouds_reject_all_balanced(target: str, machine: str) -> None:
    pool = {"machine_type": machine, "sharing": {"mig": {"profile": "all-balanced"}}}
    if target == "gke":
        pool["gke"] = {"node_locations": ["us-central1-a"]}
    assert problems(platform(target, a100=pool)) == [
        f"node_pools.a100.sharing.mig.profile: {target} partitions every GPU of a pool into one "
        "slice size: use all-<N>g.<M>gb (e.g. all-1g.10gb), not all-balanced (got 'all-balanced')"
    ]


def test_eks_accepts_all_balanced_through_the_gpu_operator() -> None:
    pool = {"machine_type": "p4d.24xlarge", "sharing": {"mig": {"profile": "all-balanced"}}}
    load_platform_config(platform("eks", a100=pool))


def test_bottlerocket_pools_cannot_share_gpus_through_the_operator() -> None:
    pool = {
        "machine_type": "g6.xlarge",
        "sharing": {"time_slicing": {"replicas": 2}},
        "eks": {"ami_type": "BOTTLEROCKET_x86_64_NVIDIA"},
    }
    assert problems(platform("eks", l4=pool)) == [
        "node_pools.l4.sharing: Bottlerocket runs its own NVIDIA device plugin, so GPU-operator "
        "time-slicing and MIG labels have no effect; use an AL2023 NVIDIA ami_type"
    ]


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        (
            {"eks": {}},
            ["cluster.eks.subnet_ids: set subnet_ids (two or more) or create_network: true"],
        ),
        (
            {"eks": {"subnet_ids": SUBNETS, "create_network": True}},
            ["cluster.eks.subnet_ids: set subnet_ids (two or more) or create_network: true"],
        ),
        (
            {"eks": {"subnet_ids": SUBNETS[:1]}},
            [
                "cluster.eks.subnet_ids: EKS needs subnets in at least two AZs "
                "(got ['subnet-0a1b2c3d4e5f60001'])"
            ],
        ),
        (
            {"eks": {"subnet_ids": SUBNETS, "network_cidr": "10.0.0.0/16"}},
            ["cluster.eks.network_cidr: only with create_network: true"],
        ),
        (
            {
                "eks": {
                    "existing": True,
                    "subnet_ids": SUBNETS,
                    "public_access_cidrs": ["1.2.3.0/24"],
                }
            },
            [
                "cluster.eks.subnet_ids: only when creating the cluster (existing: true)",
                "cluster.eks.public_access_cidrs: only when creating the cluster (existing: true)",
            ],
        ),
        (
            {"eks": {"subnet_ids": ["subnet-xyz", SUBNETS[0]]}},
            [
                "cluster.eks.subnet_ids.0: must be an AWS subnet id: subnet- and 8-17 hex "
                "digits (e.g. subnet-0abc1234) (got 'subnet-xyz')"
            ],
        ),
    ],
)
def test_eks_cluster_block_rules(cluster: dict, expected: list[str]) -> None:
    data = platform("eks")
    data["cluster"].update(cluster)
    assert problems(data) == expected


def test_eks_and_gke_require_their_cluster_block() -> None:
    for target, needs in (("eks", "subnet_ids or create_network"), ("gke", "project")):
        data = platform(target)
        del data["cluster"][target]
        assert problems(data) == [f"cluster.{target}: required on {target} (at least {needs})"]


def test_gke_adopt_rejects_create_only_fields() -> None:
    data = platform(
        "gke", {"gke": {"project": "acme-ml", "existing": True, "release_channel": "RAPID"}}
    )
    assert problems(data) == [
        "cluster.gke.release_channel: only when creating the cluster (existing: true)"
    ]


def test_aks_adopt_needs_the_resource_group() -> None:
    data = platform("aks", {"aks": {"existing": True, "sku_tier": "Free"}})
    assert problems(data) == [
        "cluster.aks.sku_tier: only when creating the cluster (existing: true)",
        "cluster.aks.existing_resource_group: required with existing: true",
    ]


def test_aks_agent_pool_names_must_stay_distinct() -> None:
    t4 = {"machine_type": "Standard_NC4as_T4_v3"}
    assert agent_pool_name("a100-mig-large") == "a100miglarge"
    assert problems(platform("aks", **{"t4-a": t4, "t4a": t4, "sys-tem": t4})) == [
        "node_pools.t4a: AKS agent pool name 't4a' (letters and digits, 12 max) is also used "
        "by node_pools.t4-a; rename one pool (got 't4a')",
        "node_pools.sys-tem: AKS agent pool name 'system' (letters and digits, 12 max) is also "
        "used by the system pool; rename one pool (got 'sys-tem')",
    ]


def test_aks_spot_max_price_must_be_minus_one_or_positive() -> None:
    pool = {"machine_type": "Standard_NC4as_T4_v3", "spot": True, "aks": {"spot_max_price": 0}}
    assert problems(platform("aks", t4=pool)) == [
        "node_pools.t4.aks.spot_max_price: must be -1 or a positive price (got 0.0)"
    ]


def test_aks_kms_key_needs_its_vault() -> None:
    key = "https://kv-ml.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef"
    assert problems(platform("aks", {"aks": {"key_vault_key_id": key}})) == [
        "cluster.aks.key_vault_resource_id: set key_vault_key_id and key_vault_resource_id "
        "together (KMS needs the key and its vault)"
    ]


@pytest.mark.parametrize("group", ["rg-" + "a" * 87, "Ressourcengruppe-äöü_(1).x"])
def test_aks_resource_group_names_arm_accepts_load(group: str) -> None:
    """90 characters (the ARM limit) and Unicode letters are valid group names."""
    data = platform("aks", {"aks": {"existing": True, "existing_resource_group": group}})
    aks = load_platform_config(data).cluster.aks
    assert aks is not None and aks.existing_resource_group == group


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        (
            "rg-" + "a" * 88,
            "cluster.aks.existing_resource_group: String should have at most 90 characters "
            f"(got 'rg-{'a' * 73}...)",
        ),
        (
            "rg/prod",
            "cluster.aks.existing_resource_group: must be letters, digits, '-', '_', '.' and "
            "parentheses, at most 90 characters (an Azure resource group name) (got 'rg/prod')",
        ),
    ],
)
def test_aks_resource_group_name_rule(group: str, expected: str) -> None:
    data = platform("aks", {"aks": {"existing": True, "existing_resource_group": group}})
    assert problems(data) == [expected]
