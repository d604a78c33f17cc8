"""EKS pieces that make one `pulumi up` work: explicit region provider, storage, workload
identities, network policy, the autoscaler's identity and node-group hints, IMDS."""

from __future__ import annotations

import json

import pytest

from helpers import cluster_programs, run, validate_manifest
from helpers.cloud_configs import SUBNETS
from helpers.kubernetes import manifest_of
from pulumi_llmops.cluster.aws import (
    EksCluster,
    EksClusterArgs,
    EksGpuNodePool,
    EksGpuNodePoolArgs,
)
from pulumi_llmops.cluster.storage import StorageClassNames
from pulumi_llmops.config.eks import EksClusterSpec

ADMIN = "arn:aws:iam::123456789012:role/platform-admins"
PROVIDER = "urn:pulumi:test::llmops::llmops:aws:EksCluster$pulumi:providers:aws::ml-aws"
CA = "k8s.io/cluster-autoscaler/node-template"


def program(spec: dict | None = None, pool: dict | None = None, region: str = "eu-central-1"):
    args = EksClusterArgs(
        cluster_name="ml-prod",
        region=region,
        spec=EksClusterSpec.model_validate(spec or {"subnet_ids": SUBNETS}),
    )
    return cluster_programs.with_pool(EksCluster, args, EksGpuNodePool, EksGpuNodePoolArgs, pool)


def test_every_aws_resource_uses_the_explicit_provider_of_the_stack_region() -> None:
    recording, _ = run(program(pool={"machine_type": "g6.xlarge", "max_nodes": 2}))
    provider = recording.named("ml-aws")
    assert provider.inputs["region"] == "eu-central-1"
    aws_resources = [r for r in recording if r.custom and r.type.startswith("aws:")]
    assert len(aws_resources) > 20
    assert {r.provider for r in aws_resources} == {PROVIDER}
    # The pool's children inherit it from the pool component.
    assert recording.named("ml-gpu-nodes").provider == PROVIDER


def test_vpc_cni_enforces_network_policies_with_its_own_irsa_role() -> None:
    recording, _ = run(program())
    cni = recording.named("ml-vpc-cni")
    assert cni.type == "aws:eks/addon:Addon"
    assert cni.inputs["configurationValues"] == '{"enableNetworkPolicy": "true"}'
    assert cni.inputs["serviceAccountRoleArn"] == "arn:aws:iam::000000000000:role/ml-vpc-cni-role"
    role = recording.named("ml-vpc-cni-role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::000000000000:oidc-provider/ml-oidc"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "oidc.eks.offline.invalid/id/ml-prod:aud": "sts.amazonaws.com",
                        "oidc.eks.offline.invalid/id/ml-prod:sub": (
                            "system:serviceaccount:kube-system:aws-node"
                        ),
                    }
                },
            }
        ],
    }
    # The add-on waits for its role's policy, so aws-node never starts without permissions.
    attachment = recording.named("ml-vpc-cni-role-AmazonEKS_CNI_Policy")
    assert attachment.urn in cni.dependencies


def test_network_policy_off_sends_no_configuration() -> None:
    recording, _ = run(program({"subnet_ids": SUBNETS, "network_policy": False}))
    assert "configurationValues" not in recording.named("ml-vpc-cni").inputs


def test_ebs_csi_driver_by_pod_identity_and_the_two_storage_classes() -> None:
    recording, (cluster, _) = run(program())
    role = recording.named("ml-ebs-csi")
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }
    ]
    addon = recording.named("ml-aws-ebs-csi-driver")
    assert addon.inputs["addonName"] == "aws-ebs-csi-driver"
    assert addon.inputs["podIdentityAssociations"] == [
        {
            "serviceAccount": "ebs-csi-controller-sa",
            "roleArn": "arn:aws:iam::000000000000:role/ml-ebs-csi",
        }
    ]
    # Pod Identity agent, a node for the controller, and the role's policy come first.
    for before in ("ml-eks-pod-identity-agent", "ml-system", "ml-ebs-csi-AmazonEBSCSIDriverPolicy"):
        assert recording.named(before).urn in addon.dependencies, before
    classes = {
        r.inputs["metadata"]["name"]: r
        for r in recording.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
    }
    assert sorted(classes) == ["gp3", "gp3-retain"]
    for resource in classes.values():
        validate_manifest(manifest_of(resource))
        assert resource.provider.endswith("::ml-k8s")
        assert addon.urn in resource.dependencies
        assert resource.inputs["provisioner"] == "ebs.csi.aws.com"
        assert resource.inputs["parameters"] == {"type": "gp3", "encrypted": "true"}
        assert resource.inputs["volumeBindingMode"] == "WaitForFirstConsumer"
        assert resource.inputs["allowVolumeExpansion"] is True
    assert classes["gp3"].inputs["reclaimPolicy"] == "Delete"
    assert classes["gp3"].inputs["metadata"]["annotations"] == {
        "storageclass.kubernetes.io/is-default-class": "true"
    }
    assert classes["gp3-retain"].inputs["reclaimPolicy"] == "Retain"
    assert "annotations" not in classes["gp3-retain"].inputs["metadata"]
    assert cluster.handle.storage == StorageClassNames(default="gp3", retain="gp3-retain")
    assert cluster.handle.storage_ready == (
        cluster.addons["aws-ebs-csi-driver"],
        cluster.storage_classes["gp3"],
        cluster.storage_classes["gp3-retain"],
    )


def test_adopted_cluster_can_opt_into_the_ebs_csi_driver() -> None:
    recording, (cluster, _) = run(program({"existing": True, "ebs_csi_driver": True}))
    assert recording.named("ml-aws-ebs-csi-driver").inputs["clusterName"] == "ml-prod"
    assert cluster.handle.storage == StorageClassNames("gp3", "gp3-retain")


def test_provider_waits_for_access_entries_and_their_policy_associations() -> None:
    recording, _ = run(program({"subnet_ids": SUBNETS, "admin_principal_arns": [ADMIN]}))
    provider = recording.named("ml-k8s")
    for before in (
        "ml-admin-platform-admins",
        "ml-admin-platform-admins-policy",
        "ml-vpc-cni",
        "ml-coredns",
        "ml-aws-ebs-csi-driver",
    ):
        assert recording.named(before).urn in provider.dependencies, before


def test_cluster_autoscaler_identity_scales_only_this_clusters_groups() -> None:
    recording, (cluster, _) = run(program())
    association = recording.named("ml-cluster-autoscaler-pod-identity")
    assert association.inputs == {
        "clusterName": "ml-prod",
        "namespace": "kube-system",
        "serviceAccount": "cluster-autoscaler",
        "roleArn": "arn:aws:iam::000000000000:role/ml-cluster-autoscaler",
        "tags": {},
    }
    for before in ("ml-eks-pod-identity-agent", "ml-cluster-autoscaler-policy"):
        assert recording.named(before).urn in association.dependencies
    policy = json.loads(recording.named("ml-cluster-autoscaler-policy").inputs["policy"])
    read, scale = policy["Statement"]
    assert read["Resource"] == "*" and "eks:DescribeNodegroup" in read["Action"]
    assert "autoscaling:SetDesiredCapacity" not in read["Action"]
    assert scale == {
        "Sid": "ScaleOwnGroups",
        "Effect": "Allow",
        "Action": [
            "autoscaling:SetDesiredCapacity",
            "autoscaling:TerminateInstanceInAutoScalingGroup",
        ],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/ml-prod": "owned"}
        },
    }
    assert cluster.autoscaler is not None
    assert (cluster.autoscaler.namespace, cluster.autoscaler.service_account) == (
        "kube-system",
        "cluster-autoscaler",
    )


def test_scale_from_zero_hints_on_the_node_groups_autoscaling_group() -> None:
    pool = {"machine_type": "g6.12xlarge", "sharing": {"time_slicing": {"replicas": 4}}}
    recording, _ = run(program(pool=pool))
    tags = {r.inputs["tag"]["key"]: r.inputs for r in recording.of_type("aws:autoscaling/tag:Tag")}
    assert {key: t["tag"]["value"] for key, t in tags.items()} == {
        f"{CA}/label/k8s.amazonaws.com/accelerator": "l4",
        f"{CA}/label/llmops.dev/gpu-model": "l4",
        f"{CA}/label/llmops.dev/pool": "gpu",
        f"{CA}/label/nvidia.com/device-plugin.config": "gpu",
        f"{CA}/taint/nvidia.com/gpu": "present:NoSchedule",
        # 4 L4s, each time-sliced 4 ways: what the device plugin will advertise.
        f"{CA}/resources/nvidia.com/gpu": "16",
    }
    for tag in tags.values():
        assert tag["autoscalingGroupName"] == "eks-ml-gpu-nodes-offline"
        assert tag["tag"]["propagateAtLaunch"] is False


def test_no_autoscaler_means_no_hints() -> None:
    spec = {"subnet_ids": SUBNETS, "autoscaler": "none"}
    recording, (cluster, _) = run(program(spec, pool={"machine_type": "g6.xlarge", "min_nodes": 1}))
    assert recording.of_type("aws:autoscaling/tag:Tag") == []
    assert recording.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation") == []
    assert cluster.autoscaler is None


@pytest.mark.parametrize(
    ("ami", "device"),
    [("AL2023_x86_64_NVIDIA", "/dev/xvda"), ("BOTTLEROCKET_x86_64_NVIDIA", "/dev/xvdb")],
)
def test_gpu_nodes_launch_template_imdsv2_hop_limit_and_disk(ami: str, device: str) -> None:
    pool = {"machine_type": "g6.xlarge", "disk_size_gib": 300, "eks": {"ami_type": ami}}
    recording, _ = run(program(pool=pool))
    template = recording.named("ml-gpu-launch-template").inputs
    assert template["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1.0,
    }
    assert template["blockDeviceMappings"] == [
        {
            "deviceName": device,
            "ebs": {
                "volumeSize": 300.0,
                "volumeType": "gp3",
                "encrypted": "true",
                "deleteOnTermination": "true",
            },
        }
    ]
    assert template["updateDefaultVersion"] is True
    assert "diskSize" not in recording.named("ml-gpu-nodes").inputs


def test_hop_limit_two_and_node_subnets_and_support_type() -> None:
    spec = {
        "subnet_ids": SUBNETS,
        "imds_hop_limit": 2,
        "node_subnet_ids": ["subnet-0a1b2c3d4e5f60099"],
        "support_type": "STANDARD",
        "kubernetes_version": "1.35",
    }
    recording, _ = run(program(spec, pool={"machine_type": "g6.xlarge"}))
    template = recording.named("ml-gpu-launch-template").inputs
    assert template["metadataOptions"]["httpPutResponseHopLimit"] == 2.0
    assert recording.named("ml-gpu-nodes").inputs["subnetIds"] == ["subnet-0a1b2c3d4e5f60099"]
    assert recording.named("ml-eks").inputs["upgradePolicy"] == {"supportType": "STANDARD"}
