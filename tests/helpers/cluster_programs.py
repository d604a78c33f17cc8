"""Programs for the per-cloud cluster tests (tests/cluster/<cloud>/): one cluster component
named `ml` and, optionally, one GPU pool on it. Each test file builds its cloud's Args."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_llmops.config.node_pool import GpuPoolSpec


def cluster(
    component: Callable[..., Any], args: Any, captured: list[str] | None = None
) -> Callable[[], Any]:
    """A program building `component("ml", args)` and returning it; with `captured`, the
    handle's kubeconfig is appended to `captured` once it resolves."""

    def program() -> Any:
        built = component("ml", args)
        if captured is not None:
            built.handle.kubeconfig.apply(captured.append)
        return built

    return program


def with_pool(
    component: Callable[..., Any],
    args: Any,
    pool: Callable[..., Any],
    pool_args: Callable[..., Any],
    spec: dict | None,
    key: str = "gpu",
    name: str | None = None,
) -> Callable[[], tuple[Any, Any]]:
    """A program building `component("ml", args)` and, unless `spec` is None, the GPU pool
    `pool(name, pool_args(cluster=..., pool=key, spec=...))` on it, `spec` being the
    node_pools entry (validated inside the program) and `name` by default `ml-<key>`. It
    returns (cluster, pool), the pool None without a `spec`."""

    def program() -> tuple[Any, Any]:
        built = component("ml", args)
        if spec is None:
            return built, None
        gpu_pool = pool(
            name or f"ml-{key}",
            pool_args(cluster=built, pool=key, spec=GpuPoolSpec.model_validate(spec)),
        )
        return built, gpu_pool

    return program
