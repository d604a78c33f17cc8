"""The shipped cloud stacks, as one `pulumi up` would run them: what each needs to be
reachable, to store data and to scale GPU pools from zero is there, in order."""

from __future__ import annotations

from pathlib import Path

from helpers import run
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.program import main

ROOT = Path(__file__).resolve().parents[2]


def stack(name: str):
    file = read_stack_file(ROOT / "stacks" / f"Pulumi.{name}.yaml")
    return run(main, file.config, file.secret_keys)


def test_dev_eks_reachable_scales_from_zero_and_stores_data() -> None:
    recording, platform = stack("dev-eks")
    eks = recording.named("dev-llm-cluster-eks").inputs
    assert eks["vpcConfig"]["endpointPublicAccess"] is True
    assert eks["vpcConfig"]["publicAccessCidrs"] == ["203.0.113.0/24"]
    assert eks["version"] == "1.35"
    assert recording.named("dev-llm-cluster-aws").inputs["region"] == "us-east-1"
    # Both GPU pools start at zero; the autoscaler and its hints are there.
    for pool in ("l4-spot", "a10g"):
        nodes = recording.named(f"dev-llm-{pool}-nodes").inputs
        assert nodes["scalingConfig"]["minSize"] == 0.0
        tags = {
            r.inputs["tag"]["key"]: r.inputs["tag"]["value"]
            for r in recording.of_type("aws:autoscaling/tag:Tag")
            if r.name.startswith(f"dev-llm-{pool}-ca-")
        }
        assert tags["k8s.io/cluster-autoscaler/node-template/label/llmops.dev/pool"] == pool
        assert tags["k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu"] == (
            "present:NoSchedule"
        )
    chart = recording.named("dev-llm-cluster-autoscaler-chart")
    assert chart.inputs["values"]["image"]["tag"] == "v1.35.0"
    # Data add-ons wait for the EBS CSI driver and the StorageClasses.
    storage = {
        recording.named(n).urn
        for n in ("dev-llm-cluster-aws-ebs-csi-driver", "dev-llm-cluster-storage-gp3")
    }
    assert storage <= set(recording.named("dev-llm-observability").dependencies)
    assert platform.cluster.storage is not None and platform.cluster.storage.retain == "gp3-retain"


def test_prod_gke_grants_the_key_and_reaches_the_cluster_by_dns() -> None:
    recording, platform = stack("prod-gke")
    gke = recording.named("prod-llm-cluster-gke")
    assert recording.named("prod-llm-cluster-gke-kms").urn in gke.dependencies
    assert gke.inputs["privateClusterConfig"]["enablePrivateEndpoint"] is True
    assert gke.inputs["controlPlaneEndpointsConfig"] == {
        "dnsEndpointConfig": {"allowExternalTraffic": True}
    }
    assert gke.inputs["datapathProvider"] == "ADVANCED_DATAPATH"
    # The platform team's VPC already has NAT (cloud_nat: existing).
    assert recording.of_type("gcp:compute/routerNat:RouterNat") == []
    l4 = recording.named("prod-llm-l4-shared-nodes").inputs
    assert l4["nodeLocations"] == ["us-central1-a", "us-central1-b"]
    assert l4["initialNodeCount"] == 1.0


def test_prod_aks_public_for_ci_with_vnet_integration_and_patch_channel() -> None:
    recording, _ = stack("prod-aks")
    aks = recording.named("prod-llm-cluster-aks")
    access = aks.inputs["apiServerAccessProfile"]
    assert (access["enablePrivateCluster"], access["authorizedIPRanges"]) == (
        False,
        ["198.51.100.0/24"],
    )
    assert access["enableVnetIntegration"] is True
    assert aks.inputs["autoUpgradeProfile"]["upgradeChannel"] == "patch"
    assert aks.inputs["kubernetesVersion"] == "1.35"
    for grant in ("prod-llm-cluster-kms-crypto-user", "prod-llm-cluster-network-contributor"):
        assert recording.named(grant).urn in aks.dependencies, grant
    for pool in ("t4", "a100-mig"):
        assert (
            recording.named(f"prod-llm-{pool}-nodes")
            .inputs["vnetSubnetID"]
            .endswith("/subnets/aks-nodes")
        )
