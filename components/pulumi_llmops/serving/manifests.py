"""Pure builders of the KServe objects a model needs: InferenceService, LocalModelCache,
LocalModelNodeGroup. Plain dicts (apiVersion, kind, metadata, spec), no Pulumi.

InferenceService: https://kserve.github.io/website/docs/model-serving/generative-inference/overview
Model cache: https://kserve.github.io/website/docs/model-serving/generative-inference/modelcache/localmodel
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..cluster.contracts import POOL_LABEL
from ..config.models import ModelSpec
from ..config.serving import ModelCacheSpec
from ..kube import MANAGED_BY
from ..versions import chart_pin
from .autoscaling import autoscaling_fields, scale_metric
from .claims import CLAIM_NAME, MODEL_LABEL, pod_claims
from .sizing import ModelSizing, cache_size_gib

ISVC_API = "serving.kserve.io/v1beta1"
LOCALMODEL_API = "serving.kserve.io/v1alpha1"
DEPLOYMENT_MODE = "serving.kserve.io/deploymentMode"
GPU_RUNTIME_SUFFIX = "-gpu"
"""KServe publishes the Hugging Face runtime twice per release: `<version>` is the CPU build
(torch +cpu, vLLM's CPU backend), `<version>-gpu` the CUDA build."""


def runtime_version(base: str, gpu: bool) -> str:
    """`runtimeVersion` (the runtime image tag) of a model: the GPU build for GPU models."""
    return f"{base}{GPU_RUNTIME_SUFFIX}" if gpu else base


def default_runtime_base() -> str:
    """The pinned kserve-runtime-configs version: its runtimes' image tag."""
    return chart_pin("kserve-runtime-configs").version


_DTYPE_ARG = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}


@dataclass(frozen=True)
class Placement:
    """Where GPU replicas go: the pool contract's selector, tolerations and GPU resource, or
    on a DRA pool (`claim`) the model's ResourceClaimTemplate instead of a resource count."""

    node_selector: Mapping[str, str]
    tolerations: Sequence[Mapping[str, str]]
    gpu_resource: str | None
    claim: bool = False


def gpu_resource_name(
    base: str | None, sharing: str, mig_profile: str | None, strategy: str
) -> str | None:
    """The extended resource a replica requests on a pool.

    Under the `mixed` MIG strategy the device plugin advertises every slice as
    `nvidia.com/mig-<profile>`, also on pools using one slice size; `single` keeps
    `nvidia.com/gpu`.
    """
    if sharing == "mig-single" and strategy == "mixed" and mig_profile:
        return f"nvidia.com/mig-{mig_profile}"
    return base


def runtime_args(name: str, model: ModelSpec, sizing: ModelSizing) -> list[str]:
    """Hugging Face runtime arguments; vLLM engine flags pass through to vLLM.

    GPU models get every figure the memory model assumed (issue 17): the runtime dtype of
    the format decision (`--dtype=half` for a bf16 model on a GPU without bfloat16), the
    batching limits that set the activation peak, the KV-cache dtype and eager mode.
    """
    dtype = sizing.dtype_arg or _DTYPE_ARG.get(model.precision, "auto")
    if sizing.cpu_only:
        return [
            f"--model_name={name}",
            "--backend=huggingface",
            f"--dtype={dtype}",
            *model.extra_args,
        ]
    args = [
        f"--model_name={name}",
        "--backend=vllm",
        f"--max_model_len={model.max_context_tokens}",
        f"--dtype={dtype}",
        f"--tensor-parallel-size={sizing.tensor_parallel}",
        f"--gpu-memory-utilization={sizing.gpu_memory_utilization:g}",
    ]
    if sizing.need is not None:
        args += [
            f"--max-num-seqs={sizing.need.max_num_seqs}",
            f"--max-num-batched-tokens={sizing.need.max_num_batched_tokens}",
        ]
    if model.kv_cache_dtype != "auto":
        args.append(f"--kv-cache-dtype={model.kv_cache_dtype}")
    if model.enforce_eager:
        args.append("--enforce-eager")
    if model.lora_adapters:
        args += ["--enable-lora", "--lora-modules"]
        args += [
            f"{adapter}={_adapter_source(uri)}"
            for adapter, uri in sorted(model.lora_adapters.items())
        ]
    return args + list(model.extra_args)


def _adapter_source(uri: str) -> str:
    """vLLM takes a Hugging Face repo id or a local path: hf://org/name -> org/name."""
    return uri.removeprefix("hf://")


_UNSET: Any = object()


def inference_service(
    name: str,
    namespace: str,
    model: ModelSpec,
    sizing: ModelSizing,
    placement: Placement | None,
    deployment_mode: str,
    *,
    runtime_base: str | None = None,
    metric: str | None = _UNSET,
    prometheus_url: str | None = None,
) -> dict[str, Any]:
    """The InferenceService of one model (`placement` None for CPU-only models).

    `runtime_base` is the runtime image tag (default: the pinned kserve-runtime-configs
    version); GPU models get its GPU build. `metric` is the autoscaling metric (default:
    `autoscaling.scale_metric`, with KEDA when `prometheus_url` is given). The deployment
    mode is stated on the object, so a KServe whose default mode differs cannot turn the
    model into another kind of workload.
    """
    compute = {"cpu": str(model.cpu_cores), "memory": f"{model.memory_gib}Gi"}
    if placement is not None and not placement.claim and placement.gpu_resource is not None:
        compute[placement.gpu_resource] = str(sizing.tensor_parallel)
    resources: dict[str, Any] = {"requests": dict(compute), "limits": dict(compute)}
    if placement is not None and placement.claim:
        resources["claims"] = [{"name": CLAIM_NAME}]
    predictor: dict[str, Any] = {
        "minReplicas": model.min_replicas,
        "maxReplicas": model.max_replicas,
        "model": {
            "modelFormat": {"name": "huggingface"},
            "runtimeVersion": runtime_version(
                runtime_base or default_runtime_base(), placement is not None
            ),
            "args": runtime_args(name, model, sizing),
            "storageUri": model.storage_uri,
            "resources": resources,
        },
    }
    if placement is not None and placement.claim:
        predictor["resourceClaims"] = pod_claims(name)
    if model.hf_token_secret is not None:
        # Read by the storage initializer (hf:// download) and the runtime alike.
        predictor["model"]["env"] = [
            {
                "name": "HF_TOKEN",
                "valueFrom": {"secretKeyRef": {"name": model.hf_token_secret, "key": "HF_TOKEN"}},
            }
        ]
    if model.service_account is not None:
        predictor["serviceAccountName"] = model.service_account
    if metric is _UNSET:
        metric = scale_metric(model, deployment_mode, keda=prometheus_url is not None)
    annotations, scaling = autoscaling_fields(
        name, namespace, model, metric, deployment_mode, prometheus_url
    )
    annotations[DEPLOYMENT_MODE] = deployment_mode
    predictor.update(scaling)
    if placement is not None:
        predictor["nodeSelector"] = dict(sorted(placement.node_selector.items()))
        if placement.tolerations:
            predictor["tolerations"] = [dict(t) for t in placement.tolerations]
    labels = {**MANAGED_BY, MODEL_LABEL: name}
    if sizing.pool is not None:
        labels[POOL_LABEL] = sizing.pool
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "labels": labels,
        "annotations": dict(sorted(annotations.items())),
    }
    return {
        "apiVersion": ISVC_API,
        "kind": "InferenceService",
        "metadata": metadata,
        "spec": {"predictor": predictor},
    }


def node_group_name(pool: str) -> str:
    return f"llmops-{pool}"


def local_model_node_group(
    pool: str, node_selector: Mapping[str, str], cache: ModelCacheSpec
) -> dict[str, Any]:
    """A LocalModelNodeGroup: a node-local volume of `cache.storage_gib` on the pool's nodes."""
    size = f"{cache.storage_gib}Gi"
    affinity = {
        "required": {
            "nodeSelectorTerms": [
                {
                    "matchExpressions": [
                        {"key": key, "operator": "In", "values": [value]}
                        for key, value in sorted(node_selector.items())
                    ]
                }
            ]
        }
    }
    return {
        "apiVersion": LOCALMODEL_API,
        "kind": "LocalModelNodeGroup",
        "metadata": {"name": node_group_name(pool), "labels": dict(MANAGED_BY)},
        "spec": {
            "storageLimit": size,
            "persistentVolumeSpec": {
                "accessModes": ["ReadWriteOnce"],
                "volumeMode": "Filesystem",
                "capacity": {"storage": size},
                "local": {"path": cache.host_path},
                "persistentVolumeReclaimPolicy": "Delete",
                "storageClassName": cache.storage_class,
                "nodeAffinity": affinity,
            },
            "persistentVolumeClaimSpec": {
                "accessModes": ["ReadWriteOnce"],
                "volumeMode": "Filesystem",
                "resources": {"requests": {"storage": size}},
                "storageClassName": cache.storage_class,
            },
        },
    }


def local_model_cache(name: str, model: ModelSpec, sizing: ModelSizing) -> dict[str, Any]:
    """A LocalModelCache pre-loading `model.storage_uri` on its pool's node group."""
    assert sizing.pool is not None
    return {
        "apiVersion": LOCALMODEL_API,
        "kind": "LocalModelCache",
        "metadata": {"name": name, "labels": {**MANAGED_BY, MODEL_LABEL: name}},
        "spec": {
            "sourceModelUri": model.storage_uri,
            "modelSize": f"{cache_size_gib(sizing.estimate)}Gi",
            "nodeGroups": [node_group_name(sizing.pool)],
        },
    }
