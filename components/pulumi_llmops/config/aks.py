"""`aks:` blocks of the cluster and GPU pool specs: options that only exist on Azure AKS.

Upstream: https://learn.microsoft.com/azure/aks/gpu-cluster
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .base import Spec
from .eks import Cidr, KubernetesVersion
from .errors import Problem, raise_if_any
from .kubernetes_support import version_problems

# The length is a separate constraint: `{1,90}` on a Unicode class makes the regex engine
# build a large automaton, about 25 ms of every start-up (measured for issue 17).
ResourceGroupName = Annotated[str, StringConstraints(pattern=r"^[-\w._()]+$", max_length=90)]
SubnetResourceId = Annotated[
    str,
    StringConstraints(
        pattern=r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
        r"virtualNetworks/[^/]+/subnets/[^/]+$"
    ),
]
Uuid = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"),
]


def vnet_of(subnet_id: str) -> str:
    """The ARM id of the virtual network a subnet id belongs to (case-insensitive in ARM)."""
    return subnet_id.split("/subnets/", 1)[0]


def agent_pool_name(pool: str) -> str:
    """AKS agent pool name of a pool key: lowercase letters and digits, at most 12 (Linux)."""
    return "".join(c for c in pool.lower() if c.isalnum())[:12]


_CREATE_ONLY = (
    "kubernetes_version",
    "authorized_ip_ranges",
    "admin_group_object_ids",
    "sku_tier",
    "key_vault_key_id",
    "key_vault_resource_id",
    "system_vm_size",
    "system_nodes",
    "vnet_subnet_id",
    "api_server_subnet_id",
    "upgrade_channel",
)


class AksClusterSpec(Spec):
    """AKS cluster options (`cluster.aks`). Create a cluster (default) or adopt one by name."""

    existing: bool = Field(
        False,
        description=(
            "Adopt the existing AKS cluster named `cluster.name` in "
            "`existing_resource_group`. Only the GPU agent pools are created."
        ),
    )
    existing_resource_group: ResourceGroupName | None = Field(
        None,
        description=(
            "Resource group to use. Default: a new group `<cluster.name>-rg` in the region. "
            "Required with existing: true."
        ),
    )
    kubernetes_version: KubernetesVersion | None = Field(
        None, description="Kubernetes minor version, e.g. 1.33. Default: AKS's default."
    )
    authorized_ip_ranges: list[Cidr] = Field(
        default_factory=list,
        description=(
            "Keep a public API server, reachable only from these CIDRs. Empty: "
            "the API server is private (private cluster)."
        ),
    )
    admin_group_object_ids: list[Uuid] = Field(
        default_factory=list,
        description="Entra ID groups made cluster admins (Azure RBAC).",
    )
    sku_tier: Literal["Free", "Standard", "Premium"] | None = Field(
        None,
        description="Control-plane tier. Default: the Standard tier (uptime SLA) when the "
        "cluster is deletion-protected (environment prod), else Free.",
    )
    key_vault_key_id: str | None = Field(
        None,
        pattern=r"^https://[a-z0-9-]+\.vault\.[a-z0-9.]+/keys/[A-Za-z0-9-]+/[0-9a-f]{32}$",
        description=(
            "Versioned Key Vault key for KMS etcd encryption of secrets (public-network key "
            "vault with the Azure RBAC permission model). Needs key_vault_resource_id. "
            "Unset: AKS platform-managed keys."
        ),
    )
    key_vault_resource_id: str | None = Field(
        None,
        pattern=r"^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/"
        r"Microsoft\.KeyVault/vaults/[A-Za-z0-9-]+$",
        description="ARM id of the key vault holding key_vault_key_id (the cluster identity "
        "gets Key Vault Crypto User on it).",
    )
    system_vm_size: str = Field(
        "Standard_D4ds_v5",
        min_length=1,
        description="VM size of the system pool.",
    )
    system_nodes: int = Field(2, ge=1, le=20, description="System pool nodes.")
    vnet_subnet_id: SubnetResourceId | None = Field(
        None,
        description=(
            "Subnet of your own virtual network for the system pool and, unless a pool sets "
            "its own (in the same VNet), the GPU pools. The cluster then runs as a "
            "user-assigned identity that gets Network Contributor on the VNet before the "
            "cluster is created. Unset: AKS creates a managed VNet during the deployment, so "
            "the API server must be public (authorized_ip_ranges)."
        ),
    )
    api_server_subnet_id: SubnetResourceId | None = Field(
        None,
        description=(
            "API Server VNet Integration: the API server gets an address in this subnet "
            "(empty, delegated to Microsoft.ContainerService/managedClusters, in the VNet of "
            "vnet_subnet_id), so nodes reach it without a tunnel and the private/public "
            "switch (authorized_ip_ranges) can be changed on a live cluster."
        ),
    )
    upgrade_channel: Literal["none", "patch", "stable", "rapid", "node-image"] | None = Field(
        None,
        description=(
            "AKS automatic upgrades. Unset: patch (latest patch of the pinned minor) when "
            "kubernetes_version is pinned, else stable. stable and rapid move the minor "
            "version and so cannot be combined with a pinned kubernetes_version."
        ),
    )

    @property
    def resolved_upgrade_channel(self) -> str:
        """`upgrade_channel`, or its default: patch with a pinned version, else stable."""
        if self.upgrade_channel is not None:
            return self.upgrade_channel
        return "patch" if self.kubernetes_version else "stable"

    @model_validator(mode="after")
    def _create_or_adopt(self) -> AksClusterSpec:
        problems = []
        if self.existing:
            problems += [
                Problem(field, "only when creating the cluster (existing: true)")
                for field in _CREATE_ONLY
                if field in self.model_fields_set
            ]
            if self.existing_resource_group is None:
                problems.append(Problem("existing_resource_group", "required with existing: true"))
        else:
            problems += self._create_problems()
        raise_if_any(problems)
        return self

    def _create_problems(self) -> list[Problem]:
        problems = version_problems("azure", "kubernetes_version", self.kubernetes_version)
        if (self.key_vault_key_id is None) != (self.key_vault_resource_id is None):
            problems.append(
                Problem(
                    "key_vault_resource_id",
                    "set key_vault_key_id and key_vault_resource_id together "
                    "(KMS needs the key and its vault)",
                )
            )
        if self.api_server_subnet_id is not None:
            if self.vnet_subnet_id is None:
                problems.append(
                    Problem(
                        "api_server_subnet_id",
                        "needs vnet_subnet_id (API Server VNet Integration puts the API "
                        "server into your VNet, next to the nodes)",
                    )
                )
            elif vnet_of(self.api_server_subnet_id).lower() != vnet_of(self.vnet_subnet_id).lower():
                problems.append(
                    Problem(
                        "api_server_subnet_id",
                        f"must be a subnet of the nodes' VNet {vnet_of(self.vnet_subnet_id)!r}",
                        self.api_server_subnet_id,
                    )
                )
            elif self.api_server_subnet_id.lower() == self.vnet_subnet_id.lower():
                problems.append(
                    Problem(
                        "api_server_subnet_id",
                        "must be its own (empty, delegated) subnet, not vnet_subnet_id",
                        self.api_server_subnet_id,
                    )
                )
        if self.kubernetes_version and self.upgrade_channel in ("stable", "rapid"):
            problems.append(
                Problem(
                    "upgrade_channel",
                    f"{self.upgrade_channel!r} moves the cluster to newer minor versions, so "
                    f"with kubernetes_version {self.kubernetes_version!r} pinned the next "
                    "update would ask AKS for a downgrade; use 'patch' (or 'node-image', "
                    "'none') or drop kubernetes_version",
                    self.upgrade_channel,
                )
            )
        return problems


class AksPoolSpec(Spec):
    """AKS-only GPU pool options (`node_pools.<name>.aks`)."""

    gpu_driver: Literal["Install", "None"] = Field(
        "Install",
        description=(
            "AKS installs the NVIDIA driver (Install) or leaves it to the GPU operator (None)."
        ),
    )
    os_sku: Literal["Ubuntu", "AzureLinux"] = Field("Ubuntu", description="Node OS.")
    spot_max_price: float = Field(
        -1,
        description="Spot only: highest USD per hour per VM; -1 pays up to the on-demand price.",
    )
    spot_eviction_policy: Literal["Delete", "Deallocate"] = Field(
        "Delete",
        description="Spot only: what happens to evicted VMs (Delete keeps no disk, so no "
        "disk cost).",
    )
    availability_zones: list[Literal["1", "2", "3"]] = Field(
        default_factory=list, description="Zones of this pool. Default: no zone pinning."
    )
    vnet_subnet_id: SubnetResourceId | None = Field(
        None,
        description=(
            "Subnet for this pool's nodes, in the VNet of cluster.aks.vnet_subnet_id (AKS "
            "puts all pools of a cluster in one VNet). Default: the cluster's subnet."
        ),
    )

    @model_validator(mode="after")
    def _price(self) -> AksPoolSpec:
        if self.spot_max_price != -1 and self.spot_max_price <= 0:
            raise_if_any(
                [Problem("spot_max_price", "must be -1 or a positive price", self.spot_max_price)]
            )
        return self
