"""`Engine`: what the vector DB component needs to know about one database engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pulumi

from ....config.data import VectorDatabaseSpec


@dataclass(frozen=True)
class Endpoint:
    """How clients reach the engine inside the cluster."""

    service: str
    port: int
    scheme: str
    metrics_port: str | None
    metrics_path: str
    metrics_selector: dict[str, str]

    def url(self, namespace: str) -> str:
        return f"{self.scheme}://{self.service}.{namespace}.svc.cluster.local:{self.port}"


@dataclass(frozen=True)
class OperatorChart:
    """An operator the engine's chart needs first (CloudNativePG for pgvector)."""

    chart_key: str
    namespace: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Engine:
    """One vector database engine.

    `values(spec, region, metrics)` renders the chart's values (before `values_overrides`;
    secrets only by reference, never inline); `key_data(key)` is the API-key Secret's data;
    `snapshots` says who takes
    scheduled snapshots (`cronjob`: the library's CronJob calls the engine's API; `chart`:
    the chart's own backups; `none`: not supported); `chart_monitor` says the chart renders
    its own monitor when metrics are on (so it needs the monitoring CRDs first).
    """

    name: str
    chart_key: str
    endpoint: Endpoint
    values: Callable[[VectorDatabaseSpec, str, bool], dict[str, Any]]
    key_data: Callable[[pulumi.Output[str]], dict[str, pulumi.Input[str]]]
    snapshots: Literal["cronjob", "chart", "none"]
    secret_type: str = "Opaque"
    chart_monitor: bool = False
    operator: OperatorChart | None = None


def api_key_data(key: pulumi.Output[str]) -> dict[str, pulumi.Input[str]]:
    """The API-key Secret of most engines: one key, `api-key`."""
    from ..common import API_KEY_KEY

    return {API_KEY_KEY: key}
