"""Vector database add-on: Qdrant (default), Weaviate, Milvus, or pgvector via CloudNativePG."""

from .common import API_KEY_KEY, API_KEY_SECRET
from .component import SnapshotCredentials, VectorDatabase, VectorDatabaseArgs
from .engines import CHART_MONITORS, ENDPOINTS, ENGINES, Endpoint, Engine, render_values
from .network import client_namespaces

__all__ = [
    "API_KEY_KEY",
    "API_KEY_SECRET",
    "CHART_MONITORS",
    "ENDPOINTS",
    "ENGINES",
    "Endpoint",
    "Engine",
    "SnapshotCredentials",
    "VectorDatabase",
    "VectorDatabaseArgs",
    "client_namespaces",
    "render_values",
]
