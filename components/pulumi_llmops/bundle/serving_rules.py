"""Rules of the serving plan that need the whole platform config: adopted on-prem pools
carry the labels their sharing and cache need, `values_overrides` keep Helm hooks off, KEDA
has a Prometheus, routed models have an admitted gateway. Pure: each returns `Problem`s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..cluster.contracts import DEVICE_PLUGIN_CONFIG_LABEL, MIG_CONFIG_LABEL
from ..config.errors import Problem
from ..config.platform import PlatformConfig
from ..kube import reenabled_hooks
from ..serving.autoscaling import uses_keda
from ..serving.cache import CACHE_NODE_LABEL, CACHE_NODE_LABEL_VALUE
from ..serving.network import gateway_namespace


def adopted_pool_problems(config: PlatformConfig, cached: Iterable[str]) -> list[Problem]:
    """On-prem pools adopted by `node_selector` are never patched, so every label the
    platform relies on must already be on the nodes and listed in `existing_labels`: the
    MIG profile (else the GPU operator's MIG manager labels them all-disabled and the pool
    advertises whole GPUs), the time-slicing config key (else the device plugin advertises
    one slot per GPU), and the model cache agent's label (else no agent runs there)."""
    problems: list[Problem] = []
    cached_pools = set(cached)
    for pool, spec in sorted(config.node_pools.items()):
        onprem = spec.onprem
        if config.target != "onprem" or onprem is None or not onprem.node_selector:
            continue
        needed: dict[str, tuple[str, str]] = {}
        if spec.sharing and spec.sharing.mig:
            needed[MIG_CONFIG_LABEL] = (spec.sharing.mig.profile, "partitions them with MIG")
        if spec.sharing and spec.sharing.time_slicing:
            needed[DEVICE_PLUGIN_CONFIG_LABEL] = (pool, "time-slices their GPUs")
        if pool in cached_pools:
            needed[CACHE_NODE_LABEL] = (CACHE_NODE_LABEL_VALUE, "runs the model cache agent")
        for label, (value, what) in sorted(needed.items()):
            if onprem.existing_labels.get(label) != value:
                problems.append(
                    Problem(
                        f"node_pools.{pool}.onprem.existing_labels",
                        f"nodes adopted by node_selector are not patched, so the platform "
                        f"{what} only if they already carry {label}={value}: label the nodes "
                        "and list the label here, or adopt them by node_names",
                        dict(onprem.existing_labels),
                    )
                )
    return problems


def hook_problems(where: str, chart: str, overrides: Mapping[str, Any]) -> list[Problem]:
    """`values_overrides` (at YAML path `where`) that turn a Helm hook of `chart` back on."""
    return [
        Problem(
            f"{where}.{path}",
            f"turns a Helm hook back on, and Pulumi never runs Helm hooks ({why}); remove it",
            value,
        )
        for path, value, why in reenabled_hooks(chart, overrides)
    ]


def kserve_problems(config: PlatformConfig, metrics: Mapping[str, str | None]) -> list[Problem]:
    """KServe settings that would not work: a second deployment mode in values_overrides,
    KEDA scaling without Prometheus, routed models whose gateway the policy cannot admit."""
    kserve = config.addons.kserve
    problems: list[Problem] = []
    controller = (kserve.values_overrides.get("kserve") or {}).get("controller") or {}
    mode = controller.get("deploymentMode")
    if mode is not None and mode != kserve.deployment_mode:
        problems.append(
            Problem(
                "addons.kserve.values_overrides.kserve.controller.deploymentMode",
                f"overrides addons.kserve.deployment_mode ({kserve.deployment_mode!r}); every "
                "InferenceService states that mode: set deployment_mode instead",
                mode,
            )
        )
    if not config.addons.observability.enabled:
        for name, metric in sorted(metrics.items()):
            if uses_keda(metric):
                problems.append(
                    Problem(
                        f"models.{name}.scale_metric",
                        "queue and kv_cache are read from Prometheus: needs "
                        "addons.observability.enabled",
                        metric,
                    )
                )
    routed = not kserve.gateway.disable_ingress_creation
    if config.models and routed and kserve.network_policy and gateway_namespace(kserve) is None:
        problems.append(
            Problem(
                "addons.kserve.gateway.namespace",
                "required when models get routes (disable_ingress_creation: false) and the "
                f"models NetworkPolicy is on: the gateway of class {kserve.gateway.class_name!r} "
                "must be admitted",
            )
        )
    return problems
