"""Spec-to-cloud mappings as pure-function tables (no Pulumi engine involved)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import yaml

from pulumi_llmops.catalog.shape import PoolShape, mig_slice, resolve_pool
from pulumi_llmops.cluster.aws import mapping as eks
from pulumi_llmops.cluster.azure import mapping as aks
from pulumi_llmops.cluster.contracts import AKS_SPOT_TAINT, GpuPoolContract, Taint, pool_contract
from pulumi_llmops.cluster.gcp import mapping as gke
from pulumi_llmops.config.node_pool import GpuPoolSpec
from pulumi_llmops.targets import catalog_cloud


def pool_shape(target: str, pool: GpuPoolSpec) -> PoolShape:
    """The pool's shape from the built-in catalogue (prices do not matter here)."""
    return resolve_pool(catalog_cloud(target), pool.machine_type, pool.gpu, "us-east-1")


def contract_of(target: str, name: str, pool: GpuPoolSpec) -> GpuPoolContract:
    return pool_contract(target, name, pool, pool_shape(target, pool))


GPU_TAINT = Taint("nvidia.com/gpu", "present", "NoSchedule")


def spec(**fields: Any) -> GpuPoolSpec:
    return GpuPoolSpec.model_validate(fields)


# ---- EKS -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"machine_type": "g6.xlarge"},
            {
                "ami_type": "AL2023_x86_64_NVIDIA",
                "capacity_type": "ON_DEMAND",
                "scaling_config": {"min_size": 0, "desired_size": 0, "max_size": 1},
            },
        ),
        (
            {"machine_type": "g6.xlarge", "spot": True, "min_nodes": 1, "max_nodes": 3},
            {
                "ami_type": "AL2023_x86_64_NVIDIA",
                "capacity_type": "SPOT",
                "scaling_config": {"min_size": 1, "desired_size": 1, "max_size": 3},
            },
        ),
        (
            {"machine_type": "g6.xlarge", "eks": {"ami_type": "BOTTLEROCKET_x86_64_NVIDIA"}},
            {
                "ami_type": "BOTTLEROCKET_x86_64_NVIDIA",
                "capacity_type": "ON_DEMAND",
                "scaling_config": {"min_size": 0, "desired_size": 0, "max_size": 1},
            },
        ),
    ],
)
def test_eks_node_group_capacity_image_and_scaling(fields: dict, expected: dict) -> None:
    pool = spec(**fields)
    args = eks.node_group_args(pool, contract_of("eks", "p", pool))
    assert {k: args[k] for k in expected} == expected


def test_eks_node_group_labels_taints_and_defaults() -> None:
    pool = spec(
        machine_type="g5.xlarge",
        disk_size_gib=300,
        sharing={"time_slicing": {"replicas": 4}},
        additional_labels={"team": "nlp", "llmops.dev/gpu-model": "custom"},
        additional_taints={
            "dedicated": {"value": "", "effect": "NoExecute"},
            "nvidia.com/gpu": {"value": "yes", "effect": "PreferNoSchedule"},
        },
    )
    contract = contract_of("eks", "a10g", pool)
    assert eks.node_group_args(pool, contract) == {
        "ami_type": "AL2023_x86_64_NVIDIA",
        "capacity_type": "ON_DEMAND",
        "instance_types": ["g5.xlarge"],
        "labels": {
            # The Cluster Autoscaler's GPU label, from the catalogue's GPU model.
            "k8s.amazonaws.com/accelerator": "a10g",
            "llmops.dev/gpu-model": "custom",
            "llmops.dev/pool": "a10g",
            "nvidia.com/device-plugin.config": "a10g",
            "team": "nlp",
        },
        "taints": [
            {"key": "dedicated", "effect": "NO_EXECUTE"},
            {"key": "nvidia.com/gpu", "value": "yes", "effect": "PREFER_NO_SCHEDULE"},
        ],
        "scaling_config": {"min_size": 0, "desired_size": 0, "max_size": 1},
        "update_config": {"max_unavailable": 1},
        "node_repair_config": {"enabled": True},
        "release_version": None,
    }
    assert (contract.gpu_model, contract.gpus_per_node, contract.sharing) == (
        "A10G",
        1,
        "time-slicing",
    )


def test_eks_keeps_the_mig_manager_label_because_eks_has_no_native_mig() -> None:
    pool = spec(machine_type="p4d.24xlarge", sharing={"mig": {"profile": "all-1g.5gb"}})
    contract = contract_of("eks", "a100", pool)
    assert contract.labels["nvidia.com/mig.config"] == "all-1g.5gb"
    assert (contract.gpus_per_node, contract.schedulable_gpus_per_node) == (8, 56)


def test_eks_kubeconfig_uses_aws_eks_get_token() -> None:
    config = json.loads(eks.kubeconfig("ml", "eu-west-1", "https://x.eks", "Q0E="))
    assert config["clusters"] == [
        {"name": "ml", "cluster": {"server": "https://x.eks", "certificate-authority-data": "Q0E="}}
    ]
    assert config["users"][0]["user"]["exec"] == {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": "aws",
        "args": [
            "eks",
            "get-token",
            "--cluster-name",
            "ml",
            "--region",
            "eu-west-1",
            "--output",
            "json",
        ],
        "interactiveMode": "Never",
    }
    assert config["current-context"] == "ml"


def test_eks_trust_policies_and_principal_keys() -> None:
    assert json.loads(eks.assume_role_policy("eks.amazonaws.com", tag_session=True)) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }
    assert json.loads(eks.assume_role_policy("ec2.amazonaws.com"))["Statement"][0]["Action"] == (
        "sts:AssumeRole"
    )
    assert eks.principal_key("arn:aws:iam::123456789012:role/team/Platform_Admins") == (
        "platform-admins"
    )


def test_eks_network_plan_is_stable_and_disjoint() -> None:
    plan = eks.network_plan("us-east-1", "10.40.0.0/16", [])
    assert [(p.key, p.zone, p.cidr, p.public) for p in plan] == [
        ("private-a", "us-east-1a", "10.40.0.0/19", False),
        ("public-a", "us-east-1a", "10.40.224.0/22", True),
        ("private-b", "us-east-1b", "10.40.32.0/19", False),
        ("public-b", "us-east-1b", "10.40.228.0/22", True),
    ]
    three = eks.network_plan("eu-west-1", "10.0.0.0/16", ["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    assert [p.key for p in three] == [
        "private-a",
        "public-a",
        "private-b",
        "public-b",
        "private-c",
        "public-c",
    ]


# ---- GKE -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {},
            {
                "type": "nvidia-tesla-a100",
                "count": 1,
                "gpu_driver_installation_config": {"gpu_driver_version": "DEFAULT"},
            },
        ),
        (
            {"gke": {"gpu_driver_version": "LATEST"}},
            {
                "type": "nvidia-tesla-a100",
                "count": 1,
                "gpu_driver_installation_config": {"gpu_driver_version": "LATEST"},
            },
        ),
        (
            {"sharing": {"time_slicing": {"replicas": 3}}},
            {
                "type": "nvidia-tesla-a100",
                "count": 1,
                "gpu_driver_installation_config": {"gpu_driver_version": "DEFAULT"},
                "gpu_sharing_config": {
                    "gpu_sharing_strategy": "TIME_SHARING",
                    "max_shared_clients_per_gpu": 3,
                },
            },
        ),
        (
            {"sharing": {"time_slicing": {"replicas": 3}}, "gke": {"sharing_strategy": "MPS"}},
            {
                "type": "nvidia-tesla-a100",
                "count": 1,
                "gpu_driver_installation_config": {"gpu_driver_version": "DEFAULT"},
                "gpu_sharing_config": {
                    "gpu_sharing_strategy": "MPS",
                    "max_shared_clients_per_gpu": 3,
                },
            },
        ),
        (
            {"sharing": {"mig": {"profile": "all-2g.10gb"}}},
            {
                "type": "nvidia-tesla-a100",
                "count": 1,
                "gpu_driver_installation_config": {"gpu_driver_version": "DEFAULT"},
                "gpu_partition_size": "2g.10gb",
            },
        ),
        # The GPU operator owns driver, device plugin and sharing: nothing GKE-native is set.
        (
            {
                "sharing": {"mig": {"profile": "all-2g.10gb"}},
                "gke": {"gpu_driver_version": "INSTALLATION_DISABLED"},
            },
            {
                "type": "nvidia-tesla-a100",
                "count": 1,
                "gpu_driver_installation_config": {"gpu_driver_version": "INSTALLATION_DISABLED"},
            },
        ),
    ],
)
def test_gke_guest_accelerator_driver_and_sharing(fields: dict, expected: dict) -> None:
    pool = spec(machine_type="a2-highgpu-1g", **fields)
    assert gke.guest_accelerator(pool, pool_shape("gke", pool)) == expected


@pytest.mark.parametrize(
    ("driver", "sharing", "expected"),
    [
        (
            "DEFAULT",
            {"time_slicing": {"replicas": 2}},
            {"llmops.dev/gpu-model": "a100-40gb", "llmops.dev/pool": "p"},
        ),
        (
            "INSTALLATION_DISABLED",
            {"time_slicing": {"replicas": 2}},
            {
                "gke-no-default-nvidia-gpu-device-plugin": "true",
                "llmops.dev/gpu-model": "a100-40gb",
                "llmops.dev/pool": "p",
                "nvidia.com/device-plugin.config": "p",
            },
        ),
        (
            "INSTALLATION_DISABLED",
            {"mig": {"profile": "all-1g.5gb"}},
            {
                "gke-no-default-nvidia-gpu-device-plugin": "true",
                "llmops.dev/gpu-model": "a100-40gb",
                "llmops.dev/pool": "p",
                "nvidia.com/mig.config": "all-1g.5gb",
            },
        ),
        (
            "LATEST",
            {"mig": {"profile": "all-1g.5gb"}},
            {"llmops.dev/gpu-model": "a100-40gb", "llmops.dev/pool": "p"},
        ),
    ],
)
def test_gke_contract_labels_follow_the_driver_mode(driver: str, sharing: dict, expected) -> None:
    pool = spec(machine_type="a2-highgpu-1g", sharing=sharing, gke={"gpu_driver_version": driver})
    assert contract_of("gke", "p", pool).labels == expected


@pytest.mark.parametrize(
    ("fields", "initial"),
    [
        ({"min_nodes": 0}, 0),
        ({"min_nodes": 1}, 1),
        ({"min_nodes": 4, "max_nodes": 6}, 2),
        ({"min_nodes": 4, "max_nodes": 6, "gke": {"node_locations": ["us-central1-a"]}}, 4),
    ],
)
def test_gke_initial_node_count_spreads_min_nodes_over_zones(fields: dict, initial: int) -> None:
    assert gke.initial_node_count(spec(machine_type="g2-standard-8", **fields)) == initial


def test_gke_node_pool_spot_taints_and_autoscaling() -> None:
    pool = spec(
        machine_type="g2-standard-8",
        spot=True,
        max_nodes=5,
        additional_taints={"team": {"value": "nlp", "effect": "NoSchedule"}},
    )
    shape = pool_shape("gke", pool)
    args = gke.node_pool_args(pool, shape, pool_contract("gke", "l4", pool, shape))
    assert args["autoscaling"] == {
        "total_min_node_count": 0,
        "total_max_node_count": 5,
        "location_policy": "ANY",
    }
    assert args["node_config"]["spot"] is True
    # GKE adds nvidia.com/gpu=present:NoSchedule itself; only the user's taint is sent.
    assert args["node_config"]["taints"] == [
        {"key": "team", "value": "nlp", "effect": "NO_SCHEDULE"},
    ]
    assert args["node_config"]["guest_accelerators"][0]["type"] == "nvidia-l4"
    assert args["node_locations"] is None


def test_gke_kubeconfig_and_names() -> None:
    config = json.loads(gke.kubeconfig("ml", "10.0.0.2", "Q0E="))
    assert config["clusters"][0]["cluster"]["server"] == "https://10.0.0.2"
    assert config["users"][0]["user"]["exec"]["command"] == "gke-gcloud-auth-plugin"
    assert config["users"][0]["user"]["exec"]["provideClusterInfo"] is True
    assert gke.node_service_account_id("a" * 40) == "a" * 24 + "-nodes"
    assert gke.node_service_account_id("ml") == "ml-nodes"
    assert (
        gke.cluster_id("p1", "us-central1", "ml") == "projects/p1/locations/us-central1/clusters/ml"
    )


# ---- AKS -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("all-1g.10gb", "MIG1g"),
        ("all-2g.20gb", "MIG2g"),
        ("all-3g.40gb", "MIG3g"),
        ("all-4g.40gb", "MIG4g"),
        ("all-7g.80gb", "MIG7g"),
    ],
)
def test_aks_gpu_instance_profile_from_the_mig_profile(profile: str, expected: str) -> None:
    pool = spec(machine_type="Standard_NC24ads_A100_v4", sharing={"mig": {"profile": profile}})
    assert aks.gpu_instance_profile(pool) == expected
    assert mig_slice(profile) == profile.removeprefix("all-")


def test_aks_agent_pool_regular_with_mig_drops_the_mig_manager_label() -> None:
    pool = spec(
        machine_type="Standard_NC24ads_A100_v4",
        min_nodes=1,
        max_nodes=3,
        sharing={"mig": {"profile": "all-3g.40gb"}},
        aks={"gpu_driver": "None"},
    )
    contract = contract_of("aks", "a100-mig", pool)
    assert aks.agent_pool_args(pool, "a100-mig", contract) == {
        "agent_pool_name": "a100mig",
        "mode": "User",
        "os_type": "Linux",
        "os_sku": "Ubuntu",
        "vm_size": "Standard_NC24ads_A100_v4",
        "os_disk_size_gb": 200,
        "enable_auto_scaling": True,
        "count": 1,
        "min_count": 1,
        "max_count": 3,
        "node_labels": {"llmops.dev/gpu-model": "a100-80gb", "llmops.dev/pool": "a100-mig"},
        "node_taints": ["nvidia.com/gpu=present:NoSchedule"],
        "scale_set_priority": "Regular",
        "gpu_instance_profile": "MIG3g",
        "gpu_profile": {"driver": "None"},
        "availability_zones": None,
        "vnet_subnet_id": None,
    }
    assert (contract.schedulable_gpus_per_node, contract.sharing) == (2, "mig-single")


def test_aks_spot_pool_prices_evicts_and_tolerates_the_spot_taint() -> None:
    pool = spec(
        machine_type="Standard_NC4as_T4_v3",
        spot=True,
        sharing={"time_slicing": {"replicas": 2}},
        additional_taints={"dedicated": {"value": "", "effect": "NoSchedule"}},
        aks={"spot_max_price": 0.3, "spot_eviction_policy": "Deallocate"},
    )
    contract = contract_of("aks", "t4", pool)
    args = aks.agent_pool_args(pool, "t4", contract)
    assert (
        args["scale_set_priority"],
        args["spot_max_price"],
        args["scale_set_eviction_policy"],
    ) == ("Spot", 0.3, "Deallocate")
    # AKS taints spot nodes itself; listing it in node_taints is left to AKS.
    assert args["node_taints"] == ["dedicated:NoSchedule", "nvidia.com/gpu=present:NoSchedule"]
    assert contract.taints == (
        Taint("dedicated", "", "NoSchedule"),
        AKS_SPOT_TAINT,
        GPU_TAINT,
    )
    assert args["node_labels"]["nvidia.com/device-plugin.config"] == "t4"
    assert args["gpu_instance_profile"] is None


def test_aks_kubeconfig_switches_kubelogin_to_the_azure_cli() -> None:
    raw = {
        "apiVersion": "v1",
        "clusters": [{"name": "c", "cluster": {"server": "https://c"}}],
        "users": [
            {
                "name": "u",
                "user": {
                    "exec": {"command": "kubelogin", "args": ["get-token", "--login", "devicecode"]}
                },
            }
        ],
    }
    converted = json.loads(
        aks.azurecli_kubeconfig(base64.b64encode(yaml.safe_dump(raw).encode()).decode())
    )
    assert converted["clusters"] == raw["clusters"]
    assert converted["users"][0]["user"]["exec"] == {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": "kubelogin",
        "args": [
            "get-token",
            "--login",
            "azurecli",
            "--server-id",
            "6dae42f8-4368-4678-94ff-3960e28e3630",
        ],
        "interactiveMode": "Never",
    }


def test_gke_sends_a_user_gpu_taint_that_differs_from_the_one_gke_adds() -> None:
    pool = spec(
        machine_type="g2-standard-8",
        additional_taints={"nvidia.com/gpu": {"value": "yes", "effect": "NoExecute"}},
    )
    shape = pool_shape("gke", pool)
    args = gke.node_pool_args(pool, shape, pool_contract("gke", "l4", pool, shape))
    assert args["node_config"]["taints"] == [
        {"key": "nvidia.com/gpu", "value": "yes", "effect": "NO_EXECUTE"}
    ]


def test_eks_autoscaler_tags_for_every_sharing_mode() -> None:
    prefix = "k8s.io/cluster-autoscaler/node-template"
    whole = spec(machine_type="g5.12xlarge", spot=True)
    assert eks.autoscaler_tags(contract_of("eks", "a10g", whole)) == {
        f"{prefix}/label/k8s.amazonaws.com/accelerator": "a10g",
        f"{prefix}/label/llmops.dev/gpu-model": "a10g",
        f"{prefix}/label/llmops.dev/pool": "a10g",
        f"{prefix}/resources/nvidia.com/gpu": "4",
        f"{prefix}/taint/nvidia.com/gpu": "present:NoSchedule",
    }
    mig = spec(machine_type="p4d.24xlarge", sharing={"mig": {"profile": "all-1g.5gb"}})
    tags = eks.autoscaler_tags(contract_of("eks", "a100", mig))
    assert tags[f"{prefix}/resources/nvidia.com/gpu"] == "56"  # 8 GPUs x 7 slices
    assert tags[f"{prefix}/label/nvidia.com/mig.config"] == "all-1g.5gb"
    # Mixed MIG slices have per-profile resources: no single GPU count to advertise.
    mixed = spec(machine_type="p4d.24xlarge", sharing={"mig": {"profile": "all-balanced"}})
    assert not any(
        "/resources/" in key for key in eks.autoscaler_tags(contract_of("eks", "a100", mixed))
    )
    untainted = spec(machine_type="g5.xlarge", gpu_taint=False)
    assert not any(
        "/taint/" in key for key in eks.autoscaler_tags(contract_of("eks", "a10g", untainted))
    )
    # DRA nodes advertise no nvidia.com/gpu (the device plugin is off): no resource tag.
    dra = contract_of("eks", "l40s", spec(machine_type="g6e.12xlarge", gpu={"allocation": "dra"}))
    assert (dra.allocation, dra.gpu_resource) == ("dra", None)
    assert not any("/resources/" in key for key in eks.autoscaler_tags(dra))
    assert eks.autoscaler_tags(dra)[f"{prefix}/label/llmops.dev/gpu-allocation"] == "dra"
