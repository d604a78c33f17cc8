"""Data-residency rules: pass, each failure, missing prop, unknown value (exact messages)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.offline.recording import UNKNOWN
from pulumi_llmops.policy.residency import (
    ALLOWED_REGIONS,
    MODEL_SOURCES,
    NO_CROSS_REGION_REPLICATION,
    VECTOR_SNAPSHOTS,
)

REGIONS = {
    "aws": ["eu-central-1"],
    "gcp": ["europe-west4"],
    "azure": ["westeurope"],
    "onprem": ["fra-dc1"],
}
CONFIG = {"allowedRegions": REGIONS}
AWS_FIX = (
    "Fix: deploy to an allowed region or change the data-residency config for this environment."
)

REGION_CASES: list[tuple[str, str, dict, dict | None, list[str]]] = [
    ("eks-provider-region-ok", "aws:eks/cluster:Cluster", {}, {"region": "eu-central-1"}, []),
    (
        "eks-own-region-wins",
        "aws:eks/cluster:Cluster",
        {"region": "eu-central-1"},
        {"region": "us-east-1"},
        [],
    ),
    (
        "eks-provider-region-bad",
        "aws:eks/nodeGroup:NodeGroup",
        {},
        {"region": "us-east-1"},
        [
            "aws:eks/nodeGroup:NodeGroup 'r': provider region 'us-east-1' is not an allowed aws "
            f"region (allowed: eu-central-1). {AWS_FIX}"
        ],
    ),
    (
        "eks-no-region",
        "aws:s3/bucketV2:BucketV2",
        {},
        None,
        [
            "aws:s3/bucketV2:BucketV2 'r': no region or location is set (neither on the resource "
            "nor on its provider). Fix: set it explicitly to one of: eu-central-1."
        ],
    ),
    (
        "kms-unknown-region",
        "aws:kms/key:Key",
        {},
        {"region": UNKNOWN},
        [
            "aws:kms/key:Key 'r': provider region is unknown until deploy, so residency cannot be "
            "checked at preview. Fix: set a literal aws region (allowed: eu-central-1)."
        ],
    ),
    ("aws-iam-not-located", "aws:iam/role:Role", {}, {"region": "us-east-1"}, []),
    (
        "aws-provider-bad",
        "pulumi:providers:aws",
        {"region": "us-west-2"},
        None,
        [
            "pulumi:providers:aws 'r': region 'us-west-2' is not an allowed aws region (allowed: "
            f"eu-central-1). {AWS_FIX}"
        ],
    ),
    ("aws-provider-without-region", "pulumi:providers:aws", {}, None, []),
    (
        "gke-zone-in-allowed-region",
        "gcp:container/nodePool:NodePool",
        {"location": "europe-west4-a"},
        None,
        [],
    ),
    (
        "gcs-multi-region",
        "gcp:storage/bucket:Bucket",
        {"location": "EU"},
        None,
        [
            "gcp:storage/bucket:Bucket 'r': location 'EU' is not an allowed gcp region (allowed: "
            f"europe-west4). {AWS_FIX}"
        ],
    ),
    (
        "gcp-keyring-falls-back-to-provider",
        "gcp:kms/keyRing:KeyRing",
        {},
        {"region": "us-central1"},
        [
            "gcp:kms/keyRing:KeyRing 'r': provider region 'us-central1' is not an allowed gcp "
            f"region (allowed: europe-west4). {AWS_FIX}"
        ],
    ),
    (
        "gcp-iam-without-location",
        "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
        {},
        {"region": "us-central1"},
        [],
    ),
    (
        "azure-display-name",
        "azure-native:containerservice:ManagedCluster",
        {"location": "West Europe"},
        None,
        [],
    ),
    (
        "azure-bad",
        "azure-native:storage:StorageAccount",
        {"location": "eastus"},
        None,
        [
            "azure-native:storage:StorageAccount 'r': location 'eastus' is not an allowed azure "
            f"region (allowed: westeurope). {AWS_FIX}"
        ],
    ),
    ("azure-inherits-resource-group", "azure-native:containerservice:AgentPool", {}, None, []),
    (
        "azure-rg-provider-location",
        "azure-native:resources:ResourceGroup",
        {},
        {"location": "northeurope"},
        [
            "azure-native:resources:ResourceGroup 'r': provider location 'northeurope' is not an "
            f"allowed azure region (allowed: westeurope). {AWS_FIX}"
        ],
    ),
    ("kubernetes-object-ignored", "kubernetes:core/v1:Namespace", {}, None, []),
]


@pytest.mark.parametrize(
    ("type_", "props", "provider_props", "expected"),
    [c[1:] for c in REGION_CASES],
    ids=[c[0] for c in REGION_CASES],
)
def test_allowed_regions(
    pol: Any, type_: str, props: dict, provider_props: dict | None, expected: list[str]
) -> None:
    package = type_.split(":")[0] if not type_.startswith("pulumi:") else "aws"
    prov = pol.provider(f"pulumi:providers:{package}", provider_props) if provider_props else None
    args = pol.resource(type_, props, provider_=prov)
    assert pol.verdict(ALLOWED_REGIONS, args, CONFIG) == expected


def test_allowed_regions_unknown_can_be_allowed(pol: Any) -> None:
    prov = pol.provider("pulumi:providers:aws", {"region": UNKNOWN})
    args = pol.resource("aws:kms/key:Key", {}, provider_=prov)
    assert pol.verdict(ALLOWED_REGIONS, args, {**CONFIG, "allowUnknownLocation": True}) == []


def test_allowed_regions_default_config_allows_nothing(pol: Any) -> None:
    args = pol.resource("gcp:storage/bucket:Bucket", {"location": "europe-west4"})
    assert pol.verdict(ALLOWED_REGIONS, args) == [
        "gcp:storage/bucket:Bucket 'r': location 'europe-west4' is not an allowed gcp region "
        f"(allowed: none configured). {AWS_FIX}"
    ]


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("fra-dc1", []),
        ("FRA-DC1", []),
        (
            "sin-dc9",
            [
                "on-prem site of Kubernetes provider 'r': site 'sin-dc9' (llmops:platform "
                "region) is not an allowed on-prem site (allowed: fra-dc1). Fix: deploy to an "
                "allowed site or change the data-residency config."
            ],
        ),
    ],
)
def test_onprem_site_from_stack_config(
    pol: Any, platform_config: Any, site: str, expected: list[str]
) -> None:
    platform_config({"target": "onprem", "region": site, "environment": "dev"})
    args = pol.resource("pulumi:providers:kubernetes", {"context": "lab"})
    assert pol.verdict(ALLOWED_REGIONS, args, CONFIG) == expected


def test_onprem_site_not_applicable_without_platform_or_on_clouds(
    pol: Any, platform_config: Any
) -> None:
    args = pol.resource("pulumi:providers:kubernetes", {})
    assert pol.verdict(ALLOWED_REGIONS, args, CONFIG) == []  # no llmops:platform config
    platform_config({"target": "eks", "region": "us-east-1"})
    assert pol.verdict(ALLOWED_REGIONS, args, CONFIG) == []  # the cloud resources carry it


ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService"
SOURCES = {"allowedModelSources": ["pvc://", "s3://models-eu/", "hf://meta-llama/"]}
SOURCE_FIX = "Fix: mirror the model to an allowed registry or bucket and point the URI there."
ALLOWED_SHOWN = "allowed prefixes: pvc://, s3://models-eu/, hf://meta-llama/"


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (ISVC, {"spec": {"predictor": {"model": {"storageUri": "s3://models-eu/llama"}}}}, []),
        (
            ISVC,
            {"spec": {"predictor": {"model": {"storageUri": "hf://meta-llama/Llama-3.1-8B"}}}},
            [],
        ),
        (
            ISVC,
            {"spec": {"predictor": {"model": {"storageUri": "s3://models-eu-copy/llama"}}}},
            [
                f"InferenceService 'r': spec.predictor.model.storageUri 's3://models-eu-copy/llama' is "
                f"not from an allowed model source ({ALLOWED_SHOWN}). {SOURCE_FIX}"
            ],
        ),
        (
            ISVC,
            {
                "spec": {
                    "predictor": {"model": {"storageUri": "hf://random/model"}},
                    "transformer": {"containers": [{"storageUri": "gs://x/y"}]},
                }
            },
            [
                f"InferenceService 'r': spec.predictor.model.storageUri 'hf://random/model' is not from "
                f"an allowed model source ({ALLOWED_SHOWN}). {SOURCE_FIX}",
                f"InferenceService 'r': spec.transformer.containers[0].storageUri 'gs://x/y' is not from "
                f"an allowed model source ({ALLOWED_SHOWN}). {SOURCE_FIX}",
            ],
        ),
        (ISVC, {"spec": {"predictor": {"containers": [{"image": "vllm/vllm-openai"}]}}}, []),
        (ISVC, {}, []),
        (
            ISVC,
            {"spec": {"predictor": {"model": {"storageUri": UNKNOWN}}}},
            [
                "InferenceService 'r': spec.predictor.model.storageUri is unknown until deploy, so the "
                f"model source cannot be checked. Fix: give a literal URI ({ALLOWED_SHOWN})."
            ],
        ),
        (
            ISVC,
            {"spec": UNKNOWN},
            [
                "InferenceService 'r': spec is unknown until deploy, so its model source cannot be "
                f"checked. Fix: give a literal storage URI ({ALLOWED_SHOWN})."
            ],
        ),
        (
            "kubernetes:serving.kserve.io/v1alpha1:LocalModelCache",
            {"spec": {"sourceModelUri": "hf://evil/m"}},
            [
                f"LocalModelCache 'r': spec.sourceModelUri 'hf://evil/m' is not from an allowed model "
                f"source ({ALLOWED_SHOWN}). {SOURCE_FIX}"
            ],
        ),
        (
            "kubernetes:serving.kserve.io/v1alpha1:LLMInferenceService",
            {"spec": {"model": {"uri": "pvc://models/llama"}}},
            [],
        ),
        ("kubernetes:core/v1:ConfigMap", {"data": {"storageUri": "hf://evil/m"}}, []),
    ],
)
def test_allowed_model_sources(pol: Any, type_: str, props: dict, expected: list[str]) -> None:
    assert pol.verdict(MODEL_SOURCES, pol.resource(type_, props), SOURCES) == expected


CHART = "kubernetes:helm.sh/v4:Chart"
VECTOR = {"allowedRegions": REGIONS, "allowedEndpoints": ["*.fra-dc1.example.internal"]}
VSHOWN = "allowed: eu-central-1, europe-west4, westeurope"


def _qdrant_env(region: Any, endpoint: Any = None) -> dict:
    env = [{"name": "QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__REGION", "value": region}]
    if endpoint is not None:
        env.append(
            {
                "name": "QDRANT__STORAGE__SNAPSHOTS_CONFIG__S3_CONFIG__ENDPOINT_URL",
                "value": endpoint,
            }
        )
    return {"chart": "qdrant", "values": {"env": env}}


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (_qdrant_env("eu-central-1"), []),
        (
            _qdrant_env("us-east-1"),
            [
                "Helm chart 'r' (qdrant): values.env[0].value 'us-east-1' sends snapshots or backups "
                f"outside the allowed regions ({VSHOWN}). Fix: use a bucket in an allowed region."
            ],
        ),
        (_qdrant_env("us-east-1", "https://minio.fra-dc1.example.internal:9000"), []),
        (
            _qdrant_env("eu-central-1", "https://minio.other.example.com"),
            [
                "Helm chart 'r' (qdrant): values.env[1].value sends snapshots to 'minio.other.example.com',"
                " which is not an allowed snapshot endpoint (allowed: *.fra-dc1.example.internal). Fix: "
                "use an in-region object store or list its host in allowedEndpoints."
            ],
        ),
        (
            _qdrant_env("us-east-1", "https://s3.us-east-1.amazonaws.com"),
            [
                "Helm chart 'r' (qdrant): values.env[0].value 'us-east-1' sends snapshots or backups "
                f"outside the allowed regions ({VSHOWN}). Fix: use a bucket in an allowed region."
            ],
        ),
        (
            _qdrant_env(UNKNOWN),
            [
                "Helm chart 'r' (qdrant): values.env[0].value is unknown until deploy. Fix: set a literal "
                f"region ({VSHOWN})."
            ],
        ),
        (
            {"chart": "milvus", "values": {"externalS3": {"enabled": True, "region": "us-west-2"}}},
            [
                "Helm chart 'r' (milvus): values.externalS3.region 'us-west-2' sends snapshots or backups "
                f"outside the allowed regions ({VSHOWN}). Fix: use a bucket in an allowed region."
            ],
        ),
        (
            {
                "chart": "oci://registry/charts/weaviate",
                "values": {"backups": {"s3": {"envconfig": {"AWS_REGION": "eu-central-1"}}}},
            },
            [],
        ),
        ({"chart": "grafana", "values": {"region": "us-east-1"}}, []),
        ({"chart": "qdrant"}, []),
    ],
)
def test_vector_snapshots_in_region(pol: Any, props: dict, expected: list[str]) -> None:
    assert pol.verdict(VECTOR_SNAPSHOTS, pol.resource(CHART, props), VECTOR) == expected


REPL = {"allowedRegions": REGIONS}


@pytest.mark.parametrize(
    ("type_", "props", "config", "expected"),
    [
        (
            "azure-native:storage:StorageAccount",
            {"location": "westeurope", "sku": {"name": "Standard_LRS"}},
            REPL,
            [],
        ),
        (
            "azure-native:storage:StorageAccount",
            {"location": "westeurope", "sku": {"name": "Standard_GRS"}},
            REPL,
            [
                "storage account 'r': Standard_GRS replicates 'westeurope' data to paired region "
                "'northeurope', which is not an allowed azure region (allowed: westeurope). Fix: use "
                "Standard_LRS or Standard_ZRS, or allow the paired region."
            ],
        ),
        (
            "azure-native:storage/v20240101:StorageAccount",
            {"location": "westeurope", "sku": {"name": "Standard_RAGZRS"}},
            {"allowedRegions": {**REGIONS, "azure": ["westeurope", "northeurope"]}},
            [],
        ),
        (
            "azure-native:storage:StorageAccount",
            {"location": "polandcentral", "sku": {"name": "Standard_GRS"}},
            REPL,
            [
                "storage account 'r': Standard_GRS replicates 'polandcentral' data to an unknown paired "
                "region, which is not an allowed azure region (allowed: westeurope). Fix: use "
                "Standard_LRS or Standard_ZRS, or allow the paired region."
            ],
        ),
        (
            "azure-native:storage:StorageAccount",
            {
                "location": "westeurope",
                "sku": {"name": UNKNOWN},
                "allowCrossTenantReplication": True,
            },
            REPL,
            [
                "storage account 'r': allowCrossTenantReplication is true, so object replication may "
                "copy data to other tenants and regions. Fix: set it to false.",
                "storage account 'r': sku.name is unknown until deploy. Fix: set a literal SKU (LRS or "
                "ZRS keep data in one region).",
            ],
        ),
        ("azure-native:storage:StorageAccount", {"location": "westeurope"}, REPL, []),
        ("gcp:storage/bucket:Bucket", {"location": "EUROPE-WEST4"}, REPL, []),
        (
            "gcp:storage/bucket:Bucket",
            {"location": "EU"},
            REPL,
            [
                "bucket 'r': location 'EU' is a multi-/dual-region that stores data in several regions. "
                "Fix: use a single allowed region, or list it in allowedMultiRegions after a residency "
                "review."
            ],
        ),
        (
            "gcp:storage/bucket:Bucket",
            {"location": "EU"},
            {**REPL, "allowedMultiRegions": ["eu"]},
            [],
        ),
        (
            "gcp:storage/bucket:Bucket",
            {
                "location": "europe-west4",
                "customPlacementConfig": {"dataLocations": ["EUROPE-WEST4", "US-CENTRAL1"]},
            },
            REPL,
            [
                "bucket 'r': dual-region data location 'US-CENTRAL1' is not an allowed gcp region "
                "(allowed: europe-west4). Fix: place both data locations in allowed regions."
            ],
        ),
        (
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            {"rules": [{"destination": {"bucket": "arn:aws:s3:::backup-us"}}]},
            REPL,
            [
                "S3 replication 'r': destination bucket 'arn:aws:s3:::backup-us' is not an allowed "
                "replication destination (allowed: none configured). Fix: remove the replication rule or "
                "list the in-region bucket's ARN in allowedReplicationDestinations."
            ],
        ),
        (
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            {"rules": [{"destination": {"bucket": "arn:aws:s3:::backup-eu"}}]},
            {**REPL, "allowedReplicationDestinations": ["arn:aws:s3:::backup-eu"]},
            [],
        ),
        (
            "aws:ecr/replicationConfiguration:ReplicationConfiguration",
            {
                "replicationConfiguration": {
                    "rules": [
                        {"destinations": [{"region": "eu-central-1"}, {"region": "us-east-1"}]}
                    ]
                }
            },
            REPL,
            [
                "ECR replication 'r': destination region 'us-east-1' is not allowed (allowed: "
                "eu-central-1). Fix: replicate only to allowed regions."
            ],
        ),
    ],
)
def test_no_cross_region_replication(
    pol: Any, type_: str, props: dict, config: dict, expected: list[str]
) -> None:
    assert pol.verdict(NO_CROSS_REGION_REPLICATION, pol.resource(type_, props), config) == expected
