"""The vector database engines, one module each: Qdrant (default), Weaviate, Milvus, pgvector."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ....config.data import VectorDatabaseSpec
from ....kube import deep_merge
from .base import Endpoint, Engine, OperatorChart
from .milvus import MILVUS
from .pgvector import PGVECTOR
from .qdrant import QDRANT
from .weaviate import WEAVIATE

ENGINES: Mapping[str, Engine] = MappingProxyType(
    {e.name: e for e in (QDRANT, WEAVIATE, MILVUS, PGVECTOR)}
)
"""Every engine by its `addons.vector_db.engine` name."""

ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType({n: e.endpoint for n, e in ENGINES.items()})
"""Service name, port and metrics endpoint per engine (names fixed by `fullnameOverride`)."""

CHART_MONITORS = frozenset(n for n, e in ENGINES.items() if e.chart_monitor)
"""Engines whose chart renders its own monitor when metrics are on (needs the monitoring CRDs)."""


def render_values(
    spec: VectorDatabaseSpec, platform_region: str, metrics: bool = False
) -> dict[str, Any]:
    """The engine chart's values with `values_overrides` deep-merged last. `metrics` turns on
    the chart's own monitor where the library has none (Weaviate, pgvector)."""
    values = ENGINES[spec.engine].values(spec, platform_region, metrics)
    return deep_merge(values, spec.values_overrides)


__all__ = [
    "CHART_MONITORS",
    "ENDPOINTS",
    "ENGINES",
    "Endpoint",
    "Engine",
    "OperatorChart",
    "render_values",
]
