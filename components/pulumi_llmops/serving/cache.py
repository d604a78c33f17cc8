"""Where the KServe model cache runs: which pools hold cached models, and the node label the
cache's node agent is scheduled by. Pure functions, no Pulumi.

The kserve-localmodel-resources v0.20.0 chart schedules its node agent DaemonSet by
`kserve.localmodelnode.controller.nodeSelector` (default `kserve/localmodel: worker`) and
keeps the cache under `/models` on the host; the library labels the cached pools' nodes and
points the local PersistentVolumes there.
Upstream: https://kserve.github.io/website/docs/model-serving/generative-inference/modelcache/localmodel
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ..cluster.contracts import GpuPoolContract
from ..config.models import ModelSpec
from .sizing import ModelSizing

CACHE_NODE_LABEL = "kserve/localmodel"
CACHE_NODE_LABEL_VALUE = "worker"
"""The chart's default node selector of the cache node agent (values.yaml
`kserve.localmodelnode.controller.nodeSelector`)."""


def cached_pools(models: Mapping[str, ModelSpec], sizing: Mapping[str, ModelSizing]) -> list[str]:
    """Pools holding at least one model with `cache: true`, sorted."""
    return sorted(
        {
            sizing[name].pool
            for name, model in models.items()
            if model.cache and name in sizing and sizing[name].pool is not None
        }
    )


def with_cache_label(contract: GpuPoolContract) -> GpuPoolContract:
    """The contract with the node agent's label among the labels its pool component applies."""
    labels = {**contract.labels, CACHE_NODE_LABEL: CACHE_NODE_LABEL_VALUE}
    return replace(contract, labels=dict(sorted(labels.items())))
