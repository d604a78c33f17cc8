"""Reserved capacity of a node pool, for the budget rule: which pool a node-pool resource is
(its `llmops.dev/pool` node label) and what the stack config says its reservation commits
(`node_pools.<pool>.reservation` in `llmops:platform`: committed nodes and price)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .context import platform_settings
from .pools import AKS_AGENT_POOL, EKS_NODE_GROUP, GKE_NODE_POOL
from .props import get, is_unknown, items

POOL_LABEL = "llmops.dev/pool"
_LABEL_PATHS = {EKS_NODE_GROUP: "labels", GKE_NODE_POOL: "nodeConfig.labels"}


@dataclass(frozen=True)
class Commitment:
    """`nodes` reserved for a pool, each at `usd_per_node_hour` (None: the catalogue's
    on-demand price of the pool's machine type)."""

    pool: str
    nodes: int
    usd_per_node_hour: float | None


def pool_key(resource: Any) -> str | None:
    """The library pool a node-pool resource carries (`llmops.dev/pool` node label), or None."""
    path = _LABEL_PATHS.get(resource.resource_type)
    if path is None and AKS_AGENT_POOL.match(resource.resource_type):
        path = "nodeLabels"
    if path is None:
        return None
    labels = get(resource.props, path)
    if labels is None or is_unknown(labels):
        return None
    value = dict(items(labels)).get(POOL_LABEL)
    return value if isinstance(value, str) and not is_unknown(value) else None


def commitment(resource: Any) -> Commitment | None:
    """The reservation commitment of the resource's pool from the stack config, or None (no
    reservation, `affinity: any`, or a pool the config does not describe)."""
    key = pool_key(resource)
    if key is None:
        return None
    pools = platform_settings().get("node_pools")
    pool = pools.get(key) if isinstance(pools, dict) else None
    reservation = pool.get("reservation") if isinstance(pool, dict) else None
    if not isinstance(reservation, dict) or reservation.get("affinity", "specific") != "specific":
        return None
    nodes = reservation.get("committed_nodes")
    if not isinstance(nodes, (int, float)) or isinstance(nodes, bool) or nodes < 1:
        return None
    price = reservation.get("usd_per_node_hour")
    valid_price = isinstance(price, (int, float)) and not isinstance(price, bool) and price > 0
    return Commitment(key, int(nodes), float(price) if valid_price else None)
