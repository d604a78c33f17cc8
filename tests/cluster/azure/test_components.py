"""AKS L1 components on the mock engine: exact children, provider arguments and branches."""

from __future__ import annotations

import json

from helpers import cluster_programs, run, run_platform
from helpers.cloud_configs import platform
from pulumi_llmops.cluster.azure import (
    AksCluster,
    AksClusterArgs,
    AksGpuNodePool,
    AksGpuNodePoolArgs,
)
from pulumi_llmops.config.aks import AksClusterSpec
from pulumi_llmops.offline.recording import SECRET

GROUP = "0b6e9c1e-4d55-4a7f-9d6b-1f2c3d4e5f60"


def cluster_program(spec: dict, environment: str = "dev", captured: list | None = None):
    args = AksClusterArgs(
        cluster_name="ml",
        region="eastus",
        spec=AksClusterSpec.model_validate(spec),
        deletion_protection=environment == "prod",
        tags={"team": "ml"},
    )
    return cluster_programs.cluster(AksCluster, args, captured)


def test_new_cluster_is_private_entra_only_with_workload_identity() -> None:
    captured: list[str] = []
    recording, cluster = run(cluster_program({}, captured=captured))
    assert recording.named("ml-rg").inputs == {
        "resourceGroupName": "ml-rg",
        "location": "eastus",
        "tags": {"team": "ml"},
    }
    aks = recording.named("ml-aks")
    assert aks.type == "azure-native:containerservice:ManagedCluster"
    inputs = aks.inputs
    assert inputs["resourceGroupName"] == "ml-rg"
    assert inputs["resourceName"] == "ml"
    assert inputs["apiServerAccessProfile"] == {"enablePrivateCluster": True}
    assert inputs["oidcIssuerProfile"] == {"enabled": True}
    assert inputs["securityProfile"] == {"workloadIdentity": {"enabled": True}}
    assert (inputs["disableLocalAccounts"], inputs["enableRBAC"]) == (True, True)
    assert inputs["aadProfile"] == {"managed": True, "enableAzureRBAC": True}
    assert inputs["identity"] == {"type": "SystemAssigned"}
    assert inputs["sku"] == {"name": "Base", "tier": "Free"}
    assert inputs["autoUpgradeProfile"] == {
        "upgradeChannel": "stable",
        "nodeOSUpgradeChannel": "NodeImage",
    }
    assert inputs["agentPoolProfiles"] == [
        {
            "name": "system",
            "mode": "System",
            "osType": "Linux",
            "osSKU": "AzureLinux",
            "vmSize": "Standard_D4ds_v5",
            "count": 2.0,
            "enableAutoScaling": False,
            "nodeLabels": {"llmops.dev/pool": "system"},
        }
    ]
    assert {
        k: inputs["networkProfile"][k]
        for k in ("networkPlugin", "networkPluginMode", "networkDataplane", "networkPolicy")
    } == {
        "networkPlugin": "azure",
        "networkPluginMode": "overlay",
        "networkDataplane": "cilium",
        "networkPolicy": "cilium",
    }
    assert (aks.protect, recording.named("ml-rg").protect) == (False, False)
    assert recording.named("ml-k8s").inputs == {
        "clusterIdentifier": "ml",
        "enableServerSideApply": "true",
        "kubeconfig": SECRET,
    }
    user = json.loads(captured[0])["users"][0]["user"]["exec"]
    assert user["args"] == [
        "get-token",
        "--login",
        "azurecli",
        "--server-id",
        "6dae42f8-4368-4678-94ff-3960e28e3630",
    ]
    assert cluster.handle.target == "aks"


def test_prod_cluster_with_authorized_ranges_admins_and_existing_group() -> None:
    spec = {
        "existing_resource_group": "rg-ml",
        "authorized_ip_ranges": ["198.51.100.0/24"],
        "admin_group_object_ids": [GROUP],
        "kubernetes_version": "1.35",
    }
    recording, _ = run(cluster_program(spec, environment="prod"))
    assert recording.of_type("azure-native:resources:ResourceGroup") == []
    aks = recording.named("ml-aks")
    assert aks.inputs["resourceGroupName"] == "rg-ml"
    assert aks.inputs["apiServerAccessProfile"] == {
        "enablePrivateCluster": False,
        "authorizedIPRanges": ["198.51.100.0/24"],
    }
    assert aks.inputs["aadProfile"]["adminGroupObjectIDs"] == [GROUP]
    assert aks.inputs["sku"] == {"name": "Base", "tier": "Standard"}
    assert aks.inputs["kubernetesVersion"] == "1.35"
    assert aks.protect is True


def test_a_protected_cluster_protects_the_resource_group_it_creates() -> None:
    """Destroying the group deletes the cluster with it: in prod both are protected."""
    recording, _ = run(cluster_program({}, environment="prod"))
    assert (recording.named("ml-rg").protect, recording.named("ml-aks").protect) == (True, True)
    assert recording.named("ml-rg").retain_on_delete is False


def test_adopting_creates_nothing_but_the_provider() -> None:
    captured: list[str] = []
    recording, cluster = run(
        cluster_program({"existing": True, "existing_resource_group": "rg-ml"}, captured=captured)
    )
    assert [r.type for r in recording.children_of(recording.named("ml").urn)] == [
        "kubernetes:storage.k8s.io/v1:StorageClass",
        "pulumi:providers:kubernetes",
    ]
    assert json.loads(captured[0])["clusters"][0]["cluster"]["server"] == (
        "https://ml.offline.azmk8s.invalid:443"
    )


def pool_program(pool: dict):
    args = AksClusterArgs(cluster_name="ml", region="eastus", spec=AksClusterSpec())
    return cluster_programs.with_pool(
        AksCluster, args, AksGpuNodePool, AksGpuNodePoolArgs, pool, key="gpu-pool", name="ml-gpu"
    )


def test_spot_t4_pool_agent_pool_arguments() -> None:
    recording, (cluster, pool) = run(
        pool_program(
            {
                "machine_type": "Standard_NC4as_T4_v3",
                "spot": True,
                "max_nodes": 3,
                "aks": {"os_sku": "AzureLinux", "availability_zones": ["1"]},
            }
        )
    )
    nodes = recording.named("ml-gpu-nodes")
    assert nodes.parent == recording.named("ml-gpu").urn
    assert nodes.inputs == {
        "resourceGroupName": "ml-rg",
        "resourceName": "ml",
        "agentPoolName": "gpupool",
        "mode": "User",
        "osType": "Linux",
        "osSKU": "AzureLinux",
        "vmSize": "Standard_NC4as_T4_v3",
        "osDiskSizeGB": 200.0,
        "enableAutoScaling": True,
        "count": 0.0,
        "minCount": 0.0,
        "maxCount": 3.0,
        "nodeLabels": {"llmops.dev/gpu-model": "t4", "llmops.dev/pool": "gpu-pool"},
        "nodeTaints": ["nvidia.com/gpu=present:NoSchedule"],
        "scaleSetPriority": "Spot",
        "spotMaxPrice": -1.0,
        "scaleSetEvictionPolicy": "Delete",
        "gpuProfile": {"driver": "Install"},
        "availabilityZones": ["1"],
        "tags": {"llmops-pool": "gpu-pool"},
    }
    tolerations = pool.contract.tolerations
    assert {
        "key": "kubernetes.azure.com/scalesetpriority",
        "operator": "Equal",
        "value": "spot",
        "effect": "NoSchedule",
    } in tolerations


def test_mig_pool_with_the_operator_installing_the_driver() -> None:
    recording, _ = run(
        pool_program(
            {
                "machine_type": "Standard_NC24ads_A100_v4",
                "sharing": {"mig": {"profile": "all-1g.10gb"}},
                "aks": {"gpu_driver": "None"},
            }
        )
    )
    inputs = recording.named("ml-gpu-nodes").inputs
    assert (inputs["gpuInstanceProfile"], inputs["gpuProfile"]) == ("MIG1g", {"driver": "None"})
    assert inputs["scaleSetPriority"] == "Regular"
    assert "spotMaxPrice" not in inputs
    assert "nvidia.com/mig.config" not in inputs["nodeLabels"]


def test_platform_wires_aks_pools_to_the_cluster() -> None:
    recording, platform_ = run_platform(platform("aks"))
    nodes = recording.named("ml-t4-nodes").inputs
    assert (nodes["resourceGroupName"], nodes["resourceName"]) == ("ml-rg", "ml")
    assert platform_.contracts["t4"].gpu_model == "T4"


KEY = "https://kv-ml.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef"
VAULT = (
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-ml/providers/"
    "Microsoft.KeyVault/vaults/kv-ml"
)


def test_kms_uses_a_user_assigned_identity_granted_on_the_vault_first() -> None:
    spec = {"key_vault_key_id": KEY, "key_vault_resource_id": VAULT}
    recording, cluster = run(cluster_program(spec))
    identity = recording.named("ml-identity")
    assert identity.inputs == {
        "resourceGroupName": "ml-rg",
        "resourceName": "ml-identity",
        "location": "eastus",
        "tags": {"team": "ml"},
    }
    grant = recording.named("ml-kms-crypto-user")
    assert grant.inputs == {
        "principalId": "00000000-0000-4000-8000-000000000001",
        "principalType": "ServicePrincipal",
        "roleDefinitionId": "/subscriptions/11111111-2222-3333-4444-555555555555/providers/"
        "Microsoft.Authorization/roleDefinitions/12338af0-0e69-4776-bea7-57ae8d297424",
        "scope": VAULT,
    }
    aks = recording.named("ml-aks")
    assert aks.inputs["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": ["ml-identity-id"],
    }
    assert aks.inputs["securityProfile"] == {
        "workloadIdentity": {"enabled": True},
        "azureKeyVaultKms": {"enabled": True, "keyId": KEY, "keyVaultNetworkAccess": "Public"},
    }
    assert grant.urn in aks.dependencies
