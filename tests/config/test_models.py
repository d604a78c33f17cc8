"""`models:` and the serving add-on specs in stack config: valid configs load; each invalid one
fails with the exact path, message and value; bad models register nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import onprem_platform
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.offline.engine import run_program
from pulumi_llmops.offline.recording import Recording
from pulumi_llmops.program import main

MODEL = {"storage_uri": "hf://meta-llama/Llama-3.1-8B-Instruct", "params_billion": 8}


def problems(data: dict[str, Any]) -> list[str]:
    try:
        load_platform_config(data)
    except ConfigError as error:
        return [p.render() for p in error.problems]
    return []


def with_model(**fields: Any) -> dict[str, Any]:
    return onprem_platform(models={"llama": {**MODEL, **fields}})


def test_valid_models_config_loads_with_documented_defaults() -> None:
    config = load_platform_config(with_model())
    model = config.models["llama"]
    assert (model.precision, model.max_context_tokens, model.concurrent_sequences) == (
        "bf16",
        8192,
        1,
    )
    assert (model.min_replicas, model.max_replicas, model.pool, model.tensor_parallel) == (
        1,
        1,
        None,
        None,
    )
    assert (model.cpu_cores, model.memory_gib, model.cache, model.cpu_only) == (4, 32, False, False)
    kserve = config.addons.kserve
    assert (kserve.enabled, kserve.deployment_mode, kserve.install_runtimes) == (
        None,
        "Standard",
        True,
    )
    assert kserve.gateway.domain == "example.com"
    assert config.addons.gpu_operator.enabled is None
    assert config.addons.cert_manager.enabled is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            with_model(storage_uri="http://example.com/model"),
            [
                "models.llama.storage_uri: must be a model location: hf://<org>/<model>, "
                "s3://<bucket>/<path>, gs://<bucket>/<path> or pvc://<claim>/<path> "
                "(got 'http://example.com/model')"
            ],
        ),
        (
            with_model(weights_gb=16),
            ["models.llama: set exactly one of params_billion or weights_gb"],
        ),
        (
            with_model(min_replicas=3, max_replicas=2),
            ["models.llama.min_replicas: must be <= max_replicas (2) (got 3)"],
        ),
        (
            with_model(pool="h100"),
            ["models.llama.pool: unknown pool; configured pools: l4 (got 'h100')"],
        ),
        (
            with_model(min_replicas=0),
            [
                "models.llama.min_replicas: 0 (scale to zero) needs "
                "addons.kserve.deployment_mode: Knative (got 0)"
            ],
        ),
        (
            with_model(max_replicas=3, scale_metric="concurrency"),
            [
                "models.llama.scale_metric: Standard mode autoscales with an HPA (cpu, memory) "
                "or KEDA (queue, kv_cache); concurrency and rps need deployment_mode: Knative "
                "(got 'concurrency')"
            ],
        ),
        (
            {
                **with_model(max_replicas=3, scale_metric="queue"),
                "addons": {"kserve": {"deployment_mode": "Knative"}},
            },
            [
                "models.llama.scale_metric: Knative mode autoscales with Knative's autoscaler "
                "(concurrency, rps); queue and kv_cache need deployment_mode: Standard "
                "(got 'queue')"
            ],
        ),
        (
            with_model(cpu_only=True, max_replicas=2, scale_metric="kv_cache"),
            [
                "models.llama.scale_metric: queue and kv_cache are vLLM metrics; CPU models run "
                "the Hugging Face backend: use cpu or memory (got 'kv_cache')"
            ],
        ),
        (
            with_model(max_replicas=2, scale_metric="kv_cache", scale_target=150),
            ["models.llama.scale_target: a KV-cache percentage: 1 to 100 (got 150)"],
        ),
        (
            with_model(cache=True),
            ["models.llama.cache: needs addons.kserve.model_cache.enabled: true (got True)"],
        ),
        (
            with_model(cpu_only=True, pool="l4", tensor_parallel=2),
            [
                "models.llama.pool: not used with cpu_only: true (got 'l4')",
                "models.llama.tensor_parallel: not used with cpu_only: true (got 2)",
            ],
        ),
        (
            with_model(tensor_parallel=3),
            ["models.llama.tensor_parallel: Input should be 1, 2, 4 or 8 (got 3)"],
        ),
        (
            with_model(lora_adapters={"sql": "ftp://bucket/adapter"}),
            [
                "models.llama.lora_adapters.sql: must be hf://org/adapter, an absolute path in the "
                "container, an s3://, gs:// or Azure Blob URI, or finetune://<run> "
                "(got 'ftp://bucket/adapter')"
            ],
        ),
        (
            with_model(storage_uri="pvc://models/llama", cache=True),
            [
                "models.llama.cache: the model cache downloads hf://, s3:// or gs:// URIs; a pvc:// "
                "model is already on a volume (got 'pvc://models/llama')"
            ],
        ),
        (
            onprem_platform(node_pools={}, models={"llama": MODEL}),
            ["models.llama: no GPU pool is configured; add node_pools or set cpu_only: true"],
        ),
        (
            onprem_platform(models={"llama": MODEL}, addons={"kserve": {"enabled": False}}),
            [
                "addons.kserve.enabled: false, but models are configured; remove `models` or enable "
                "KServe (got False)"
            ],
        ),
        (
            onprem_platform(models={"Llama_8B": MODEL}),
            [
                "models.Llama_8B.[key]: name 'Llama_8B' must be 1-30 characters of [a-z0-9-], "
                "start with a letter and not end with '-' (it becomes part of resource names and labels) "
                "(got 'Llama_8B')"
            ],
        ),
        (
            with_model(replicas=2),
            [
                "models.llama.replicas: unknown key; allowed keys: allow_multi_node, "
                "allow_weight_only_fp8, architecture, cache, concurrent_sequences, cpu_cores, "
                "cpu_only, dtype, enforce_eager, extra_args, gpu_memory_utilization, "
                "hf_token_secret, kv_cache_dtype, lora_adapters, max_context_tokens, "
                "max_num_batched_tokens, max_num_seqs, max_replicas, memory, memory_gib, "
                "min_replicas, params_billion, pool, precision, routing, scale_metric, "
                "scale_target, service_account, slo, storage_uri, tensor_parallel, weights_gb"
            ],
        ),
        (
            onprem_platform(addons={"kserve": {"deployment_mode": "Serverless"}}),
            [
                "addons.kserve.deployment_mode: Input should be 'Standard' or 'Knative' "
                "(got 'Serverless')"
            ],
        ),
        (
            onprem_platform(addons={"gpu_operator": {"mig_parted_config": {"version": "v1"}}}),
            [
                "addons.gpu_operator.mig_parted_config: must have a `mig-configs` mapping (and "
                "`version: v1`) (got {'version': 'v1'})"
            ],
        ),
    ],
    ids=lambda value: "" if isinstance(value, list) else None,
)
def test_invalid_models_config_names_path_value_and_rule(
    data: dict[str, Any], expected: list[str]
) -> None:
    assert problems(data) == expected


def test_knative_allows_scale_to_zero_and_concurrency() -> None:
    data = onprem_platform(
        models={
            "llama": {**MODEL, "min_replicas": 0, "max_replicas": 3, "scale_metric": "concurrency"}
        },
        addons={"kserve": {"deployment_mode": "Knative"}},
    )
    assert problems(data) == []


def run_expecting_config_error(data: dict[str, Any]) -> tuple[ConfigError, Recording]:
    recording = Recording()
    try:
        run_program(main, config={"llmops:platform": json.dumps(data)}, recording=recording)
    except ConfigError as error:
        return error, recording
    raise AssertionError("ConfigError expected")


def test_model_that_fits_no_pool_registers_nothing() -> None:
    data = onprem_platform(models={"huge": {"storage_uri": "hf://org/huge", "params_billion": 70}})
    error, recording = run_expecting_config_error(data)
    assert [p.path for p in error.problems] == ["models.huge"]
    assert error.problems[0].message.startswith(
        "no GPU pool fits one replica (weights 130.39 GiB (70B params x 2 B), KV cache 19.62 GiB"
    )
    considered = "Pools considered: l4: needs weights 65.19 + KV cache 9.81"
    assert considered in error.problems[0].message
    assert recording.resources == []


def test_time_sliced_and_whole_gpu_pools_coexist_on_one_operator() -> None:
    pools = {
        "a": {"gpu": {"model": "L4", "count": 1}, "onprem": {"node_names": ["n1"]}},
        "b": {
            "gpu": {"model": "L4", "count": 1},
            "sharing": {"time_slicing": {"replicas": 2}},
            "onprem": {"node_names": ["n2"]},
        },
    }
    data = onprem_platform(node_pools=pools)
    assert problems(data) == []
    recording = Recording()
    run_program(main, config={"llmops:platform": json.dumps(data)}, recording=recording)
    assert recording.named("lab-gpu-operator-device-plugin-config")
