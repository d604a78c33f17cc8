"""GKE L1 components on the mock engine: exact children, provider arguments and branches."""

from __future__ import annotations

import json

from helpers import cluster_programs, run, run_platform
from helpers.cloud_configs import platform
from pulumi_llmops.cluster.gcp import (
    GkeCluster,
    GkeClusterArgs,
    GkeGpuNodePool,
    GkeGpuNodePoolArgs,
)
from pulumi_llmops.config.gke import GkeClusterSpec
from pulumi_llmops.offline.recording import SECRET

SA = "ml-nodes@acme-ml.iam.gserviceaccount.com"
KMS = "projects/acme-ml/locations/us-central1/keyRings/k8s/cryptoKeys/secrets"


def cluster_program(spec: dict, environment: str = "dev", captured: list | None = None):
    args = GkeClusterArgs(
        cluster_name="ml",
        region="us-central1",
        spec=GkeClusterSpec.model_validate({"project": "acme-ml", **spec}),
        deletion_protection=environment == "prod",
        labels={"team": "ml"},
    )
    return cluster_programs.cluster(GkeCluster, args, captured)


def test_new_regional_cluster_has_the_secure_defaults() -> None:
    captured: list[str] = []
    recording, cluster = run(cluster_program({}, captured=captured))
    gke = recording.named("ml-gke")
    assert gke.type == "gcp:container/cluster:Cluster"
    assert gke.inputs == {
        "name": "ml",
        "project": "acme-ml",
        "location": "us-central1",
        "network": "default",
        "networkingMode": "VPC_NATIVE",
        "ipAllocationPolicy": {},
        "removeDefaultNodePool": True,
        "initialNodeCount": 1.0,
        "nodeConfig": {
            "serviceAccount": SA,
            "oauthScopes": ["https://www.googleapis.com/auth/cloud-platform"],
        },
        "deletionProtection": False,
        "releaseChannel": {"channel": "REGULAR"},
        "workloadIdentityConfig": {"workloadPool": "acme-ml.svc.id.goog"},
        "privateClusterConfig": {"enablePrivateNodes": True, "enablePrivateEndpoint": True},
        # Enabled and empty while private (older GKE APIs require it with a private endpoint).
        "masterAuthorizedNetworksConfig": {"cidrBlocks": [], "gcpPublicCidrsAccessEnabled": False},
        # Pulumi reaches the private cluster from outside the VPC through IAM, not the network.
        "controlPlaneEndpointsConfig": {"dnsEndpointConfig": {"allowExternalTraffic": True}},
        "datapathProvider": "ADVANCED_DATAPATH",
        "clusterAutoscaling": {"enabled": False, "autoscalingProfile": "OPTIMIZE_UTILIZATION"},
        "enableShieldedNodes": True,
        "enableLegacyAbac": False,
        "resourceLabels": {"team": "ml"},
    }
    assert recording.named("ml-nodes-sa").inputs == {
        "project": "acme-ml",
        "accountId": "ml-nodes",
        "displayName": "GKE nodes of ml",
    }
    roles = sorted(r.inputs["role"] for r in recording.of_type("gcp:projects/iAMMember:IAMMember"))
    assert roles == ["roles/artifactregistry.reader", "roles/container.defaultNodeServiceAccount"]
    system = recording.named("ml-system").inputs
    assert (system["nodeCount"], system["nodeConfig"]["machineType"]) == (1.0, "e2-standard-4")
    assert system["nodeConfig"]["workloadMetadataConfig"] == {"mode": "GKE_METADATA"}
    # The kubeconfig uses the DNS endpoint (publicly trusted certificate: no CA data).
    kubeconfig = json.loads(captured[0])
    assert kubeconfig["clusters"][0]["cluster"] == {"server": "https://gke-ml.offline.gke.invalid"}
    assert recording.named("ml-k8s").inputs["kubeconfig"] == SECRET
    assert recording.named("ml-system").urn in recording.named("ml-k8s").dependencies
    assert cluster.handle.target == "gke"


def test_prod_public_endpoint_encryption_and_existing_service_account() -> None:
    captured: list[str] = []
    spec = {
        "public_endpoint_cidrs": ["198.51.100.0/24"],
        "database_encryption_key": KMS,
        "existing_node_service_account": "nodes@acme-ml.iam.gserviceaccount.com",
        "release_channel": "STABLE",
        "master_ipv4_cidr_block": "172.16.0.0/28",
        "dns_endpoint": False,
    }
    recording, cluster = run(cluster_program(spec, environment="prod", captured=captured))
    gke = recording.named("ml-gke").inputs
    assert gke["deletionProtection"] is True
    assert gke["privateClusterConfig"] == {
        "enablePrivateNodes": True,
        "enablePrivateEndpoint": False,
        "masterIpv4CidrBlock": "172.16.0.0/28",
    }
    assert gke["masterAuthorizedNetworksConfig"] == {
        "cidrBlocks": [{"cidrBlock": "198.51.100.0/24", "displayName": "allowed-0"}],
        "gcpPublicCidrsAccessEnabled": False,
    }
    assert gke["controlPlaneEndpointsConfig"] == {
        "dnsEndpointConfig": {"allowExternalTraffic": False}
    }
    assert gke["databaseEncryption"] == {"state": "ENCRYPTED", "keyName": KMS}
    assert gke["nodeConfig"]["serviceAccount"] == "nodes@acme-ml.iam.gserviceaccount.com"
    assert recording.of_type("gcp:serviceaccount/account:Account") == []
    assert json.loads(captured[0])["clusters"][0]["cluster"]["server"] == "https://203.0.113.10"


def test_adopting_reads_the_cluster_by_id() -> None:
    recording, cluster = run(cluster_program({"existing": True}))
    assert recording.of_type("gcp:container/cluster:Cluster") == []
    assert recording.of_type("gcp:container/nodePool:NodePool") == []
    assert recording.named("ml-nodes-sa").type == "gcp:serviceaccount/account:Account"
    # The provider waits for the read of the adopted cluster, not for a created one.
    assert recording.named("ml-k8s").dependencies == (
        "urn:pulumi:test::llmops::llmops:gcp:GkeCluster$gcp:container/cluster:Cluster::ml-gke",
    )


def pool_program(pool: dict, cluster_spec: dict | None = None):
    args = GkeClusterArgs(
        cluster_name="ml",
        region="us-central1",
        spec=GkeClusterSpec.model_validate({"project": "acme-ml", **(cluster_spec or {})}),
    )
    return cluster_programs.with_pool(GkeCluster, args, GkeGpuNodePool, GkeGpuNodePoolArgs, pool)


def test_time_shared_spot_pool_with_the_managed_driver() -> None:
    recording, (cluster, pool) = run(
        pool_program(
            {
                "machine_type": "g2-standard-8",
                "spot": True,
                "max_nodes": 3,
                "sharing": {"time_slicing": {"replicas": 4}},
            }
        )
    )
    nodes = recording.named("ml-gpu-nodes")
    assert nodes.parent == recording.named("ml-gpu").urn
    assert nodes.inputs["cluster"] == "ml-gke-id"
    assert nodes.inputs["autoscaling"] == {
        "totalMinNodeCount": 0.0,
        "totalMaxNodeCount": 3.0,
        "locationPolicy": "ANY",
    }
    config = nodes.inputs["nodeConfig"]
    assert config["guestAccelerators"] == [
        {
            "type": "nvidia-l4",
            "count": 1.0,
            "gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"},
            "gpuSharingConfig": {
                "gpuSharingStrategy": "TIME_SHARING",
                "maxSharedClientsPerGpu": 4.0,
            },
        }
    ]
    assert (config["spot"], config["serviceAccount"], config["machineType"]) == (
        True,
        SA,
        "g2-standard-8",
    )
    assert config["labels"] == {"llmops.dev/gpu-model": "l4", "llmops.dev/pool": "gpu"}
    # GKE taints GPU nodes nvidia.com/gpu=present:NoSchedule itself: not sent twice, but
    # the contract (what pods tolerate) keeps it.
    assert config["taints"] == []
    assert [t.toleration() for t in pool.contract.taints] == [
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
    ]
    assert pool.contract.schedulable_gpus_per_node == 4
    assert pool.operator_managed is False


def test_mig_pool_with_the_gpu_operator_installing_the_driver() -> None:
    recording, (cluster, pool) = run(
        pool_program(
            {
                "machine_type": "a2-ultragpu-1g",
                "sharing": {"mig": {"profile": "all-1g.10gb"}},
                "gke": {
                    "gpu_driver_version": "INSTALLATION_DISABLED",
                    "image_type": "UBUNTU_CONTAINERD",
                    "node_locations": ["us-central1-c"],
                },
            }
        )
    )
    inputs = recording.named("ml-gpu-nodes").inputs
    assert inputs["nodeLocations"] == ["us-central1-c"]
    config = inputs["nodeConfig"]
    assert config["guestAccelerators"] == [
        {
            "type": "nvidia-a100-80gb",
            "count": 1.0,
            "gpuDriverInstallationConfig": {"gpuDriverVersion": "INSTALLATION_DISABLED"},
        }
    ]
    assert config["imageType"] == "UBUNTU_CONTAINERD"
    assert config["labels"] == {
        "gke-no-default-nvidia-gpu-device-plugin": "true",
        "llmops.dev/gpu-model": "a100-80gb",
        "llmops.dev/pool": "gpu",
        "nvidia.com/mig.config": "all-1g.10gb",
    }
    assert pool.operator_managed is True


def test_native_mig_partition_with_the_managed_driver() -> None:
    recording, _ = run(
        pool_program(
            {"machine_type": "a2-highgpu-2g", "sharing": {"mig": {"profile": "all-3g.20gb"}}}
        )
    )
    [accelerator] = recording.named("ml-gpu-nodes").inputs["nodeConfig"]["guestAccelerators"]
    assert accelerator == {
        "type": "nvidia-tesla-a100",
        "count": 2.0,
        "gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"},
        "gpuPartitionSize": "3g.20gb",
    }


def test_platform_wires_gke_pools_with_the_node_service_account() -> None:
    recording, platform_ = run_platform(platform("gke"))
    nodes = recording.named("ml-l4-nodes").inputs
    assert nodes["nodeConfig"]["serviceAccount"] == SA
    assert nodes["project"] == "acme-ml"
    assert platform_.contracts["l4"].gpu_model == "L4"
