"""`GkeCluster`: a regional GKE Standard cluster with secure defaults, or one adopted by name.

Upstream: https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from ...config.gke import GkeClusterSpec
from ..handle import connect
from ._sdk import gcp
from .mapping import (
    NODE_SERVICE_ACCOUNT_ROLES,
    OAUTH_SCOPES,
    SYSTEM_POOL_LABELS,
    cluster_id,
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


class GkeCluster(pulumi.ComponentResource):
    """A regional GKE Standard cluster (created or adopted) and its node service account.

    Creates (new cluster): the cluster with private nodes, a private control-plane endpoint
    (public only from `public_endpoint_cidrs`), Workload Identity (`<project>.svc.id.goog`),
    the release channel, shielded nodes, VPC-native networking, the default node pool
    removed, deletion protection in prod, optional application-layer secrets encryption;
    a CPU system node pool (`<name>-system`).
    Creates (adopted, `existing: true`): nothing for the cluster; it is read by id.
    Always (unless `existing_node_service_account`): a node service account with the
    node-default and Artifact Registry reader roles; an explicit Kubernetes provider
    (`<name>-k8s`) whose kubeconfig (a secret) uses gke-gcloud-auth-plugin.
    Does not create: the VPC or subnetwork, Cloud NAT (private nodes need it to pull
    public images), GPU node pools (`GkeGpuNodePool`).
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
            for role in NODE_SERVICE_ACCOUNT_ROLES:
                gcp.projects.IAMMember(
                    f"{name}-nodes-sa-{role.removeprefix('roles/').replace('.', '-')}",
                    project=spec.project,
                    role=role,
                    member=self.service_account.email.apply(lambda e: f"serviceAccount:{e}"),
                    opts=child,
                )
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
        self.kubeconfig = pulumi.Output.secret(
            pulumi.Output.all(endpoint, ca).apply(
                lambda v: kubeconfig(args.cluster_name, v[0], v[1])
            )
        )
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
        self.register_outputs(
            {
                "cluster_name": args.cluster_name,
                "cluster_id": self.cluster_id,
                "node_service_account": self.node_service_account,
                "kubeconfig": self.kubeconfig,
            }
        )

    def _create(self, name: str, args: GkeClusterArgs) -> gcp.container.Cluster:
        spec = args.spec
        public = bool(spec.public_endpoint_cidrs)
        deletion_protection = (
            spec.deletion_protection
            if spec.deletion_protection is not None
            else args.deletion_protection
        )
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
            master_authorized_networks_config=(
                gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
                    cidr_blocks=[
                        gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                            cidr_block=cidr, display_name=f"allowed-{index}"
                        )
                        for index, cidr in enumerate(spec.public_endpoint_cidrs)
                    ]
                )
                if public
                else None
            ),
            database_encryption=(
                gcp.container.ClusterDatabaseEncryptionArgs(
                    state="ENCRYPTED", key_name=spec.database_encryption_key
                )
                if spec.database_encryption_key
                else None
            ),
            enable_shielded_nodes=True,
            enable_legacy_abac=False,
            resource_labels=args.labels,
            # nodeConfig only describes the removed default pool: a later diff on it must
            # never replace the cluster.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["nodeConfig"]),
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
            opts=pulumi.ResourceOptions(parent=self),
        )
        return cluster
