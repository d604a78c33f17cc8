"""LoRA adapters from object stores and from fine-tuning runs, served next to the base model."""

from __future__ import annotations

import functools
from typing import Any

import pytest

from helpers import manifest_of, onprem_platform, run_platform, validate_custom_resource
from pulumi_llmops.bundle.prepare import prepare
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.offline.recording import Recording

H100 = {"gpu": {"model": "H100", "count": 8}, "onprem": {"node_names": ["gpu-1"]}}
RUN = {
    "base_model": "hf://meta-llama/Llama-3.1-8B-Instruct",
    "params_billion": 8.03,
    "dataset_uri": "s3://acme-data/support/",
    "output_uri": "s3://acme-adapters/support-lora",
    "pool": "h100",
    "team": "product",
    "image": "ghcr.io/acme/trainer:1.4.0",
}
MODEL = {"storage_uri": "hf://meta-llama/Llama-3.1-8B-Instruct", "params_billion": 8.03}


def platform(adapters: dict[str, str], runs: dict[str, Any] | None = None) -> dict[str, Any]:
    return onprem_platform(
        node_pools={"h100": H100},
        teams={"product": {"quotas": {"h100": {"gpus": 8}}}},
        finetune={"support-lora": RUN} if runs is None else runs,
        models={"llama": {**MODEL, "lora_adapters": adapters}},
    )


@functools.cache
def recording() -> Recording:
    adapters = {"support": "finetune://support-lora", "sql": "hf://acme/sql-lora"}
    rec, _ = run_platform(platform(adapters))
    return rec


def _isvc() -> dict[str, Any]:
    [isvc] = recording().of_type("kubernetes:serving.kserve.io/v1beta1:InferenceService")
    return manifest_of(isvc)


def test_a_run_adapter_is_downloaded_before_vllm_starts() -> None:
    predictor = _isvc()["spec"]["predictor"]
    assert predictor["initContainers"] == [
        {
            "name": "lora-adapters",
            "image": "kserve/storage-initializer:v0.20.0",
            "args": ["s3://acme-adapters/support-lora", "/mnt/lora-adapters/support"],
            "volumeMounts": [{"name": "lora-adapters", "mountPath": "/mnt/lora-adapters"}],
            "resources": {
                "requests": {"cpu": "100m", "memory": "100Mi"},
                "limits": {"cpu": "1", "memory": "1Gi"},
            },
        }
    ]
    assert predictor["volumes"] == [{"name": "lora-adapters", "emptyDir": {}}]
    assert predictor["model"]["volumeMounts"] == [
        {"name": "lora-adapters", "mountPath": "/mnt/lora-adapters", "readOnly": True}
    ]
    args = predictor["model"]["args"]
    i = args.index("--enable-lora")
    assert args[i : i + 4] == [
        "--enable-lora",
        "--lora-modules",
        "sql=acme/sql-lora",
        "support=/mnt/lora-adapters/support",
    ]


def test_the_inference_service_validates_against_the_kserve_crd() -> None:
    validate_custom_resource(_isvc())


def test_hub_and_path_adapters_need_no_download() -> None:
    rec, _ = run_platform(platform({"sql": "hf://acme/sql-lora"}, runs={}) | {"teams": {}})
    [isvc] = rec.of_type("kubernetes:serving.kserve.io/v1beta1:InferenceService")
    predictor = manifest_of(isvc)["spec"]["predictor"]
    assert "initContainers" not in predictor and "volumes" not in predictor


@pytest.mark.parametrize(
    ("adapters", "runs", "expected"),
    [
        (
            {"x": "finetune://nope"},
            None,
            [
                "models.llama.lora_adapters.x: unknown finetune run; configured: support-lora (got 'finetune://nope')"
            ],
        ),
        (
            {"x": "finetune://support-lora"},
            {"support-lora": {**RUN, "method": "full"}},
            [
                "models.llama.lora_adapters.x: run support-lora trains every weight (method: "
                "full), not an adapter (got 'finetune://support-lora')"
            ],
        ),
    ],
)
def test_bad_run_references(adapters: dict, runs: dict | None, expected: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        prepare(load_platform_config(platform(adapters, runs)))
    assert [p.render() for p in caught.value.problems] == expected
