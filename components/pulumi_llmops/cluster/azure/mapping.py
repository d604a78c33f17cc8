"""Pure mappings from the neutral specs to AKS arguments. No Pulumi calls.

Upstream: https://learn.microsoft.com/azure/aks/gpu-cluster
"""

from __future__ import annotations

import base64
import json
from typing import Any

import yaml

from ...config.aks import AksPoolSpec, agent_pool_name
from ...config.node_pool import GpuPoolSpec
from ..contracts import AKS_SPOT_TAINT, POOL_LABEL, GpuPoolContract
from ..kubeconfig import exec_credential

SYSTEM_POOL_LABELS = {POOL_LABEL: "system"}
KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"
"""Built-in Azure role: perform cryptographic operations with Key Vault keys."""
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
"""Built-in Azure role: manage networks (AKS joins nodes and the API server to subnets)."""
AUTOSCALER_PROFILE = {
    "expander": "least-waste",
    # GPU nodes run heavy DaemonSets (device plugin, DCGM): their requests must not keep an
    # idle GPU node alive.
    "ignore_daemonsets_utilization": True,
    # Model servers use emptyDir (model cache, /dev/shm).
    "skip_nodes_with_local_storage": "false",
    # A fresh GPU node pulls a multi-GB image and installs its driver.
    "max_node_provision_time": "20m",
    "scale_down_unneeded_time": "10m",
    "scale_down_delay_after_add": "10m",
}
"""`ManagedClusterPropertiesAutoScalerProfileArgs` keyword arguments: the AKS cluster
autoscaler flags that matter for GPU pools (same choices as the EKS Cluster Autoscaler)."""
AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
"""The Entra application id of the AKS AAD server, the token audience kubelogin asks for."""


def gpu_instance_profile(spec: GpuPoolSpec) -> str | None:
    """AKS MIG profile (MIG1g..MIG7g) of the pool's MIG slice size, or None without MIG."""
    mig = spec.sharing.mig if spec.sharing else None
    if mig is None:
        return None
    return f"MIG{mig.profile.removeprefix('all-').split('g.', 1)[0]}g"


def agent_pool_args(
    spec: GpuPoolSpec, pool: str, contract: GpuPoolContract, cluster_subnet: str | None = None
) -> dict[str, Any]:
    """`containerservice.AgentPool` keyword arguments of a GPU pool, exactly as the provider
    takes them (nested inputs in dict form), wiring (resource group, cluster, tags) excluded.
    The pool's subnet defaults to the cluster's (`cluster.aks.vnet_subnet_id`)."""
    aks = spec.aks or AksPoolSpec()
    node_taints = [
        f"{t.key}={t.value}:{t.effect}" if t.value else f"{t.key}:{t.effect}"
        for t in contract.taints
        if t != AKS_SPOT_TAINT
    ]
    args: dict[str, Any] = {
        "agent_pool_name": agent_pool_name(pool),
        "mode": "User",
        "os_type": "Linux",
        "os_sku": aks.os_sku,
        "vm_size": spec.machine_type,
        "os_disk_size_gb": spec.disk_size_gib,
        "enable_auto_scaling": True,
        "count": spec.min_nodes,
        "min_count": spec.min_nodes,
        "max_count": spec.max_nodes,
        "node_labels": dict(contract.labels),
        "node_taints": node_taints,
        "scale_set_priority": "Spot" if spec.spot else "Regular",
        "gpu_instance_profile": gpu_instance_profile(spec),
        "gpu_profile": {"driver": aks.gpu_driver},
        "availability_zones": list(aks.availability_zones) or None,
        "vnet_subnet_id": aks.vnet_subnet_id or cluster_subnet,
    }
    if spec.reservation is not None:
        # A capacity reservation group: the pool's VMs are placed in its reservations.
        args["capacity_reservation_group_id"] = spec.reservation.id
    if spec.spot:
        args["spot_max_price"] = aks.spot_max_price
        args["scale_set_eviction_policy"] = aks.spot_eviction_policy
    return args


def role_definition_id(scope: str, role: str) -> str:
    """Subscription-scoped id of a built-in role, for a scope under that subscription."""
    subscription = scope.split("/")[2]
    return f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role}"


def azurecli_kubeconfig(encoded: str) -> str:
    """AKS user kubeconfig (base64 YAML) rewritten to use `kubelogin --login azurecli`.

    With local accounts disabled, the kubeconfig AKS returns authenticates through kubelogin
    in interactive device-code mode; Pulumi needs a non-interactive login, so every exec
    user is switched to the Azure CLI's token (the identity `az login` holds).
    """
    document = yaml.safe_load(base64.b64decode(encoded).decode())
    for user in document.get("users") or []:
        if "exec" in (user.get("user") or {}):
            user["user"]["exec"] = exec_credential(
                "kubelogin", ("get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_ID)
            )
    return json.dumps(document, sort_keys=True)
