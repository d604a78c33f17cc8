"""training-data-in-region (data residency): fine-tuning datasets and outputs."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.offline.recording import UNKNOWN
from pulumi_llmops.policy import pack_rules
from pulumi_llmops.policy.training_data import TRAINING_DATA

JOB = "kubernetes:batch/v1:Job"
REGIONS = {
    "aws": ["eu-west-1"],
    "gcp": ["europe-west4"],
    "azure": ["westeurope"],
    "onprem": ["fra-dc1"],
}
CONFIG = {"allowedRegions": REGIONS}


def job(dataset: Any, output: Any = "s3://acme-out/run/", region: Any = "eu-west-1") -> dict:
    annotations = {"llmops.dev/dataset-uri": dataset, "llmops.dev/output-uri": output}
    if region is not None:
        annotations["llmops.dev/data-region"] = region
    return {"metadata": {"name": "run", "annotations": annotations}, "spec": {}}


EKS = {"target": "eks", "region": "eu-west-1"}
S = "Job 'run'"


@pytest.mark.parametrize(
    ("platform", "props", "config", "expected"),
    [
        (EKS, job("s3://acme-data/ds/"), CONFIG, []),
        (EKS, job("pvc://datasets/support", "pvc://adapters/x"), CONFIG, []),
        (
            EKS,
            job("s3://acme-data/ds/", region="us-east-1"),
            CONFIG,
            [
                f"{S}: the dataset 's3://acme-data/ds/' is declared in 'us-east-1', outside the "
                "stack's region 'eu-west-1'. Fix: use an in-region bucket (and set "
                "finetune.<run>.data_region to it).",
                f"{S}: the output 's3://acme-out/run/' is declared in 'us-east-1', outside the "
                "stack's region 'eu-west-1'. Fix: use an in-region bucket (and set "
                "finetune.<run>.data_region to it).",
            ],
        ),
        (
            EKS,
            job("gs://acme-data/ds/"),
            CONFIG,
            [
                f"{S}: the dataset 'gs://acme-data/ds/' is in Google Cloud storage while the "
                "stack runs on AWS, outside its region 'eu-west-1'. Fix: use a bucket of the "
                "stack's cloud and region."
            ],
        ),
        (
            EKS,
            job("hf://datasets/acme/support"),
            CONFIG,
            [
                f"{S}: the dataset 'hf://datasets/acme/support' is read from outside the "
                "stack's region (not a bucket the residency rules can place). Fix: mirror it "
                "to an in-region bucket, or list its prefix in allowedDataSources."
            ],
        ),
        (
            EKS,
            job("hf://datasets/acme/support"),
            {**CONFIG, "allowedDataSources": ["hf://datasets/acme/"]},
            [],
        ),
        (
            EKS,
            job("s3://acme-data/ds/"),
            {"allowedRegions": {"aws": ["us-east-1"]}},
            [
                f"{S}: the dataset 's3://acme-data/ds/' is in 'eu-west-1', not an allowed aws "
                "region (allowed: us-east-1). Fix: use a bucket in an allowed region.",
                f"{S}: the output 's3://acme-out/run/' is in 'eu-west-1', not an allowed aws "
                "region (allowed: us-east-1). Fix: use a bucket in an allowed region.",
            ],
        ),
        (
            EKS,
            job("s3://acme-data/ds/", "pvc://out", region=None),
            CONFIG,
            [
                f"{S}: the dataset 's3://acme-data/ds/' has no declared region "
                "(llmops.dev/data-region). Fix: set finetune.<run>.data_region."
            ],
        ),
        (
            EKS,
            job(UNKNOWN, "pvc://out"),
            CONFIG,
            [
                f"{S}: the dataset URI is unknown until deploy, so its residency cannot be checked. Fix: give a literal URI."
            ],
        ),
        (EKS, job(UNKNOWN, "pvc://out"), {**CONFIG, "allowUnknownLocation": True}, []),
        (
            {"target": "aks", "region": "westeurope"},
            job(
                "https://acmedata.blob.core.windows.net/ds/x",
                "https://acmedata.blob.core.windows.net/out",
                "West Europe",
            ),
            CONFIG,
            [],
        ),
        (
            {"target": "onprem", "region": "fra-dc1"},
            job("s3://lake/ds", "s3://lake/out", "fra-dc1"),
            CONFIG,
            [],
        ),
        (
            {"target": "onprem", "region": "fra-dc1"},
            job("s3://lake/ds", "pvc://out", "ams-dc2"),
            CONFIG,
            [
                f"{S}: the dataset 's3://lake/ds' is declared in 'ams-dc2', outside the stack's "
                "region 'fra-dc1'. Fix: use an in-region bucket (and set "
                "finetune.<run>.data_region to it)."
            ],
        ),
        (EKS, {"metadata": {"name": "other"}, "spec": {}}, CONFIG, []),
    ],
)
def test_training_data_in_region(
    pol: Any, platform_config: Any, platform: dict, props: dict, config: dict, expected: list[str]
) -> None:
    platform_config(platform)
    args = pol.resource(JOB, props, "run")
    assert pol.verdict(TRAINING_DATA, args, config) == expected


def test_the_rule_is_in_the_residency_pack() -> None:
    assert TRAINING_DATA in pack_rules("data-residency")
