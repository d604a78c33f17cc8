"""The GPU scheduling contract: labels, taints and GPU units per pool (pure functions)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.cluster.contracts import (
    Taint,
    build_contract,
    label_value,
    pool_labels,
    pool_taints,
)
from pulumi_llmops.config import GpuPoolSpec


def spec(**fields: Any) -> GpuPoolSpec:
    return GpuPoolSpec.model_validate({"gpu": {"model": "A100-80GB", "count": 8}, **fields})


@pytest.mark.parametrize(
    ("text", "expected"),
    [("A100-80GB", "a100-80gb"), ("H100 NVL 94GB", "h100-nvl-94gb"), ("L4", "l4"), ("--x--", "x")],
)
def test_label_value(text: str, expected: str) -> None:
    assert label_value(text) == expected


def test_default_labels_and_gpu_taint() -> None:
    pool = spec()
    assert pool_labels("train", pool) == {
        "llmops.dev/gpu-model": "a100-80gb",
        "llmops.dev/pool": "train",
    }
    assert pool_taints(pool) == (Taint("nvidia.com/gpu", "present", "NoSchedule"),)


def test_additional_taints_merge_by_key_over_the_default() -> None:
    pool = spec(
        additional_taints={
            "nvidia.com/gpu": {"value": "", "effect": "NoExecute"},
            "dedicated": {"value": "ml", "effect": "PreferNoSchedule"},
        }
    )
    assert pool_taints(pool) == (
        Taint("dedicated", "ml", "PreferNoSchedule"),
        Taint("nvidia.com/gpu", "", "NoExecute"),
    )
    assert [t.toleration() for t in pool_taints(pool)] == [
        {"key": "dedicated", "operator": "Equal", "value": "ml", "effect": "PreferNoSchedule"},
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoExecute"},
    ]


def test_gpu_taint_can_be_switched_off() -> None:
    assert pool_taints(spec(gpu_taint=False)) == ()


def test_additional_labels_win_over_library_labels() -> None:
    labels = pool_labels("p", spec(additional_labels={"llmops.dev/gpu-model": "a100", "x": "y"}))
    assert labels == {"llmops.dev/gpu-model": "a100", "llmops.dev/pool": "p", "x": "y"}


def test_time_slicing_contract() -> None:
    contract = build_contract("ts", spec(sharing={"time_slicing": {"replicas": 4}}), "onprem")
    assert contract.labels["nvidia.com/device-plugin.config"] == "ts"
    assert (contract.sharing, contract.gpu_resource) == ("time-slicing", "nvidia.com/gpu")
    assert contract.schedulable_gpus_per_node == 32
    assert contract.memory_per_schedulable_gpu_gib is None  # no memory declared on the spec


def test_mig_single_strategy_contract() -> None:
    contract = build_contract(
        "mig",
        spec(
            gpu={"model": "A100-80GB", "count": 8, "memory_gib": 80},
            sharing={"mig": {"profile": "all-1g.10gb"}},
        ),
        "onprem",
    )
    assert contract.labels["nvidia.com/mig.config"] == "all-1g.10gb"
    assert (contract.sharing, contract.gpu_resource) == ("mig-single", "nvidia.com/gpu")
    assert contract.schedulable_gpus_per_node == 56
    assert contract.memory_per_schedulable_gpu_gib == 9.31


def test_mig_balanced_uses_mixed_strategy_without_a_single_resource() -> None:
    contract = build_contract("mig", spec(sharing={"mig": {"profile": "all-balanced"}}), "onprem")
    assert (contract.sharing, contract.gpu_resource, contract.schedulable_gpus_per_node) == (
        "mig-mixed",
        None,
        None,
    )


def test_whole_gpu_contract_targets_the_pool() -> None:
    contract = build_contract("big", spec(min_nodes=1, max_nodes=3, spot=True), "eks")
    assert contract.node_selector == {"llmops.dev/pool": "big"}
    assert contract.tolerations == [
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
    ]
    assert (contract.min_nodes, contract.max_nodes, contract.spot) == (1, 3, True)
    assert (contract.gpus_per_node, contract.schedulable_gpus_per_node) == (8, 8)
