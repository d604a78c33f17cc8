"""Pure mappings from the neutral specs to AKS arguments. No Pulumi calls.

Upstream: https://learn.microsoft.com/azure/aks/gpu-cluster
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

import yaml

from ...config.aks import AksPoolSpec, agent_pool_name
from ...config.cloud import PoolShape
from ...config.node_pool import GpuPoolSpec
from ..contract import (
    MIG_CONFIG_LABEL,
    GpuPoolContract,
    Taint,
    build_contract,
)

SPOT_TAINT = Taint("kubernetes.azure.com/scalesetpriority", "spot", "NoSchedule")
"""AKS puts this taint on every spot node itself; pods on spot pools must tolerate it."""
KEY_VAULT_CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"
"""Built-in Azure role: perform cryptographic operations with Key Vault keys."""
AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
"""The Entra application id of the AKS AAD server, the token audience kubelogin asks for."""


def aks_pool_contract(pool: str, spec: GpuPoolSpec, shape: PoolShape) -> GpuPoolContract:
    """The pool's contract on AKS.

    MIG is AKS-native (`gpu_instance_profile`): the GPU operator's `nvidia.com/mig.config`
    label is dropped so its MIG manager does not repartition the GPUs. Time-slicing has no
    AKS mechanism, so the operator's device-plugin label stays. Spot pools add AKS's spot
    taint to the contract (AKS sets it on the nodes; it is not in `node_taints`).
    """
    contract = build_contract(
        pool,
        spec,
        "aks",
        gpu_model=shape.gpu_model,
        gpus_per_node=shape.gpu_count,
        gpu_memory_gib=shape.gpu_memory_gib,
    )
    labels = dict(contract.labels)
    labels.pop(MIG_CONFIG_LABEL, None)
    labels.update(spec.additional_labels)
    taints = contract.taints
    if spec.spot and SPOT_TAINT.key not in {t.key for t in taints}:
        taints = tuple(sorted((*taints, SPOT_TAINT), key=lambda t: t.key))
    return replace(contract, labels=dict(sorted(labels.items())), taints=taints)


def gpu_instance_profile(spec: GpuPoolSpec) -> str | None:
    """AKS MIG profile (MIG1g..MIG7g) of the pool's MIG slice size, or None without MIG."""
    mig = spec.sharing.mig if spec.sharing else None
    if mig is None:
        return None
    return f"MIG{mig.profile.removeprefix('all-').split('g.', 1)[0]}g"


def agent_pool_args(spec: GpuPoolSpec, pool: str, contract: GpuPoolContract) -> dict[str, Any]:
    """Plain `containerservice.AgentPool` arguments of a GPU pool (wiring excluded)."""
    aks = spec.aks or AksPoolSpec()
    node_taints = [
        f"{t.key}={t.value}:{t.effect}" if t.value else f"{t.key}:{t.effect}"
        for t in contract.taints
        if t != SPOT_TAINT
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
        "vnet_subnet_id": aks.vnet_subnet_id,
    }
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
            user["user"]["exec"] = {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": "kubelogin",
                "args": ["get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_ID],
                "interactiveMode": "Never",
            }
    return json.dumps(document, sort_keys=True)
