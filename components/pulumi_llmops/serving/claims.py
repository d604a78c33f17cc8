"""Pure builders of the DRA objects a model on a `gpu.allocation: dra` pool needs: a
`resource.k8s.io/v1` ResourceClaimTemplate asking for `tensor_parallel` devices of the pool's
kind (whole GPU or MIG slice) with at least the memory the sizing computed, and the pod-level
claim reference the InferenceService's predictor carries instead of `nvidia.com/gpu: N`.

Upstream: https://kubernetes.io/docs/concepts/scheduling-eviction/dynamic-resource-allocation/
"""

from __future__ import annotations

import math
from typing import Any

from ..cluster.contracts import POOL_LABEL, GpuPoolContract
from ..config.allocation import DRA_DRIVER_NAME, GPU_DEVICE_CLASS, MIG_DEVICE_CLASS, RESOURCE_API
from ..kube import MANAGED_BY
from .sizing import ModelSizing

MODEL_LABEL = "llmops.dev/model"
CLAIM_NAME = "gpu"
"""Name of the claim in the pod (`resourceClaims[].name`) and of its one device request."""


def claim_template_name(model: str) -> str:
    return f"{model}-gpu"


def device_class(contract: GpuPoolContract) -> str:
    """`mig.nvidia.com` on MIG pools, `gpu.nvidia.com` (whole GPUs) elsewhere."""
    return MIG_DEVICE_CLASS if contract.sharing.startswith("mig") else GPU_DEVICE_CLASS


def min_device_mib(sizing: ModelSizing) -> int:
    """Smallest device memory (MiB, rounded up) on which the sizing still fits at its
    `gpu_memory_utilization`: vLLM's share must hold weights + KV cache + activations + CUDA
    graphs + non-torch memory, and the rest CUDA context + NCCL (`GpuNeed.fits`)."""
    need = sizing.need
    if need is None:
        raise ValueError(f"model {sizing.model!r} has no GPU sizing")
    share = need.gpu_memory_utilization
    inside = need.total_gib / share
    outside = need.outside_gib / (1 - share) if share < 1 else 0.0
    return math.ceil(max(inside, outside) * 1024)


def memory_selector(mib: int) -> str:
    """CEL: the device's published memory capacity is at least `mib` MiB."""
    return f"device.capacity['{DRA_DRIVER_NAME}'].memory.compareTo(quantity('{mib}Mi')) >= 0"


def resource_claim_template(
    model: str, namespace: str, sizing: ModelSizing, contract: GpuPoolContract
) -> dict[str, Any]:
    """The ResourceClaimTemplate of one model's replicas: `tensor_parallel` devices (each a
    whole GPU or a MIG slice, by the pool) with at least `min_device_mib`."""
    return {
        "apiVersion": RESOURCE_API,
        "kind": "ResourceClaimTemplate",
        "metadata": {
            "name": claim_template_name(model),
            "namespace": namespace,
            "labels": {**MANAGED_BY, MODEL_LABEL: model, POOL_LABEL: contract.pool},
        },
        "spec": {
            "spec": {
                "devices": {
                    "requests": [
                        {
                            "name": CLAIM_NAME,
                            "exactly": {
                                "deviceClassName": device_class(contract),
                                "allocationMode": "ExactCount",
                                "count": sizing.tensor_parallel,
                                "selectors": [
                                    {"cel": {"expression": memory_selector(min_device_mib(sizing))}}
                                ],
                            },
                        }
                    ]
                }
            }
        },
    }


def pod_claims(model: str) -> list[dict[str, str]]:
    """`resourceClaims` of the predictor pod: one claim from the model's template."""
    return [{"name": CLAIM_NAME, "resourceClaimTemplateName": claim_template_name(model)}]
