"""EKS L1 components on the mock engine: exact children, provider arguments and branches."""

from __future__ import annotations

import json

from helpers import cluster_programs, run, run_platform
from helpers.cloud_configs import SUBNETS, platform
from pulumi_llmops.cluster.aws import (
    EksCluster,
    EksClusterArgs,
    EksGpuNodePool,
    EksGpuNodePoolArgs,
)
from pulumi_llmops.config.eks import EksClusterSpec
from pulumi_llmops.offline.recording import SECRET

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ADMIN = "arn:aws:iam::123456789012:role/platform-admins"


def cluster_program(spec: dict, environment: str = "dev", captured: list | None = None):
    args = EksClusterArgs(
        cluster_name="ml-prod",
        region="us-east-1",
        spec=EksClusterSpec.model_validate(spec),
        deletion_protection=environment == "prod",
        tags={"team": "ml"},
    )
    return cluster_programs.cluster(EksCluster, args, captured)


def test_new_cluster_has_the_secure_defaults() -> None:
    recording, cluster = run(cluster_program({"subnet_ids": SUBNETS}))
    eks = recording.named("ml-eks")
    assert eks.type == "aws:eks/cluster:Cluster"
    assert eks.parent == recording.named("ml").urn
    assert eks.inputs == {
        "name": "ml-prod",
        "roleArn": "arn:aws:iam::000000000000:role/ml-cluster-role",
        "accessConfig": {
            "authenticationMode": "API",
            "bootstrapClusterCreatorAdminPermissions": True,
        },
        "vpcConfig": {
            "subnetIds": SUBNETS,
            "endpointPrivateAccess": True,
            "endpointPublicAccess": False,
        },
        "encryptionConfig": {
            "provider": {"keyArn": "arn:aws:kms:offline:000000000000:key/ml-secrets-key"},
            "resources": ["secrets"],
        },
        "enabledClusterLogTypes": ["api", "audit", "authenticator"],
        "bootstrapSelfManagedAddons": False,
        "deletionProtection": False,
        "tags": {"team": "ml"},
    }
    key = recording.named("ml-secrets-key")
    assert (key.inputs["enableKeyRotation"], key.inputs["deletionWindowInDays"]) == (True, 30.0)
    assert recording.named("ml-secrets-key-alias").inputs == {
        "name": "alias/ml-prod-eks-secrets",
        "targetKeyId": "ml-secrets-key",
    }
    assert recording.named("ml-oidc").inputs == {
        "url": "https://oidc.eks.offline.invalid/id/ml-prod",
        "clientIdLists": ["sts.amazonaws.com"],
        "tags": {"team": "ml"},
    }
    assert cluster.handle.target == "eks" and cluster.handle.name == "ml-prod"


def test_roles_trust_the_right_services_and_carry_managed_policies() -> None:
    recording, _ = run(cluster_program({"subnet_ids": SUBNETS}))
    node_role = recording.named("ml-node-role")
    assert json.loads(node_role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"
    }
    attachments = {
        r.name: r.inputs["policyArn"]
        for r in recording.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    # The node role carries no CNI permissions: aws-node has its own IRSA role.
    assert attachments == {
        "ml-cluster-role-AmazonEKSClusterPolicy": "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        "ml-node-role-AmazonEKSWorkerNodePolicy": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "ml-node-role-AmazonEC2ContainerRegistryPullOnly": (
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"
        ),
        "ml-vpc-cni-role-AmazonEKS_CNI_Policy": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "ml-ebs-csi-AmazonEBSCSIDriverPolicy": (
            "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
        ),
    }


def test_managed_addons_and_their_order() -> None:
    recording, cluster = run(
        cluster_program(
            {"subnet_ids": SUBNETS, "addon_versions": {"vpc-cni": "v1.20.0-eksbuild.1"}}
        )
    )
    addons = {r.inputs["addonName"]: r for r in recording.of_type("aws:eks/addon:Addon")}
    assert sorted(addons) == [
        "aws-ebs-csi-driver",
        "coredns",
        "eks-pod-identity-agent",
        "kube-proxy",
        "vpc-cni",
    ]
    assert addons["vpc-cni"].inputs["addonVersion"] == "v1.20.0-eksbuild.1"
    assert "addonVersion" not in addons["coredns"].inputs
    assert addons["coredns"].inputs["resolveConflictsOnCreate"] == "OVERWRITE"
    system = recording.named("ml-system")
    # Nodes need the CNI first; CoreDNS needs a node.
    assert {addons[a].urn for a in ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")} <= set(
        system.dependencies
    )
    assert system.urn in addons["coredns"].dependencies
    assert system.inputs["amiType"] == "AL2023_x86_64_STANDARD"
    assert system.inputs["scalingConfig"] == {"desiredSize": 2.0, "maxSize": 2.0, "minSize": 2.0}
    assert cluster.node_prerequisites == [
        *cluster.role_attachments["node-role"],
        cluster.addons["vpc-cni"],
        cluster.addons["kube-proxy"],
        cluster.addons["eks-pod-identity-agent"],
    ]
    # The cluster role's policy is attached before the cluster is created.
    policy = recording.named("ml-cluster-role-AmazonEKSClusterPolicy")
    assert policy.urn in recording.named("ml-eks").dependencies


def test_public_endpoint_only_for_allowed_cidrs_and_admin_access_entries() -> None:
    spec = {
        "subnet_ids": SUBNETS,
        "public_access_cidrs": ["203.0.113.0/24"],
        "admin_principal_arns": [ADMIN],
        "bootstrap_creator_admin": False,
        "existing_kms_key_arn": KEY_ARN,
    }
    recording, _ = run(cluster_program(spec, environment="prod"))
    eks = recording.named("ml-eks").inputs
    assert eks["vpcConfig"] == {
        "subnetIds": SUBNETS,
        "endpointPrivateAccess": True,
        "endpointPublicAccess": True,
        "publicAccessCidrs": ["203.0.113.0/24"],
    }
    assert eks["encryptionConfig"]["provider"] == {"keyArn": KEY_ARN}
    assert eks["deletionProtection"] is True
    assert eks["accessConfig"]["bootstrapClusterCreatorAdminPermissions"] is False
    assert recording.of_type("aws:kms/key:Key") == []
    assert recording.named("ml-admin-platform-admins").inputs == {
        "clusterName": "ml-prod",
        "principalArn": ADMIN,
        "type": "STANDARD",
        "tags": {"team": "ml"},
    }
    assert recording.named("ml-admin-platform-admins-policy").inputs == {
        "clusterName": "ml-prod",
        "principalArn": ADMIN,
        "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        "accessScope": {"type": "cluster"},
    }


def test_create_network_builds_private_subnets_with_nat_egress() -> None:
    spec = {"create_network": True, "public_access_cidrs": ["203.0.113.0/24"]}
    recording, _ = run(cluster_program(spec))
    network = recording.named("ml-network")
    assert network.type == "llmops:aws:EksNetwork"
    subnets = {r.name: r.inputs for r in recording.of_type("aws:ec2/subnet:Subnet")}
    assert sorted(subnets) == [
        "ml-network-private-a",
        "ml-network-private-b",
        "ml-network-public-a",
        "ml-network-public-b",
    ]
    assert subnets["ml-network-private-a"]["cidrBlock"] == "10.40.0.0/19"
    assert subnets["ml-network-private-a"]["tags"]["kubernetes.io/role/internal-elb"] == "1"
    assert subnets["ml-network-public-b"]["mapPublicIpOnLaunch"] is False
    assert recording.named("ml-eks").inputs["vpcConfig"]["subnetIds"] == [
        "ml-network-private-a-id",
        "ml-network-private-b-id",
    ]
    private_routes = recording.named("ml-network-private-routes").inputs["routes"]
    assert private_routes == [{"cidrBlock": "0.0.0.0/0", "natGatewayId": "ml-network-nat-id"}]


def test_adopting_reads_the_cluster_and_creates_only_the_node_role() -> None:
    captured: list[str] = []
    recording, cluster = run(cluster_program({"existing": True}, captured=captured))
    assert recording.of_type("aws:eks/cluster:Cluster") == []
    assert recording.of_type("aws:eks/addon:Addon") == []
    assert sorted(r.name for r in recording.children_of(recording.named("ml").urn)) == [
        "ml-aws",
        "ml-k8s",
        "ml-node-role",
        # Nodes of an adopted cluster keep the CNI policy: its aws-node is not ours.
        "ml-node-role-AmazonEC2ContainerRegistryPullOnly",
        "ml-node-role-AmazonEKSWorkerNodePolicy",
        "ml-node-role-AmazonEKS_CNI_Policy",
    ]
    # No EBS CSI driver, StorageClasses or autoscaler on an adopted cluster by default.
    assert cluster.handle.storage is None
    assert cluster.autoscaler is None
    kubeconfig = json.loads(captured[0])
    # The endpoint comes from the read (the offline fake names it after the Pulumi resource).
    assert kubeconfig["clusters"][0]["cluster"]["server"] == "https://ml-eks.offline.eks.invalid"
    assert kubeconfig["users"][0]["user"]["exec"]["args"][3] == "ml-prod"


def test_provider_is_explicit_and_the_kubeconfig_secret() -> None:
    captured: list[str] = []
    recording, cluster = run(cluster_program({"subnet_ids": SUBNETS}, captured=captured))
    provider = recording.named("ml-k8s")
    assert provider.inputs == {
        "clusterIdentifier": "ml-prod",
        "enableServerSideApply": "true",
        "kubeconfig": SECRET,
    }
    assert recording.named("ml-coredns").urn in provider.dependencies
    assert json.loads(captured[0])["clusters"][0]["cluster"] == {
        "server": "https://ml-prod.offline.eks.invalid",
        "certificate-authority-data": "b2ZmbGluZS1wbGFuLWZha2UtY2E=",
    }


def pool_program(pool: dict):
    args = EksClusterArgs(
        cluster_name="ml", region="us-east-1", spec=EksClusterSpec(subnet_ids=SUBNETS)
    )
    return cluster_programs.with_pool(EksCluster, args, EksGpuNodePool, EksGpuNodePoolArgs, pool)


def test_spot_gpu_pool_node_group_arguments() -> None:
    recording, (cluster, pool) = run(
        pool_program(
            {
                "machine_type": "g6.xlarge",
                "spot": True,
                "max_nodes": 4,
                "eks": {"subnet_ids": ["subnet-0a1b2c3d4e5f60009"], "node_repair": False},
            }
        )
    )
    nodes = recording.named("ml-gpu-nodes")
    assert nodes.parent == recording.named("ml-gpu").urn
    assert nodes.inputs == {
        "clusterName": "ml",
        "nodeRoleArn": "arn:aws:iam::000000000000:role/ml-node-role",
        "subnetIds": ["subnet-0a1b2c3d4e5f60009"],
        "amiType": "AL2023_x86_64_NVIDIA",
        "capacityType": "SPOT",
        "instanceTypes": ["g6.xlarge"],
        # No diskSize: the disk is in the launch template (EKS rejects both).
        "launchTemplate": {"id": "ml-gpu-launch-template-id", "version": "1"},
        "labels": {
            "k8s.amazonaws.com/accelerator": "l4",
            "llmops.dev/gpu-model": "l4",
            "llmops.dev/pool": "gpu",
        },
        "taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}],
        "scalingConfig": {"minSize": 0.0, "desiredSize": 0.0, "maxSize": 4.0},
        "updateConfig": {"maxUnavailable": 1.0},
        "nodeRepairConfig": {"enabled": False},
        "tags": {"llmops-pool": "gpu"},
    }
    assert recording.named("ml-gpu-launch-template").urn in nodes.dependencies
    assert recording.named("ml-vpc-cni").urn in nodes.dependencies
    contract = pool.contract
    assert (contract.target, contract.gpu_model, contract.gpus_per_node, contract.spot) == (
        "eks",
        "L4",
        1,
        True,
    )


def test_pool_defaults_to_the_cluster_subnets_and_on_demand() -> None:
    recording, _ = run(
        pool_program(
            {
                "machine_type": "p4d.24xlarge",
                "min_nodes": 1,
                "max_nodes": 2,
                "sharing": {"mig": {"profile": "all-1g.5gb"}},
            }
        )
    )
    nodes = recording.named("ml-gpu-nodes").inputs
    assert nodes["subnetIds"] == SUBNETS
    assert nodes["capacityType"] == "ON_DEMAND"
    assert nodes["labels"]["nvidia.com/mig.config"] == "all-1g.5gb"
    assert nodes["scalingConfig"] == {"minSize": 1.0, "desiredSize": 1.0, "maxSize": 2.0}


def test_platform_wires_eks_pools_to_the_cluster() -> None:
    recording, platform_ = run_platform(platform("eks"))
    assert platform_.cluster.target == "eks"
    nodes = recording.named("ml-l4-nodes")
    assert nodes.parent == recording.named("ml-l4").urn
    assert nodes.inputs["subnetIds"] == SUBNETS
    assert sorted(platform_.contracts) == ["l4"]
