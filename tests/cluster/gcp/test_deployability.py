"""GKE pieces that make one `pulumi up` work: the KMS grant before the cluster, Cloud NAT,
node pools after their IAM, pools that a min_nodes change never replaces, storage."""

from __future__ import annotations

import pytest

from helpers import cluster_programs, run, validate_manifest
from helpers.kubernetes import manifest_of
from helpers.options import captured_ignore_changes
from pulumi_llmops.cluster.gcp import (
    GkeCluster,
    GkeClusterArgs,
    GkeGpuNodePool,
    GkeGpuNodePoolArgs,
)
from pulumi_llmops.cluster.gcp.mapping import kms_key_iam_id, subnetwork_self_link
from pulumi_llmops.cluster.storage import StorageClassNames
from pulumi_llmops.config.gke import GkeClusterSpec

KMS = "projects/acme-ml/locations/us-central1/keyRings/k8s/cryptoKeys/secrets"
POOL = {
    "machine_type": "g2-standard-8",
    "max_nodes": 2,
    "gke": {"node_locations": ["us-central1-a"]},
}


def program(spec: dict | None = None, pool: dict | None = None):
    args = GkeClusterArgs(
        cluster_name="ml",
        region="us-central1",
        spec=GkeClusterSpec.model_validate({"project": "acme-ml", **(spec or {})}),
    )
    return cluster_programs.with_pool(GkeCluster, args, GkeGpuNodePool, GkeGpuNodePoolArgs, pool)


def test_kms_key_is_granted_to_the_gke_service_agent_before_the_cluster() -> None:
    recording, (cluster, _) = run(program({"database_encryption_key": KMS}))
    grant = recording.named("ml-gke-kms")
    assert grant.type == "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
    assert grant.inputs == {
        "cryptoKeyId": "acme-ml/us-central1/k8s/secrets",
        "role": "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        # The offline project number; at deploy gcp.organizations.get_project gives it.
        "member": "serviceAccount:service-000000000000@container-engine-robot.iam.gserviceaccount.com",
    }
    assert grant.urn in recording.named("ml-gke").dependencies
    assert cluster.kms_grant is not None


def test_no_grant_without_a_key_or_when_the_key_owners_grant_it() -> None:
    recording, _ = run(program())
    assert recording.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") == []
    recording, _ = run(program({"database_encryption_key": KMS, "grant_kms_key": False}))
    assert recording.of_type("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember") == []


def test_kms_key_iam_id_and_subnetwork_self_link() -> None:
    assert kms_key_iam_id(KMS) == "acme-ml/us-central1/k8s/secrets"
    assert subnetwork_self_link("p", "us-central1", "nodes") == (
        "https://www.googleapis.com/compute/v1/projects/p/regions/us-central1/subnetworks/nodes"
    )
    assert subnetwork_self_link("p", "r", "projects/p/regions/r/subnetworks/x") == (
        "projects/p/regions/r/subnetworks/x"
    )


@pytest.mark.parametrize(
    ("subnetwork", "nat_inputs"),
    [
        (None, {"sourceSubnetworkIpRangesToNat": "ALL_SUBNETWORKS_ALL_IP_RANGES"}),
        (
            "ml-nodes",
            {
                "sourceSubnetworkIpRangesToNat": "LIST_OF_SUBNETWORKS",
                "subnetworks": [
                    {
                        "name": "https://www.googleapis.com/compute/v1/projects/acme-ml/"
                        "regions/us-central1/subnetworks/ml-nodes",
                        "sourceIpRangesToNats": ["ALL_IP_RANGES"],
                    }
                ],
            },
        ),
    ],
)
def test_cloud_nat_for_the_private_nodes_and_pools_wait_for_it(
    subnetwork: str | None, nat_inputs: dict
) -> None:
    spec = {"subnetwork": subnetwork} if subnetwork else {}
    recording, _ = run(program(spec, pool=POOL))
    assert recording.named("ml-router").inputs == {
        "name": "ml-router",
        "project": "acme-ml",
        "region": "us-central1",
        "network": "default",
    }
    nat = recording.named("ml-nat")
    assert nat.inputs == {
        "name": "ml-nat",
        "router": "ml-router",
        "project": "acme-ml",
        "region": "us-central1",
        "natIpAllocateOption": "AUTO_ONLY",
        "logConfig": {"enable": True, "filter": "ERRORS_ONLY"},
        **nat_inputs,
    }
    for pool in ("ml-system", "ml-gpu-nodes"):
        assert nat.urn in recording.named(pool).dependencies, pool


def test_existing_nat_creates_none() -> None:
    recording, _ = run(program({"cloud_nat": "existing"}, pool=POOL))
    assert recording.of_type("gcp:compute/routerNat:RouterNat") == []
    assert recording.of_type("gcp:compute/router:Router") == []


def test_node_pools_wait_for_the_node_service_account_roles() -> None:
    recording, _ = run(program(pool=POOL))
    members = [r.urn for r in recording.of_type("gcp:projects/iAMMember:IAMMember")]
    assert len(members) == 2
    for pool in ("ml-system", "ml-gpu-nodes"):
        assert set(members) <= set(recording.named(pool).dependencies), pool


def test_changing_min_nodes_never_replaces_a_gpu_pool() -> None:
    with captured_ignore_changes() as ignored:
        run(program(pool={**POOL, "min_nodes": 1}))
    assert ignored["ml-gpu-nodes"] == ["initialNodeCount"]
    assert ignored["ml-gke"] == ["nodeConfig"]


def test_calico_dataplane_enables_network_policy_in_place() -> None:
    recording, _ = run(program({"dataplane": "calico"}))
    gke = recording.named("ml-gke").inputs
    assert "datapathProvider" not in gke
    assert gke["networkPolicy"] == {"enabled": True, "provider": "CALICO"}
    assert gke["addonsConfig"] == {"networkPolicyConfig": {"disabled": False}}


def test_retain_storage_class_next_to_gkes_default() -> None:
    recording, (cluster, _) = run(program())
    [retain] = recording.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
    validate_manifest(manifest_of(retain))
    assert retain.inputs["metadata"] == {"name": "standard-rwo-retain"}
    assert (retain.inputs["provisioner"], retain.inputs["parameters"]) == (
        "pd.csi.storage.gke.io",
        {"type": "pd-balanced"},
    )
    assert retain.inputs["reclaimPolicy"] == "Retain"
    assert retain.inputs["volumeBindingMode"] == "WaitForFirstConsumer"
    assert cluster.handle.storage == StorageClassNames("standard-rwo", "standard-rwo-retain")
