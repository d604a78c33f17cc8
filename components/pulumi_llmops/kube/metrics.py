"""`MetricsTarget`: a Service the observability stack scrapes with an API key.

A plain record shared by the component that exposes the metrics (the vector database,
`VectorDatabase.metrics_target()`) and the one that scrapes them (`ObservabilityArgs.vector_db`),
so neither add-on imports the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class MetricsTarget:
    """A Service to scrape with an API key: `namespace`, the Service's `selector` labels, its
    named `port` and `path`, and the Secret (`secret_name`, `secret_key`) holding the key."""

    namespace: str
    selector: Mapping[str, str]
    port: str
    path: str
    secret_name: str
    secret_key: str
