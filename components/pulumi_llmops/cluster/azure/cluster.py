"""`AksCluster`: an AKS cluster with secure defaults, or an existing one adopted by name.

Upstream: https://learn.microsoft.com/azure/aks/concepts-security
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pulumi

from ...config.aks import AksClusterSpec, vnet_of
from ..handle import connect
from ..storage import create_storage_classes, storage_classes
from ._sdk import authorization, containerservice, managedidentity, resources
from .mapping import (
    AUTOSCALER_PROFILE,
    KEY_VAULT_CRYPTO_USER,
    NETWORK_CONTRIBUTOR,
    SYSTEM_POOL_LABELS,
    azurecli_kubeconfig,
    role_definition_id,
)


@dataclass(frozen=True, kw_only=True)
class AksClusterArgs:
    """Wiring: the cluster name in Azure, region (location), `cluster.aks`, tags.

    `deletion_protection`: AKS has no deletion-protection flag, so the cluster is protected
    in Pulumi instead (and so is the resource group it creates: deleting the group deletes
    the cluster); protected clusters also default to the Standard tier (uptime SLA).
    """

    cluster_name: str
    region: str
    spec: AksClusterSpec
    deletion_protection: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)


class AksCluster(pulumi.ComponentResource):
    """An AKS cluster (created or adopted) and, unless brought in, its resource group.

    Creates (new cluster): the resource group `<cluster>-rg` (unless
    `existing_resource_group`); the managed cluster with a private API server (or a public
    one limited to `authorized_ip_ranges`; API Server VNet Integration with
    `api_server_subnet_id`), the OIDC issuer and Workload Identity on, local accounts
    disabled with Entra ID (AAD) integration and Azure RBAC (so every user is an Entra
    identity), Azure CNI overlay with Cilium network policy (and dataplane), automatic
    upgrades (`upgrade_channel`: patch when the version is pinned, else stable; node image),
    the cluster autoscaler profile for GPU pools, and a system agent pool (in
    `vnet_subnet_id` when given). Its identity is system-assigned, or a user-assigned one
    (`<name>-identity`) when it needs permissions before it exists: Key Vault Crypto User on
    the KMS key's vault (`<name>-kms-crypto-user`) and Network Contributor on the VNet of a
    bring-your-own subnet (`<name>-network-contributor`); the cluster waits for them.
    Creates (adopted, `existing: true`): nothing; the cluster is reached by resource group
    and name.
    Always: the StorageClass `managed-csi-retain`; an explicit Kubernetes provider
    (`<name>-k8s`) whose kubeconfig (a secret) is the cluster's user credential, switched to
    `kubelogin --login azurecli`.
    Does not create: virtual networks or subnets, Entra groups, GPU agent pools
    (`AksGpuNodePool`).
    """

    def __init__(
        self, name: str, args: AksClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:azure:AksCluster", name, None, opts)
        spec = args.spec
        self.spec = spec
        child = pulumi.ResourceOptions(parent=self)
        self.role_assignments: dict[str, authorization.RoleAssignment] = {}
        self.resource_group: resources.ResourceGroup | None = None
        self.managed_cluster: containerservice.ManagedCluster | None = None
        self.identity: managedidentity.UserAssignedIdentity | None = None
        self.resource_group_name: pulumi.Output[str]
        if spec.existing_resource_group:
            self.resource_group_name = pulumi.Output.from_input(spec.existing_resource_group)
        else:
            self.resource_group = resources.ResourceGroup(
                f"{name}-rg",
                resource_group_name=f"{args.cluster_name}-rg",
                location=args.region,
                tags=args.tags,
                # Deleting the group deletes everything in it (the cluster, its identity and
                # key vault): a protected cluster's group is protected too.
                opts=pulumi.ResourceOptions(parent=self, protect=args.deletion_protection),
            )
            self.resource_group_name = self.resource_group.name
        self.managed_cluster_name: pulumi.Output[str]
        self.oidc_issuer_url: pulumi.Output[str | None]
        if spec.existing:
            self.managed_cluster_name = pulumi.Output.from_input(args.cluster_name)
            self.oidc_issuer_url = pulumi.Output.from_input(None)
        else:
            self.managed_cluster = self._create(name, args)
            self.managed_cluster_name = self.managed_cluster.name
            self.oidc_issuer_url = self.managed_cluster.oidc_issuer_profile.apply(
                lambda p: p.issuer_url if p else None
            )
        credentials = containerservice.list_managed_cluster_user_credentials_output(
            resource_group_name=self.resource_group_name,
            resource_name=self.managed_cluster_name,
            format="exec",
        )
        self.kubeconfig = pulumi.Output.secret(
            # Empty under test mocks without this invoke's result (pulumi_llmops.testing).
            credentials.kubeconfigs.apply(lambda k: azurecli_kubeconfig(k[0].value) if k else "")
        )
        self.handle = connect(
            f"{name}-k8s",
            cluster_name=args.cluster_name,
            target="aks",
            region=args.region,
            kubeconfig=self.kubeconfig,
            opts=child,
        )
        self.provider = self.handle.provider
        names, specs = storage_classes("aks")
        self.storage_classes = create_storage_classes(
            name, specs, provider=self.provider, parent=self
        )
        self.handle = replace(
            self.handle, storage=names, storage_ready=tuple(self.storage_classes.values())
        )
        self.register_outputs(
            {
                "cluster_name": args.cluster_name,
                "resource_group_name": self.resource_group_name,
                "oidc_issuer_url": self.oidc_issuer_url,
                "kubeconfig": self.kubeconfig,
            }
        )

    def _create(self, name: str, args: AksClusterArgs) -> containerservice.ManagedCluster:
        spec = args.spec
        public = bool(spec.authorized_ip_ranges)
        tier = spec.sku_tier or ("Standard" if args.deletion_protection else "Free")
        identity, kms, depends_on = self._identity(name, args)
        return containerservice.ManagedCluster(
            f"{name}-aks",
            resource_group_name=self.resource_group_name,
            resource_name_=args.cluster_name,
            location=args.region,
            dns_prefix=args.cluster_name,
            kubernetes_version=spec.kubernetes_version,
            sku=containerservice.ManagedClusterSKUArgs(name="Base", tier=tier),
            identity=identity,
            agent_pool_profiles=[
                containerservice.ManagedClusterAgentPoolProfileArgs(
                    name="system",
                    mode="System",
                    os_type="Linux",
                    os_sku="AzureLinux",
                    vm_size=spec.system_vm_size,
                    count=spec.system_nodes,
                    enable_auto_scaling=False,
                    node_labels=SYSTEM_POOL_LABELS,
                    vnet_subnet_id=spec.vnet_subnet_id,
                )
            ],
            api_server_access_profile=containerservice.ManagedClusterAPIServerAccessProfileArgs(
                enable_private_cluster=not public,
                authorized_ip_ranges=list(spec.authorized_ip_ranges) if public else None,
                enable_vnet_integration=True if spec.api_server_subnet_id else None,
                subnet_id=spec.api_server_subnet_id,
            ),
            auto_scaler_profile=containerservice.ManagedClusterPropertiesAutoScalerProfileArgs(
                **AUTOSCALER_PROFILE  # type: ignore[arg-type]
            ),
            oidc_issuer_profile=containerservice.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
            security_profile=containerservice.ManagedClusterSecurityProfileArgs(
                workload_identity=containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs(
                    enabled=True
                ),
                azure_key_vault_kms=kms,
            ),
            disable_local_accounts=True,
            enable_rbac=True,
            aad_profile=containerservice.ManagedClusterAADProfileArgs(
                managed=True,
                enable_azure_rbac=True,
                admin_group_object_ids=list(spec.admin_group_object_ids) or None,
            ),
            network_profile=containerservice.ContainerServiceNetworkProfileArgs(
                network_plugin="azure",
                network_plugin_mode="overlay",
                network_dataplane="cilium",
                network_policy="cilium",
            ),
            auto_upgrade_profile=containerservice.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel=spec.resolved_upgrade_channel, node_os_upgrade_channel="NodeImage"
            ),
            tags=args.tags,
            opts=pulumi.ResourceOptions(
                parent=self,
                # GPU pools are separate AgentPool resources that show up in this list on
                # refresh; the system pool is set once here.
                ignore_changes=["agentPoolProfiles"],
                # AKS has no deletion protection flag: protect the prod cluster in Pulumi.
                protect=args.deletion_protection,
                depends_on=depends_on,
            ),
        )

    def _identity(
        self, name: str, args: AksClusterArgs
    ) -> tuple[
        containerservice.ManagedClusterIdentityArgs,
        containerservice.AzureKeyVaultKmsArgs | None,
        list[pulumi.Resource],
    ]:
        """Cluster identity, KMS settings and what the cluster must wait for.

        A system-assigned identity exists only with the cluster, so it cannot be granted
        anything beforehand: with a KMS key (the cluster reads it while being created) or a
        bring-your-own subnet (the cluster joins its nodes and API server to it), a
        user-assigned identity is created and granted first. Azure RBAC assignments take
        effect eventually (minutes): a creation that fails on a missing permission right
        after them succeeds when `pulumi up` is run again.
        """
        spec = args.spec
        kms_wanted = spec.key_vault_key_id is not None and spec.key_vault_resource_id is not None
        if not kms_wanted and spec.vnet_subnet_id is None:
            return containerservice.ManagedClusterIdentityArgs(type="SystemAssigned"), None, []
        child = pulumi.ResourceOptions(parent=self)
        self.identity = managedidentity.UserAssignedIdentity(
            f"{name}-identity",
            resource_group_name=self.resource_group_name,
            resource_name_=f"{args.cluster_name}-identity",
            location=args.region,
            tags=args.tags,
            opts=child,
        )
        grants: dict[str, tuple[str, str]] = {}
        if kms_wanted:
            assert spec.key_vault_resource_id is not None
            grants["kms-crypto-user"] = (spec.key_vault_resource_id, KEY_VAULT_CRYPTO_USER)
        if spec.vnet_subnet_id is not None:
            grants["network-contributor"] = (vnet_of(spec.vnet_subnet_id), NETWORK_CONTRIBUTOR)
        for key, (scope, role) in grants.items():
            self.role_assignments[key] = authorization.RoleAssignment(
                f"{name}-{key}",
                principal_id=self.identity.principal_id,
                principal_type="ServicePrincipal",
                role_definition_id=role_definition_id(scope, role),
                scope=scope,
                opts=child,
            )
        identity = containerservice.ManagedClusterIdentityArgs(
            type="UserAssigned", user_assigned_identities=[self.identity.id]
        )
        kms = (
            containerservice.AzureKeyVaultKmsArgs(
                enabled=True, key_id=spec.key_vault_key_id, key_vault_network_access="Public"
            )
            if kms_wanted
            else None
        )
        return identity, kms, list(self.role_assignments.values())
