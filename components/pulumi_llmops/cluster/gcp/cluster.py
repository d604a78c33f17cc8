"""`GkeCluster`: a regional GKE Standard cluster with secure defaults, or one adopted by name.

Upstream: https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pulumi

from ...config.gke import GkeClusterSpec
from ..handle import connect
from ..storage import create_storage_classes, storage_classes
from ._sdk import gcp
from .mapping import (
    KMS_ENCRYPTER_DECRYPTER,
    NODE_SERVICE_ACCOUNT_ROLES,
    OAUTH_SCOPES,
    SYSTEM_POOL_LABELS,
    cloud_nat_args,
    cluster_id,
    gke_service_agent,
    kms_key_iam_id,
    kubeconfig,
    node_service_account_id,
)


@dataclass(frozen=True, kw_only=True)
class GkeClusterArgs:
    """Wiring: cluster name in GCP, region (the cluster's location), `cluster.gke`, labels.

    `deletion_protection` applies unless the spec sets its own.
    """

    cluster_name: str
    region: str
    spec: GkeClusterSpec
    deletion_protection: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)
    gateway_api: bool = False
    """Turn on GKE's Gateway API (channel CHANNEL_STANDARD): the managed gateway classes
    (gke-l7-rilb...) the inference gateway uses. Off: GKE's default (disabled)."""


class GkeCluster(pulumi.ComponentResource):
    """A regional GKE Standard cluster (created or adopted) and its node service account.

    Creates (new cluster): the cluster with private nodes, a private IP endpoint (public
    only from `public_endpoint_cidrs`, master authorized networks always on), the DNS-based
    control-plane endpoint open to IAM-authorized callers (`dns_endpoint`), Workload
    Identity (`<project>.svc.id.goog`), Dataplane V2 (or Calico network policy), the release
    channel, the autoscaling profile, shielded nodes, VPC-native networking, the default node
    pool removed, deletion protection in prod, optional application-layer secrets
    encryption with the GKE service agent granted the key first (`<name>-gke-kms`); a Cloud
    Router and Cloud NAT for the private nodes' egress (`cloud_nat: create`); a CPU system
    node pool (`<name>-system`).
    Creates (adopted, `existing: true`): nothing for the cluster; it is read by id.
    Always (unless `existing_node_service_account`): a node service account with the
    node-default and Artifact Registry reader roles; the StorageClass
    `standard-rwo-retain`; an explicit Kubernetes provider (`<name>-k8s`) whose kubeconfig
    (a secret) uses gke-gcloud-auth-plugin.
    Does not create: the VPC or subnetwork, GPU node pools (`GkeGpuNodePool`).
    """

    def __init__(
        self, name: str, args: GkeClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:gcp:GkeCluster", name, None, opts)
        spec = args.spec
        child = pulumi.ResourceOptions(parent=self)
        self.cluster_name = args.cluster_name
        self.project = spec.project
        self.location = args.region
        self.system_node_pool: gcp.container.NodePool | None = None
        self.service_account: gcp.serviceaccount.Account | None = None
        self.node_iam: list[gcp.projects.IAMMember] = []
        self.nat: gcp.compute.RouterNat | None = None
        self.kms_grant: gcp.kms.CryptoKeyIAMMember | None = None
        self.node_service_account: pulumi.Output[str]
        if spec.existing_node_service_account:
            self.node_service_account = pulumi.Output.from_input(spec.existing_node_service_account)
        else:
            self.service_account = gcp.serviceaccount.Account(
                f"{name}-nodes-sa",
                project=spec.project,
                account_id=node_service_account_id(args.cluster_name),
                display_name=f"GKE nodes of {args.cluster_name}",
                opts=child,
            )
            self.node_iam = [
                gcp.projects.IAMMember(
                    f"{name}-nodes-sa-{role.removeprefix('roles/').replace('.', '-')}",
                    project=spec.project,
                    role=role,
                    member=self.service_account.email.apply(lambda e: f"serviceAccount:{e}"),
                    opts=child,
                )
                for role in NODE_SERVICE_ACCOUNT_ROLES
            ]
            self.node_service_account = self.service_account.email
        if spec.existing:
            self.cluster = gcp.container.Cluster.get(
                f"{name}-gke",
                cluster_id(spec.project, args.region, args.cluster_name),
                opts=child,
            )
        else:
            self.cluster = self._create(name, args)
        self.cluster_id: pulumi.Output[str] = self.cluster.id
        self.kubeconfig = pulumi.Output.secret(self._kubeconfig(args))
        self.handle = connect(
            f"{name}-k8s",
            cluster_name=args.cluster_name,
            target="gke",
            region=args.region,
            kubeconfig=self.kubeconfig,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=[self.system_node_pool] if self.system_node_pool else [],
            ),
        )
        self.provider = self.handle.provider
        names, specs = storage_classes("gke")
        self.storage_classes = create_storage_classes(
            name, specs, provider=self.provider, parent=self
        )
        self.handle = replace(
            self.handle, storage=names, storage_ready=tuple(self.storage_classes.values())
        )
        self.register_outputs(
            {
                "cluster_name": args.cluster_name,
                "cluster_id": self.cluster_id,
                "node_service_account": self.node_service_account,
                "kubeconfig": self.kubeconfig,
            }
        )

    @property
    def node_prerequisites(self) -> list[pulumi.Resource]:
        """What node pools wait for: the node service account's roles (nodes registering
        before them fail to pull images or write logs) and the NAT (image pulls)."""
        return [*self.node_iam, *([self.nat] if self.nat else [])]

    def _kubeconfig(self, args: GkeClusterArgs) -> pulumi.Output[str]:
        """On the DNS endpoint when enabled (publicly trusted certificate, no CA), else on
        the private IP endpoint when private, else the public one."""
        if args.spec.dns_endpoint and not args.spec.existing:
            # Output-only: unset under test mocks that echo inputs (pulumi_llmops.testing).
            dns = self.cluster.control_plane_endpoints_config.apply(
                lambda c: c.dns_endpoint_config.endpoint if c and c.dns_endpoint_config else ""
            )
            return dns.apply(lambda host: kubeconfig(args.cluster_name, host, None))
        endpoint = pulumi.Output.all(
            self.cluster.endpoint,
            self.cluster.private_cluster_config.apply(
                lambda p: p.private_endpoint if p and p.enable_private_endpoint else None
            ),
        ).apply(lambda v: v[1] or v[0])
        # Output-only: unset under test mocks that echo inputs (pulumi_llmops.testing).
        ca = self.cluster.master_auth.apply(
            lambda auth: auth.cluster_ca_certificate if auth else ""
        )
        return pulumi.Output.all(endpoint, ca).apply(
            lambda v: kubeconfig(args.cluster_name, v[0], v[1])
        )

    def _create(self, name: str, args: GkeClusterArgs) -> gcp.container.Cluster:
        spec = args.spec
        child = pulumi.ResourceOptions(parent=self)
        public = bool(spec.public_endpoint_cidrs)
        deletion_protection = (
            spec.deletion_protection
            if spec.deletion_protection is not None
            else args.deletion_protection
        )
        before_cluster: list[pulumi.Resource] = []
        if spec.database_encryption_key and spec.grant_kms_key:
            number = gcp.organizations.get_project_output(project_id=spec.project).number
            self.kms_grant = gcp.kms.CryptoKeyIAMMember(
                f"{name}-gke-kms",
                crypto_key_id=kms_key_iam_id(spec.database_encryption_key),
                role=KMS_ENCRYPTER_DECRYPTER,
                member=number.apply(gke_service_agent),
                opts=child,
            )
            before_cluster.append(self.kms_grant)
        if spec.cloud_nat == "create":
            router = gcp.compute.Router(
                f"{name}-router",
                name=f"{args.cluster_name}-router",
                project=spec.project,
                region=args.region,
                network=spec.network,
                opts=child,
            )
            self.nat = gcp.compute.RouterNat(
                f"{name}-nat",
                name=f"{args.cluster_name}-nat",
                router=router.name,
                **cloud_nat_args(spec.project, args.region, spec.subnetwork),
                opts=child,
            )
        v2 = spec.dataplane == "v2"
        cluster = gcp.container.Cluster(
            f"{name}-gke",
            name=args.cluster_name,
            project=spec.project,
            location=args.region,
            network=spec.network,
            subnetwork=spec.subnetwork,
            networking_mode="VPC_NATIVE",
            ip_allocation_policy=gcp.container.ClusterIpAllocationPolicyArgs(),
            remove_default_node_pool=True,
            initial_node_count=1,
            # The default pool exists briefly before removal: keep it off the default SA.
            node_config=gcp.container.ClusterNodeConfigArgs(
                service_account=self.node_service_account,
                oauth_scopes=list(OAUTH_SCOPES),
            ),
            deletion_protection=deletion_protection,
            release_channel=gcp.container.ClusterReleaseChannelArgs(channel=spec.release_channel),
            workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
                workload_pool=f"{spec.project}.svc.id.goog"
            ),
            private_cluster_config=gcp.container.ClusterPrivateClusterConfigArgs(
                enable_private_nodes=True,
                enable_private_endpoint=not public,
                master_ipv4_cidr_block=spec.master_ipv4_cidr_block,
            ),
            # Always on (empty when private): older GKE API versions reject a private
            # endpoint without it.
            master_authorized_networks_config=gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=[
                    gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                        cidr_block=cidr, display_name=f"allowed-{index}"
                    )
                    for index, cidr in enumerate(spec.public_endpoint_cidrs)
                ],
                gcp_public_cidrs_access_enabled=False,
            ),
            control_plane_endpoints_config=gcp.container.ClusterControlPlaneEndpointsConfigArgs(
                dns_endpoint_config=gcp.container.ClusterControlPlaneEndpointsConfigDnsEndpointConfigArgs(
                    allow_external_traffic=spec.dns_endpoint
                )
            ),
            datapath_provider="ADVANCED_DATAPATH" if v2 else None,
            network_policy=(
                None
                if v2
                else gcp.container.ClusterNetworkPolicyArgs(enabled=True, provider="CALICO")
            ),
            addons_config=(
                None
                if v2
                else gcp.container.ClusterAddonsConfigArgs(
                    network_policy_config=gcp.container.ClusterAddonsConfigNetworkPolicyConfigArgs(
                        disabled=False
                    )
                )
            ),
            cluster_autoscaling=gcp.container.ClusterClusterAutoscalingArgs(
                enabled=False, autoscaling_profile=spec.autoscaling_profile
            ),
            database_encryption=(
                gcp.container.ClusterDatabaseEncryptionArgs(
                    state="ENCRYPTED", key_name=spec.database_encryption_key
                )
                if spec.database_encryption_key
                else None
            ),
            gateway_api_config=(
                gcp.container.ClusterGatewayApiConfigArgs(channel="CHANNEL_STANDARD")
                if args.gateway_api
                else None
            ),
            enable_shielded_nodes=True,
            enable_legacy_abac=False,
            resource_labels=args.labels,
            # nodeConfig only describes the removed default pool: a later diff on it must
            # never replace the cluster.
            opts=pulumi.ResourceOptions(
                parent=self, ignore_changes=["nodeConfig"], depends_on=before_cluster
            ),
        )
        self.system_node_pool = gcp.container.NodePool(
            f"{name}-system",
            cluster=cluster.id,
            project=spec.project,
            location=args.region,
            node_count=spec.system_nodes_per_zone,
            management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True),
            node_config=gcp.container.NodePoolNodeConfigArgs(
                machine_type=spec.system_machine_type,
                service_account=self.node_service_account,
                oauth_scopes=list(OAUTH_SCOPES),
                labels=SYSTEM_POOL_LABELS,
                workload_metadata_config=(
                    gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(mode="GKE_METADATA")
                ),
                shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                resource_labels=args.labels,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.node_prerequisites),
        )
        return cluster
