"""`teams:`, `addons.kueue` and `finetune:` in stack config: valid configs load with their
documented defaults; each invalid one fails with the exact path, message and value, before
anything registers (config rules, then the bundle's `prepare` rules)."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import onprem_platform
from pulumi_llmops.bundle.prepare import prepare
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.recording import Recording
from pulumi_llmops.program import main

H100 = {"gpu": {"model": "H100", "count": 8}, "onprem": {"node_names": ["gpu-1", "gpu-2"]}}
RUN = {
    "base_model": "hf://meta-llama/Llama-3.1-8B-Instruct",
    "params_billion": 8.03,
    "dataset_uri": "s3://acme-data/support/",
    "output_uri": "s3://acme-adapters/support-lora/",
    "pool": "h100",
    "team": "research",
    "image": "ghcr.io/acme/trainer:1.4.0",
}
TEAMS = {"research": {"quotas": {"h100": {"gpus": 8}}}}


def platform(**overrides: Any) -> dict[str, Any]:
    data = {"node_pools": {"h100": H100}, "teams": TEAMS, "finetune": {"run": RUN}}
    data.update(overrides)
    return onprem_platform(**data)


def problems(data: dict[str, Any]) -> list[str]:
    try:
        prepare(load_platform_config(data))
    except ConfigError as error:
        return [p.render() for p in error.problems]
    return []


def test_valid_config_loads_with_documented_defaults() -> None:
    config = load_platform_config(platform())
    team = config.teams["research"]
    assert (team.namespace, team.cohort, team.namespace_of("research")) == (
        None,
        "llmops",
        "team-research",
    )
    quota = team.quotas["h100"]
    assert (quota.borrowing_limit, quota.lending_limit, quota.cpu_cores, quota.memory_gib) == (
        None,
        None,
        None,
        None,
    )
    run = config.finetune["run"]
    assert (run.method, run.lora_rank, run.gpus, run.seq_len, run.micro_batch_size) == (
        "lora",
        16,
        None,
        2048,
        1,
    )
    assert (run.gradient_checkpointing, run.backoff_limit, run.max_runtime_seconds) == (
        True,
        1,
        86_400,
    )
    assert (run.data_region, run.priority_class, run.command) == (None, None, [])
    assert config.addons.kueue.enabled is None
    assert problems(platform()) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"teams": {"research": {"quotas": {"a100": {"gpus": 4}}}}, "finetune": {}},
            ["teams.research.quotas.a100: unknown pool; configured pools: h100 (got 'a100')"],
        ),
        (
            {"teams": {"research": {"quotas": {"h100": {"gpus": -1}}}}, "finetune": {}},
            [
                "teams.research.quotas.h100.gpus: Input should be greater than or equal to 0 "
                "(got -1)"
            ],
        ),
        (
            {"teams": {"research": {"quotas": {"h100": {"gpus": 2, "lending_limit": 3}}}}},
            ["teams.research.quotas.h100.lending_limit: must be <= gpus (2) (got 3)"],
        ),
        (
            {
                "teams": {
                    "research": {
                        "cohort": None,
                        "quotas": {"h100": {"gpus": 8, "borrowing_limit": 2}},
                    }
                }
            },
            [
                "teams.research.quotas.h100.borrowing_limit: borrowing needs a cohort; set "
                "cohort or remove borrowing_limit (got 2)"
            ],
        ),
        (
            {"teams": {"research": {"namespace": "llmops-models"}}, "finetune": {}},
            [
                "teams.research.namespace: a platform or system namespace; give the team its "
                "own (got 'llmops-models')"
            ],
        ),
        (
            {"teams": {"a": {"namespace": "ml"}, "b": {"namespace": "ml"}}, "finetune": {}},
            ["teams.b.namespace: already the namespace of team a (got 'ml')"],
        ),
        (
            {"addons": {"kueue": {"enabled": False}}, "finetune": {}},
            [
                "addons.kueue.enabled: false, but teams are configured; their quotas need Kueue (got False)"
            ],
        ),
        (
            {"finetune": {"run": {**RUN, "team": "ops"}}},
            ["finetune.run.team: unknown team; configured teams: research (got 'ops')"],
        ),
        (
            {"finetune": {"run": {**RUN, "pool": "l4"}}},
            ["finetune.run.pool: unknown pool; configured pools: h100 (got 'l4')"],
        ),
        (
            {"teams": {"research": {}}},
            [
                "finetune.run.pool: team research has no quota on pool h100, so Kueue would "
                "never admit the run; add teams.research.quotas.h100 (got 'h100')"
            ],
        ),
        (
            {"finetune": {"run": {**RUN, "priority_class": "urgent"}}},
            [
                "finetune.run.priority_class: unknown priority class; "
                "addons.kueue.priority_classes: none (got 'urgent')"
            ],
        ),
        (
            {"finetune": {"run": {**RUN, "method": "full", "lora_rank": 8}}},
            ["finetune.run.lora_rank: only used with method: lora (got 8)"],
        ),
        (
            {"finetune": {"run": {**RUN, "output_uri": "hf://acme/out"}}},
            [
                "finetune.run.output_uri: must be an s3://, gs://, Azure Blob "
                "(https://<account>.blob.core.windows.net/<container>) or pvc:// URI "
                "(got 'hf://acme/out')"
            ],
        ),
        (
            {"finetune": {"run": {**RUN, "image": "Not An Image"}}},
            [
                "finetune.run.image: must be an image reference (registry/name:tag@digest) "
                "(got 'Not An Image')"
            ],
        ),
    ],
)
def test_invalid_config_is_named_by_path(overrides: dict[str, Any], expected: list[str]) -> None:
    assert problems(platform(**overrides)) == expected


def test_a_run_too_large_for_one_node() -> None:
    run = {**RUN, "method": "full", "params_billion": 70}
    assert problems(platform(finetune={"run": run})) == [
        "finetune.run: does not fit one node of pool h100: 149.7 GiB per GPU on 8 GPUs "
        "(weights 16.3, gradients 16.3, optimizer 97.79, activations 4.79, overhead 14.52), "
        "74.51 GiB each; use method: lora, a shorter seq_len, or a pool with larger GPUs"
    ]


def test_given_gpus_that_do_not_hold_the_run() -> None:
    run = {**RUN, "method": "full", "gpus": 1}
    assert problems(platform(finetune={"run": run})) == [
        "finetune.run.gpus: needs 134.97 GiB per GPU on 1 GPUs (weights 14.96, gradients "
        "14.96, optimizer 89.74, activations 2.59, overhead 12.72); H100 has 74.51 GiB: raise "
        "gpus or leave it unset (got 1)"
    ]


def test_a_run_larger_than_its_team_can_ever_get() -> None:
    teams = {"research": {"cohort": None, "quotas": {"h100": {"gpus": 1}}}}
    run = {**RUN, "method": "full"}
    assert problems(platform(teams=teams, finetune={"run": run})) == [
        "finetune.run: needs 2 GPUs but team research can get at most 1 on pool h100 (quota "
        "plus what it may borrow), so Kueue would never admit it"
    ]


def test_borrowing_from_the_cohort_counts_towards_the_reach() -> None:
    teams = {
        "research": {"quotas": {"h100": {"gpus": 1}}},
        "product": {"quotas": {"h100": {"gpus": 4, "lending_limit": 1}}},
    }
    run = {**RUN, "method": "full"}
    assert problems(platform(teams=teams, finetune={"run": run})) == []


def test_time_sliced_pools_take_no_fine_tuning() -> None:
    pool = {**H100, "sharing": {"time_slicing": {"replicas": 2}}}
    assert problems(platform(node_pools={"h100": pool})) == [
        "finetune.run.pool: time-sliced GPUs share memory without isolation; fine-tune on "
        "whole GPUs or MIG slices (got 'h100')"
    ]


def test_a_mixed_mig_pool_cannot_carry_a_quota() -> None:
    pool = {**H100, "sharing": {"mig": {"profile": "all-balanced"}}}
    assert problems(platform(node_pools={"h100": pool}, finetune={})) == [
        "node_pools.h100.sharing.mig.profile: a mixed MIG profile advertises one resource per "
        "slice size, which a Kueue quota cannot count as GPUs; use a single-size profile "
        "(all-3g.40gb) (got 'all-balanced')"
    ]


def test_a_run_that_fits_no_node_registers_nothing() -> None:
    import json

    data = platform(finetune={"run": {**RUN, "method": "full", "params_billion": 70}})
    recording = Recording()
    with pytest.raises(ConfigError) as caught:
        run_program(main, config={"llmops:platform": json.dumps(data)}, recording=recording)
    assert [p.path for p in caught.value.problems] == ["finetune.run"]
    assert recording.resources == []


def test_a_dra_pool_cannot_carry_a_quota() -> None:
    pool = {**H100, "gpu": {**H100["gpu"], "allocation": "dra"}}
    data = platform(
        node_pools={"h100": pool},
        finetune={},
        addons={"dra_driver": {"kubernetes_version": "1.34"}},
    )
    assert problems(data) == [
        "node_pools.h100.gpu.allocation: dra: the pool's GPUs are handed out by ResourceClaims, "
        "which a Kueue quota counts only through Kueue's own DRA configuration (not "
        "generated); give teams' quotas and fine-tuning runs a device-plugin pool (got 'dra')"
    ]
