"""Multi-node serving: a replica across whole nodes with KServe's multi-node Hugging Face
runtime (Ray), tensor parallel within each node and pipeline parallel across nodes.

KServe v0.20.0 serves a multi-node InferenceService when `spec.predictor.workerSpec` is set
(`tensorParallelSize`, `pipelineParallelSize`; the pinned CRD has both), with the
`kserve-huggingfaceserver-multinode` ClusterServingRuntime the pinned kserve-runtime-configs
chart installs (`huggingfaceserver_multinode`, on by default). KServe's webhook and docs
require Standard (raw) deployment mode, autoscaler class `none`, a `pvc://` storage URI
(ReadWriteMany: every node reads it) and exactly one head pod. The library also requires a
fast interconnect declared on the pool and on-demand capacity (a reclaimed spot node stops
the whole replica). Docs: https://kserve.github.io/website/docs/model-serving/generative-inference/multi-node
Pure: no Pulumi.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from ..catalog.packing import ReplicaOption
from ..config.errors import Problem
from ..config.models import ModelSpec
from .pools import PoolUnit

MULTI_NODE_RUNTIME = "kserve-huggingfaceserver-multinode"
"""The ClusterServingRuntime of KServe's runtime YAML (config/runtimes/) and chart."""
WORKER_CONTAINER = "worker-container"
"""The runtime's workerSpec container name: the ISVC's worker container merges into it."""
MULTI_NODE_STORAGE = ("pvc://",)
"""Storage schemes multi-node replicas accept here (KServe also accepts oci://, which the
library's storage_uri does not)."""


def pool_problem(unit: PoolUnit) -> str | None:
    """Why a multi-node replica cannot run on this pool, or None."""
    if unit.spot:
        return "a spot pool: reclaiming any one node stops the whole replica; use an on-demand pool"
    if unit.interconnect == "efa" and unit.target != "eks":
        return (
            f"node_pools.{unit.shape.pool}.interconnect is efa, AWS's Elastic Fabric Adapter, "
            f"but the target is {unit.target}: declare rdma or infiniband"
        )
    if unit.interconnect == "none":
        return (
            f"node_pools.{unit.shape.pool}.interconnect is none: pipeline stages exchange "
            "activations every step; declare efa, rdma or infiniband"
        )
    return None


def eligible_options(
    name: str, options: Sequence[ReplicaOption], units: Mapping[str, PoolUnit]
) -> tuple[tuple[ReplicaOption, ...], Problem | None]:
    """`options` without multi-node ones on pools that cannot run them; a problem at
    `models.<name>.allow_multi_node` when none is left."""
    kept, rejected = [], []
    for option in options:
        why = pool_problem(units[option.pool]) if option.pp > 1 else None
        if why is None:
            kept.append(option)
        else:
            rejected.append(
                f"{option.pool} ({option.pp} nodes, TP {option.tp} x PP {option.pp}): {why}"
            )
    if kept or not rejected:
        return tuple(kept), None
    return (), Problem(
        f"models.{name}.allow_multi_node",
        "no single node holds a replica and no pool can serve it across nodes: "
        + "; ".join(rejected),
        True,
    )


def model_problems(name: str, model: ModelSpec, deployment_mode: str) -> list[Problem]:
    """KServe's rules for a model sized across nodes (paths from the root)."""
    where = f"models.{name}"
    problems = []
    if not model.storage_uri.startswith(MULTI_NODE_STORAGE):
        problems.append(
            Problem(
                f"{where}.storage_uri",
                "a multi-node replica reads its weights from a ReadWriteMany volume on every "
                "node: KServe's multi-node runtime accepts pvc:// only",
                model.storage_uri,
            )
        )
    if model.min_replicas != 1 or model.max_replicas != 1:
        problems.append(
            Problem(
                f"{where}.max_replicas",
                "KServe's multi-node runtime runs exactly one head pod (no autoscaling): set "
                "min_replicas and max_replicas to 1",
                model.max_replicas,
            )
        )
    if deployment_mode != "Standard":
        problems.append(
            Problem(
                "addons.kserve.deployment_mode",
                f"model {name} is served across nodes, which KServe supports in Standard mode only",
                deployment_mode,
            )
        )
    return problems


def head_command(name: str, vllm_args: Sequence[str]) -> list[str]:
    """The head container's command: the pinned runtime's head script (start Ray, wait for
    every pipeline stage's node, then the server), with the library's vLLM arguments, which
    the runtime's own command line does not take."""
    flags = " ".join(shlex.quote(a) for a in vllm_args)
    script = (
        "ray start --head --disable-usage-stats --include-dashboard false\n"
        'until [[ $(ray status | grep -c node_) -eq "${PIPELINE_PARALLEL_SIZE}" ]]; do\n'
        '  echo "Waiting for ${PIPELINE_PARALLEL_SIZE} Ray nodes..."; sleep 1\n'
        "done\n"
        "ray status\n"
        'MODEL="${MODEL_DIR:-${MODEL_ID}}"\n'
        f"exec python3 -m huggingfaceserver --model_name={shlex.quote(name)} "
        '--model_dir="${MODEL}" --tensor-parallel-size="${TENSOR_PARALLEL_SIZE}" '
        f'--pipeline-parallel-size="${{PIPELINE_PARALLEL_SIZE}}" {flags}\n'
    )
    return ["bash", "-c", script]


def worker_spec(
    tensor_parallel: int,
    pipeline_parallel: int,
    compute: Mapping[str, str],
    node_selector: Mapping[str, str],
    tolerations: Sequence[Mapping[str, str]],
) -> dict[str, Any]:
    """`spec.predictor.workerSpec`: `pipeline_parallel - 1` worker pods (KServe derives the
    count), each with the node's GPUs, on the same pool as the head."""
    spec: dict[str, Any] = {
        "tensorParallelSize": tensor_parallel,
        "pipelineParallelSize": pipeline_parallel,
        "containers": [
            {
                "name": WORKER_CONTAINER,
                "resources": {"requests": dict(compute), "limits": dict(compute)},
            }
        ],
        "nodeSelector": dict(sorted(node_selector.items())),
    }
    if tolerations:
        spec["tolerations"] = [dict(t) for t in tolerations]
    return spec
