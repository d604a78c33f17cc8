"""Vector database add-on: Qdrant (default), Weaviate, Milvus, or pgvector via CloudNativePG."""

from .component import (
    SnapshotCredentials,
    VectorDatabase,
    VectorDatabaseArgs,
    client_namespaces,
    data_protection,
    render_values,
)
from .values import API_KEY_SECRET, ENDPOINTS, Endpoint

__all__ = [
    "API_KEY_SECRET",
    "ENDPOINTS",
    "Endpoint",
    "SnapshotCredentials",
    "VectorDatabase",
    "VectorDatabaseArgs",
    "client_namespaces",
    "data_protection",
    "render_values",
]
