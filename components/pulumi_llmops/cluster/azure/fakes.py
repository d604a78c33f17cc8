"""Offline-plan outputs and invoke results for what this package reads back (fake values).

The offline engine loads them on the first `azure-native:` resource or invoke it sees.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

import yaml

USER_CREDENTIALS = "azure-native:containerservice:listManagedClusterUserCredentials"


def _managed_cluster(name: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    cluster = inputs.get("resourceName", name)
    identity = dict(inputs.get("identity") or {})
    if isinstance(identity.get("userAssignedIdentities"), list):
        # Input: a list of identity ids; output: a map id -> {principalId, clientId}.
        identity["userAssignedIdentities"] = {
            identity_id: {
                "principalId": "00000000-0000-4000-8000-000000000001",
                "clientId": "00000000-0000-4000-8000-000000000002",
            }
            for identity_id in identity["userAssignedIdentities"]
        }
    return {
        "name": cluster,
        "identity": identity,
        "fqdn": f"{cluster}.offline.azmk8s.invalid",
        "oidcIssuerProfile": {
            **dict(inputs.get("oidcIssuerProfile") or {}),
            "issuerURL": f"https://offline.oic.prod-aks.azure.invalid/{cluster}/",
        },
    }


def _user_credentials(args: Mapping[str, Any]) -> dict[str, Any]:
    cluster = args.get("resourceName") or "offline"
    kubeconfig = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": cluster,
                "cluster": {
                    "server": f"https://{cluster}.offline.azmk8s.invalid:443",
                    "certificate-authority-data": base64.b64encode(
                        b"offline-plan-fake-ca"
                    ).decode(),
                },
            }
        ],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": "clusterUser"}}],
        "current-context": cluster,
        "users": [
            {
                "name": "clusterUser",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "kubelogin",
                        "args": ["get-token", "--login", "devicecode"],
                    }
                },
            }
        ],
    }
    value = base64.b64encode(yaml.safe_dump(kubeconfig).encode()).decode()
    return {"kubeconfigs": [{"name": "clusterUser", "value": value}]}


FAKE_OUTPUTS: dict[str, Callable[[str, Mapping[str, Any]], dict[str, Any]]] = {
    "azure-native:managedidentity:UserAssignedIdentity": lambda name, _: {
        "principalId": "00000000-0000-4000-8000-000000000001",
        "clientId": "00000000-0000-4000-8000-000000000002",
    },
    "azure-native:resources:ResourceGroup": lambda name, inputs: {
        "name": inputs.get("resourceGroupName", name)
    },
    "azure-native:containerservice:ManagedCluster": _managed_cluster,
}
FAKE_CALLS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    USER_CREDENTIALS: _user_credentials,
}
