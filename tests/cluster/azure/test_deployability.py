"""AKS pieces that make one `pulumi up` work and keep later updates working: a bring-your-own
VNet with its permission granted first, API Server VNet Integration, the upgrade channel,
the autoscaler profile, pool subnets, storage."""

from __future__ import annotations

import pytest

from helpers import cluster_programs, run, validate_manifest
from helpers.kubernetes import manifest_of
from pulumi_llmops.cluster.azure import (
    AksCluster,
    AksClusterArgs,
    AksGpuNodePool,
    AksGpuNodePoolArgs,
)
from pulumi_llmops.cluster.storage import StorageClassNames
from pulumi_llmops.config.aks import AksClusterSpec

VNET = (
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/"
    "Microsoft.Network/virtualNetworks/vnet-ml"
)
NODES = f"{VNET}/subnets/nodes"
API = f"{VNET}/subnets/apiserver"
GPU = f"{VNET}/subnets/gpu"


def program(spec: dict, pool: dict | None = None):
    args = AksClusterArgs(
        cluster_name="ml", region="eastus", spec=AksClusterSpec.model_validate(spec)
    )
    return cluster_programs.with_pool(
        AksCluster, args, AksGpuNodePool, AksGpuNodePoolArgs, pool, key="t4"
    )


def test_bring_your_own_subnet_grants_network_contributor_before_the_cluster() -> None:
    pool = {"machine_type": "Standard_NC4as_T4_v3"}
    recording, (cluster, _) = run(program({"vnet_subnet_id": NODES}, pool=pool))
    grant = recording.named("ml-network-contributor")
    assert grant.inputs == {
        "principalId": "00000000-0000-4000-8000-000000000001",
        "principalType": "ServicePrincipal",
        "roleDefinitionId": "/subscriptions/11111111-2222-3333-4444-555555555555/providers/"
        "Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7",
        "scope": VNET,
    }
    aks = recording.named("ml-aks")
    assert grant.urn in aks.dependencies
    assert aks.inputs["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": ["ml-identity-id"],
    }
    [system] = aks.inputs["agentPoolProfiles"]
    assert system["vnetSubnetID"] == NODES
    # GPU pools join the cluster's subnet unless they name their own.
    assert recording.named("ml-t4-nodes").inputs["vnetSubnetID"] == NODES
    assert "azureKeyVaultKms" not in aks.inputs["securityProfile"]


def test_pool_subnet_of_the_same_vnet_wins() -> None:
    pool = {"machine_type": "Standard_NC4as_T4_v3", "aks": {"vnet_subnet_id": GPU}}
    recording, _ = run(program({"vnet_subnet_id": NODES}, pool=pool))
    assert recording.named("ml-t4-nodes").inputs["vnetSubnetID"] == GPU


def test_api_server_vnet_integration_with_authorized_ranges() -> None:
    spec = {
        "vnet_subnet_id": NODES,
        "api_server_subnet_id": API,
        "authorized_ip_ranges": ["198.51.100.0/24"],
    }
    recording, _ = run(program(spec))
    assert recording.named("ml-aks").inputs["apiServerAccessProfile"] == {
        "enablePrivateCluster": False,
        "authorizedIPRanges": ["198.51.100.0/24"],
        "enableVnetIntegration": True,
        "subnetId": API,
    }


@pytest.mark.parametrize(
    ("spec", "channel"),
    [
        ({"authorized_ip_ranges": ["198.51.100.0/24"]}, "stable"),
        ({"authorized_ip_ranges": ["198.51.100.0/24"], "kubernetes_version": "1.35"}, "patch"),
        (
            {
                "authorized_ip_ranges": ["198.51.100.0/24"],
                "kubernetes_version": "1.35",
                "upgrade_channel": "node-image",
            },
            "node-image",
        ),
    ],
)
def test_upgrade_channel_follows_the_version_pin(spec: dict, channel: str) -> None:
    recording, _ = run(program(spec))
    aks = recording.named("ml-aks").inputs
    assert aks["autoUpgradeProfile"] == {
        "upgradeChannel": channel,
        "nodeOSUpgradeChannel": "NodeImage",
    }


def test_autoscaler_profile_for_gpu_pools() -> None:
    recording, _ = run(program({"authorized_ip_ranges": ["198.51.100.0/24"]}))
    assert recording.named("ml-aks").inputs["autoScalerProfile"] == {
        "expander": "least-waste",
        "ignoreDaemonsetsUtilization": True,
        "skipNodesWithLocalStorage": "false",
        "maxNodeProvisionTime": "20m",
        "scaleDownUnneededTime": "10m",
        "scaleDownDelayAfterAdd": "10m",
    }


def test_network_policy_is_enforced_by_cilium() -> None:
    recording, _ = run(program({"authorized_ip_ranges": ["198.51.100.0/24"]}))
    profile = recording.named("ml-aks").inputs["networkProfile"]
    assert (profile["networkPolicy"], profile["networkDataplane"]) == ("cilium", "cilium")


def test_retain_storage_class_next_to_aks_default() -> None:
    recording, (cluster, _) = run(program({"authorized_ip_ranges": ["198.51.100.0/24"]}))
    [retain] = recording.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
    validate_manifest(manifest_of(retain))
    assert retain.inputs["metadata"] == {"name": "managed-csi-retain"}
    assert (retain.inputs["provisioner"], retain.inputs["parameters"]) == (
        "disk.csi.azure.com",
        {"skuname": "StandardSSD_LRS"},
    )
    assert retain.inputs["reclaimPolicy"] == "Retain"
    assert cluster.handle.storage == StorageClassNames("default", "managed-csi-retain")
