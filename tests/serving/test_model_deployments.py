"""InferenceServices, model caches and their ordering, on the mock engine and as pure manifests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import (
    manifest_of,
    onprem_platform,
    run_platform,
    validate_custom_resource,
)
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.render import render_text
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.serving.manifests import gpu_resource_name

ROOT = Path(__file__).resolve().parents[2]
LLAMA = {
    "storage_uri": "hf://meta-llama/Llama-3.1-8B-Instruct",
    "params_billion": 8.03,
    "architecture": {"num_layers": 32, "num_kv_heads": 8, "head_dim": 128},
}
POOLS = {
    "l40s": {"gpu": {"model": "L40S", "count": 4}, "onprem": {"node_names": ["gpu-1"]}},
    "a100": {
        "gpu": {"model": "A100-80GB", "count": 8},
        "sharing": {"mig": {"profile": "all-3g.40gb"}},
        "onprem": {
            "node_selector": {"hw.example.com/gpu": "a100"},
            "node_count": 2,
            "existing_labels": {"nvidia.com/mig.config": "all-3g.40gb"},
        },
    },
}
QUIET = {"observability": {"enabled": False}, "vector_db": {"enabled": False}}
ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService"


def platform(models: dict[str, Any], **addons: Any) -> dict[str, Any]:
    return onprem_platform(node_pools=POOLS, models=models, addons={**QUIET, **addons})


def isvc(recording, name: str) -> dict[str, Any]:
    resource = recording.named(name)
    assert resource.type == ISVC
    manifest = manifest_of(resource)
    validate_custom_resource(manifest)
    return manifest


def test_gpu_model_inference_service_exact() -> None:
    recording, _ = run_platform(
        platform({"llama": {**LLAMA, "pool": "l40s", "max_replicas": 3, "scale_target": 70}})
    )
    manifest = isvc(recording, "lab-models-llama")
    assert manifest["metadata"] == {
        "name": "llama",
        "namespace": "llmops-models",
        "labels": {
            "app.kubernetes.io/managed-by": "pulumi-llmops",
            "llmops.dev/model": "llama",
            "llmops.dev/pool": "l40s",
        },
        "annotations": {
            "serving.kserve.io/autoscalerClass": "hpa",
            "serving.kserve.io/deploymentMode": "Standard",
        },
    }
    resources = {"cpu": "4", "memory": "32Gi", "nvidia.com/gpu": "1"}
    assert manifest["spec"] == {
        "predictor": {
            "minReplicas": 1,
            "maxReplicas": 3,
            "scaleMetric": "cpu",
            "scaleTarget": 70,
            "nodeSelector": {"llmops.dev/pool": "l40s"},
            "tolerations": [
                {
                    "key": "nvidia.com/gpu",
                    "operator": "Equal",
                    "value": "present",
                    "effect": "NoSchedule",
                }
            ],
            "model": {
                "modelFormat": {"name": "huggingface"},
                # The GPU build of the runtime (the plain tag is its CPU build).
                "runtimeVersion": "v0.20.0-gpu",
                "args": [
                    "--model_name=llama",
                    "--backend=vllm",
                    "--max_model_len=8192",
                    "--dtype=bfloat16",
                    "--tensor-parallel-size=1",
                    "--gpu-memory-utilization=0.9",
                    "--max-num-seqs=256",
                    "--max-num-batched-tokens=2048",
                ],
                "storageUri": "hf://meta-llama/Llama-3.1-8B-Instruct",
                "resources": {"requests": resources, "limits": resources},
            },
        }
    }


def test_model_on_mig_pool_uses_the_adopted_selector_and_existing_taints() -> None:
    recording, _ = run_platform(platform({"llama": LLAMA}))
    predictor = isvc(recording, "lab-models-llama")["spec"]["predictor"]
    assert predictor["nodeSelector"] == {"hw.example.com/gpu": "a100"}  # unpriced: a100 first
    assert "tolerations" not in predictor  # the adopted nodes declare no taints
    assert predictor["model"]["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert "scaleMetric" not in predictor
    assert isvc(recording, "lab-models-llama")["metadata"]["annotations"] == {
        "serving.kserve.io/autoscalerClass": "none",
        "serving.kserve.io/deploymentMode": "Standard",
    }


def test_lora_extra_args_knative_and_scale_to_zero() -> None:
    model = {
        **LLAMA,
        "pool": "l40s",
        "min_replicas": 0,
        "max_replicas": 2,
        "hf_token_secret": "hf-token",
        "lora_adapters": {"sql": "hf://org/sql-lora", "chat": "/mnt/adapters/chat"},
        "extra_args": ["--max-lora-rank=64"],
        "precision": "int4",
    }
    recording, _ = run_platform(platform({"llama": model}, kserve={"deployment_mode": "Knative"}))
    manifest = isvc(recording, "lab-models-llama")
    predictor = manifest["spec"]["predictor"]
    assert predictor["model"]["args"] == [
        "--model_name=llama",
        "--backend=vllm",
        "--max_model_len=8192",
        "--dtype=auto",
        "--tensor-parallel-size=1",
        "--gpu-memory-utilization=0.9",
        "--max-num-seqs=256",
        "--max-num-batched-tokens=2048",
        "--enable-lora",
        "--lora-modules",
        "chat=/mnt/adapters/chat",
        "sql=org/sql-lora",
        "--max-lora-rank=64",
    ]
    assert (predictor["minReplicas"], predictor["scaleMetric"]) == (0, "concurrency")
    assert predictor["model"]["env"] == [
        {
            "name": "HF_TOKEN",
            "valueFrom": {"secretKeyRef": {"name": "hf-token", "key": "HF_TOKEN"}},
        }
    ]
    # Knative's autoscaler: no KServe autoscaler class, but the mode is stated.
    assert manifest["metadata"]["annotations"] == {"serving.kserve.io/deploymentMode": "Knative"}


def test_cpu_only_model_has_no_gpu_and_no_operator_dependency() -> None:
    model = {
        "storage_uri": "hf://Qwen/Qwen2.5-0.5B-Instruct",
        "params_billion": 0.5,
        "cpu_only": True,
        "cpu_cores": 8,
        "memory_gib": 16,
        "service_account": "model-reader",
    }
    recording, _ = run_platform(platform({"tiny": model}))
    resource = recording.named("lab-models-tiny")
    predictor = isvc(recording, "lab-models-tiny")["spec"]["predictor"]
    assert predictor["model"]["args"] == [
        "--model_name=tiny",
        "--backend=huggingface",
        "--dtype=bfloat16",
    ]
    assert predictor["model"]["resources"]["limits"] == {"cpu": "8", "memory": "16Gi"}
    assert predictor["model"]["runtimeVersion"] == "v0.20.0"  # the CPU build
    assert "nodeSelector" not in predictor and "tolerations" not in predictor
    assert predictor["serviceAccountName"] == "model-reader"
    operator = recording.named("lab-gpu-operator-chart")
    assert operator.urn not in resource.dependencies


def test_ordering_models_after_kserve_namespace_and_gpu_operator() -> None:
    recording, _ = run_platform(platform({"llama": {**LLAMA, "pool": "l40s"}}))
    model = recording.named("lab-models-llama")
    expected = {
        recording.named(n).urn
        for n in (
            "lab-gpu-operator-chart",
            "lab-kserve-crd",
            "lab-kserve-controller",
            "lab-kserve-runtimes",
            "lab-namespaces-llmops-models",
        )
    }
    assert set(model.dependencies) == expected
    component = recording.named("lab-models")
    assert component.type == "llmops:serving:ModelDeployments"
    assert model.parent == component.urn
    assert model.provider.startswith(recording.named("lab-cluster-k8s").urn)


def test_model_cache_objects_validate_and_order() -> None:
    models = {"llama": {**LLAMA, "pool": "l40s", "cache": True}}
    recording, _ = run_platform(
        platform(models, kserve={"model_cache": {"enabled": True, "storage_gib": 200}})
    )
    group = recording.named("lab-models-l40s-cache-nodes")
    cache = recording.named("lab-models-llama-cache")
    group_manifest, cache_manifest = manifest_of(group), manifest_of(cache)
    validate_custom_resource(group_manifest)
    validate_custom_resource(cache_manifest)
    assert cache_manifest["metadata"]["name"] == "llama"
    assert "namespace" not in cache_manifest["metadata"]  # cluster-scoped
    assert cache_manifest["spec"] == {
        "sourceModelUri": "hf://meta-llama/Llama-3.1-8B-Instruct",
        "modelSize": "17Gi",
        "nodeGroups": ["llmops-l40s"],
    }
    spec = group_manifest["spec"]
    assert spec["storageLimit"] == "200Gi"
    # The pinned node agent keeps the cache under /models on the host.
    assert spec["persistentVolumeSpec"]["local"] == {"path": "/models"}
    assert spec["persistentVolumeSpec"]["nodeAffinity"] == {
        "required": {
            "nodeSelectorTerms": [
                {
                    "matchExpressions": [
                        {"key": "llmops.dev/pool", "operator": "In", "values": ["l40s"]}
                    ]
                }
            ]
        }
    }
    local = {recording.named(n).urn for n in ("lab-kserve-localmodel-crd", "lab-kserve-localmodel")}
    assert set(group.dependencies) == local
    assert set(cache.dependencies) == local | {group.urn}
    assert cache.urn in recording.named("lab-models-llama").dependencies
    # The v0.20.0 agent DaemonSet reads kserve.localmodelnode.controller.*, and is scheduled
    # by the label kserve/localmodel=worker, which the cached pool's nodes get.
    values = recording.named("lab-kserve-localmodel").inputs["values"]["kserve"]
    assert values == {
        "localmodel": {"enabled": True},
        "localmodelnode": {
            "controller": {
                "tolerations": [
                    {
                        "effect": "NoSchedule",
                        "key": "nvidia.com/gpu",
                        "operator": "Equal",
                        "value": "present",
                    }
                ]
            }
        },
    }
    patch = recording.named("lab-l40s-gpu-1")
    assert patch.inputs["metadata"]["labels"]["kserve/localmodel"] == "worker"
    assert "kserve/localmodel" not in recording.outputs["gpu_pools"]["l40s"]["node_selector"]


def test_cached_models_on_selector_pools_need_the_agent_label() -> None:
    from pulumi_llmops.config import ConfigError

    models = {"llama": {**LLAMA, "pool": "a100", "cache": True}}
    with pytest.raises(ConfigError) as err:
        run_platform(platform(models, kserve={"model_cache": {"enabled": True}}))
    assert [p.path for p in err.value.problems] == ["node_pools.a100.onprem.existing_labels"]
    assert "runs the model cache agent only if they already carry kserve/localmodel=worker" in (
        err.value.problems[0].message
    )


def test_model_cache_too_small_is_a_config_error() -> None:
    from pulumi_llmops.config import ConfigError

    models = {"llama": {**LLAMA, "pool": "l40s", "cache": True}}
    with pytest.raises(ConfigError) as err:
        run_platform(platform(models, kserve={"model_cache": {"enabled": True, "storage_gib": 10}}))
    assert [p.render() for p in err.value.problems] == [
        "addons.kserve.model_cache.storage_gib: cached models on pool l40s need 17 GiB; the "
        "cache holds 10 GiB per node (got 10)"
    ]


@pytest.mark.parametrize(
    ("base", "sharing", "profile", "strategy", "expected"),
    [
        ("nvidia.com/gpu", "mig-single", "3g.40gb", "single", "nvidia.com/gpu"),
        ("nvidia.com/gpu", "mig-single", "3g.40gb", "mixed", "nvidia.com/mig-3g.40gb"),
        ("nvidia.com/gpu", "none", None, "mixed", "nvidia.com/gpu"),
        ("nvidia.com/gpu", "time-slicing", None, "single", "nvidia.com/gpu"),
    ],
)
def test_gpu_resource_under_mig_strategies(base, sharing, profile, strategy, expected) -> None:
    assert gpu_resource_name(base, sharing, profile, strategy) == expected


def test_default_stack_serves_two_models_on_two_pools() -> None:
    plan = plan_stack(read_stack_file(ROOT / "stacks" / "Pulumi.dev-onprem.yaml"))
    services = plan.recording.of_type(ISVC)
    assert sorted(r.name for r in services) == [
        "dev-lab-models-llama-3-1-8b",
        "dev-lab-models-qwen2-5-32b",
    ]
    pools = {}
    for resource in services:
        manifest = manifest_of(resource)
        validate_custom_resource(manifest)
        pools[manifest["metadata"]["name"]] = manifest["metadata"]["labels"]["llmops.dev/pool"]
    assert pools == {"llama-3-1-8b": "l40s", "qwen2-5-32b": "a100"}
    rows = {row.model: row.to_dict() for row in plan.models}
    assert rows == {
        "llama-3-1-8b": {
            "model": "llama-3-1-8b",
            "memory_needed_gib": 20.46,
            "per_gpu_gib": 20.46,
            "kv_cache_estimated": False,
            "pool": "l40s",
            "gpu": "L40S",
            "chosen_by": "config",
            "gpus_per_replica": 1,
            "min_replicas": 1,
            "max_replicas": 2,
            "usd_per_hour_min": None,
            "usd_per_hour_max": None,
        },
        "qwen2-5-32b": {
            "model": "qwen2-5-32b",
            "memory_needed_gib": 26.06,
            "per_gpu_gib": 26.06,
            "kv_cache_estimated": False,
            "pool": "a100",
            "gpu": "A100-80GB MIG 3g.40gb",
            "chosen_by": "unpriced",
            "gpus_per_replica": 1,
            "min_replicas": 1,
            "max_replicas": 1,
            "usd_per_hour_min": None,
            "usd_per_hour_max": None,
        },
    }
    assert json.loads(plan.to_json())["models"][0]["model"] == "llama-3-1-8b"
    text = render_text(plan)
    assert "Models" in text and "llama-3-1-8b" in text and "unpriced" in text


def test_tensor_parallel_models_get_a_dev_shm_in_the_runtime() -> None:
    qwen = {
        "storage_uri": "hf://Qwen/Qwen2.5-32B-Instruct",
        "params_billion": 32.8,
        "architecture": {"num_layers": 64, "num_kv_heads": 8, "head_dim": 128},
        "pool": "l40s",
    }
    recording, _ = run_platform(platform({"qwen": qwen}))
    predictor = isvc(recording, "lab-models-qwen")["spec"]["predictor"]
    assert "--tensor-parallel-size=2" in predictor["model"]["args"]
    assert predictor["model"]["resources"]["limits"]["nvidia.com/gpu"] == "2"
    runtimes = recording.named("lab-kserve-runtimes").inputs["values"]
    assert runtimes == {
        "kserve": {
            "servingruntime": {"enabled": True, "huggingfaceserver": {"devShm": {"enabled": True}}}
        }
    }
    recording, _ = run_platform(platform({"llama": {**LLAMA, "pool": "l40s"}}))
    assert recording.named("lab-kserve-runtimes").inputs["values"] == {
        "kserve": {"servingruntime": {"enabled": True}}
    }
