"""Multi-node serving: KServe's multi-node runtime for a model no single node holds, exact
manifest on the mock engine validated against the pinned InferenceService CRD, and every
rejection (no interconnect, spot, storage, replicas, Knative) with its exact message."""

from __future__ import annotations

from typing import Any

import pytest
from tests.serving.test_sizing import model, units

from helpers import manifest_of, onprem_platform, run_platform, validate_custom_resource
from pulumi_llmops.config import ConfigError
from pulumi_llmops.serving.sizing import size_model

LLAMA_405B = {
    "storage_uri": "pvc://models/llama-3.1-405b",
    "params_billion": 405.9,
    "architecture": {
        "num_layers": 126,
        "num_kv_heads": 8,
        "head_dim": 128,
        "num_attention_heads": 128,
    },
    "allow_multi_node": True,
}
H100_IB = {
    "gpu": {"model": "H100-80GB", "count": 8},
    "interconnect": "infiniband",
    "onprem": {"node_names": ["gpu-01", "gpu-02", "gpu-03"]},
}
QUIET = {"observability": {"enabled": False}, "vector_db": {"enabled": False}}
TOLERATION = {
    "key": "nvidia.com/gpu",
    "operator": "Equal",
    "value": "present",
    "effect": "NoSchedule",
}


def platform(models: dict[str, Any], pools: dict[str, Any] | None = None, **addons: Any):
    return onprem_platform(
        node_pools=pools or {"h100": H100_IB}, models=models, addons={**QUIET, **addons}
    )


def test_multi_node_inference_service_exact_and_valid() -> None:
    recording, _ = run_platform(platform({"big": LLAMA_405B}))
    resource = recording.named("lab-models-big")
    manifest = manifest_of(resource)
    validate_custom_resource(manifest)
    assert manifest["metadata"]["annotations"] == {
        "serving.kserve.io/autoscalerClass": "none",
        "serving.kserve.io/deploymentMode": "Standard",
    }
    gpus = {"cpu": "4", "memory": "32Gi", "nvidia.com/gpu": "8"}
    script = (
        "ray start --head --disable-usage-stats --include-dashboard false\n"
        'until [[ $(ray status | grep -c node_) -eq "${PIPELINE_PARALLEL_SIZE}" ]]; do\n'
        '  echo "Waiting for ${PIPELINE_PARALLEL_SIZE} Ray nodes..."; sleep 1\n'
        "done\n"
        "ray status\n"
        'MODEL="${MODEL_DIR:-${MODEL_ID}}"\n'
        'exec python3 -m huggingfaceserver --model_name=big --model_dir="${MODEL}" '
        '--tensor-parallel-size="${TENSOR_PARALLEL_SIZE}" '
        '--pipeline-parallel-size="${PIPELINE_PARALLEL_SIZE}" --backend=vllm '
        "--max_model_len=8192 --dtype=bfloat16 --gpu-memory-utilization=0.9 "
        "--max-num-seqs=1024 --max-num-batched-tokens=8192\n"
    )
    assert manifest["spec"] == {
        "predictor": {
            "minReplicas": 1,
            "maxReplicas": 1,
            "nodeSelector": {"llmops.dev/pool": "h100"},
            "tolerations": [TOLERATION],
            "model": {
                "modelFormat": {"name": "huggingface"},
                "runtime": "kserve-huggingfaceserver-multinode",
                "runtimeVersion": "v0.20.0-gpu",
                "command": ["bash", "-c", script],
                "storageUri": "pvc://models/llama-3.1-405b",
                "resources": {"requests": gpus, "limits": gpus},
            },
            # 405.9 B bf16 = 756 GiB of weights: TP 8 on each of 2 whole nodes.
            "workerSpec": {
                "tensorParallelSize": 8,
                "pipelineParallelSize": 2,
                "containers": [
                    {"name": "worker-container", "resources": {"requests": gpus, "limits": gpus}}
                ],
                "nodeSelector": {"llmops.dev/pool": "h100"},
                "tolerations": [TOLERATION],
            },
        }
    }
    # Waits for the GPU operator like every GPU model.
    assert recording.named("lab-gpu-operator-chart").urn in resource.dependencies


def test_the_head_command_quotes_every_argument() -> None:
    from pulumi_llmops.serving.multinode import head_command

    command = head_command("big", ["--extra=a b", "--flag"])
    assert command[:2] == ["bash", "-c"]
    assert command[2].endswith(
        "--pipeline-parallel-size=\"${PIPELINE_PARALLEL_SIZE}\" '--extra=a b' --flag\n"
    )


@pytest.mark.parametrize(
    ("models", "pools", "addons", "expected"),
    [
        (
            {"big": {**LLAMA_405B, "storage_uri": "hf://meta-llama/Llama-3.1-405B"}},
            None,
            {},
            [
                "models.big.storage_uri: a multi-node replica reads its weights from a "
                "ReadWriteMany volume on every node: KServe's multi-node runtime accepts pvc:// "
                "only (got 'hf://meta-llama/Llama-3.1-405B')"
            ],
        ),
        (
            {"big": {**LLAMA_405B, "max_replicas": 2}},
            None,
            {},
            [
                "models.big.max_replicas: KServe's multi-node runtime runs exactly one head pod "
                "(no autoscaling): set min_replicas and max_replicas to 1 (got 2)"
            ],
        ),
        (
            {"big": LLAMA_405B},
            None,
            {"kserve": {"deployment_mode": "Knative"}},
            [
                "addons.kserve.deployment_mode: model big is served across nodes, which KServe "
                "supports in Standard mode only (got 'Knative')"
            ],
        ),
        (
            {"big": LLAMA_405B},
            {"h100": {**H100_IB, "interconnect": "efa"}},
            {},
            [
                "models.big.allow_multi_node: no single node holds a replica and no pool can "
                "serve it across nodes: h100 (2 nodes, TP 8 x PP 2): node_pools.h100.interconnect "
                "is efa, AWS's Elastic Fabric Adapter, but the target is onprem: declare rdma or "
                "infiniband (got True)"
            ],
        ),
        (
            {"big": LLAMA_405B},
            {"h100": {k: v for k, v in H100_IB.items() if k != "interconnect"}},
            {},
            [
                "models.big.allow_multi_node: no single node holds a replica and no pool can "
                "serve it across nodes: h100 (2 nodes, TP 8 x PP 2): node_pools.h100.interconnect "
                "is none: pipeline stages exchange activations every step; declare efa, rdma or "
                "infiniband (got True)"
            ],
        ),
    ],
)
def test_multi_node_rejections(models, pools, addons, expected) -> None:
    with pytest.raises(ConfigError) as err:
        run_platform(platform(models, pools, **addons))
    assert [p.render() for p in err.value.problems] == expected


def test_spot_pools_cannot_hold_a_multi_node_replica() -> None:
    pools = {
        "h100": {"machine_type": "p5.48xlarge", "spot": True, "interconnect": "efa", "max_nodes": 2}
    }
    with pytest.raises(ConfigError) as err:
        size_model("big", model(**LLAMA_405B), *units(pools, "eks"))
    assert [p.render() for p in err.value.problems] == [
        "models.big.allow_multi_node: no single node holds a replica and no pool can serve it "
        "across nodes: h100 (2 nodes, TP 8 x PP 2): a spot pool: reclaiming any one node stops "
        "the whole replica; use an on-demand pool (got True)"
    ]
    pools["h100"]["spot"] = False
    sized = size_model("big", model(**LLAMA_405B), *units(pools, "eks"))
    assert (sized.pool, sized.tensor_parallel, sized.pipeline_parallel) == ("h100", 8, 2)
    assert sized.usd_per_hour_per_replica == 110.08  # two whole p5.48xlarge nodes


def test_a_single_node_fit_stays_single_node() -> None:
    # fp8 405B (378 GiB) fits one 8 x H100 node: no workerSpec, the plain runtime.
    recording, _ = run_platform(platform({"big": {**LLAMA_405B, "precision": "fp8"}}))
    manifest = manifest_of(recording.named("lab-models-big"))
    validate_custom_resource(manifest)
    assert "workerSpec" not in manifest["spec"]["predictor"]
    assert "runtime" not in manifest["spec"]["predictor"]["model"]
    assert "--tensor-parallel-size=8" in manifest["spec"]["predictor"]["model"]["args"]
