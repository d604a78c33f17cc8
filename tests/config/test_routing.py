"""`routing:`, `models.<m>.routing` and `benchmark:`: valid configs load with their
defaults; each invalid one fails with the exact path, value and rule."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import onprem_platform
from helpers.cloud_configs import platform as cloud_platform
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.config.routing import routed_models

MODEL = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}


def problems(data: dict[str, Any]) -> list[str]:
    try:
        load_platform_config(data)
    except ConfigError as error:
        return [p.render() for p in error.problems]
    return []


def test_defaults_route_through_the_service_and_run_no_benchmark() -> None:
    config = load_platform_config(onprem_platform(models={"m": MODEL}))
    assert config.routing.default == "service"
    assert config.routing.gateway.exposure == "internal"
    assert config.routing.gateway.port == 80
    assert config.routing.objectives == {}
    assert config.routing.flow_control is False
    assert config.routing.install_crds is True
    assert config.models["m"].routing is None
    assert config.benchmark is None
    assert routed_models(config.routing, config.models) == []


def test_per_model_choice_wins_over_the_default_and_cpu_models_stay_on_services() -> None:
    config = load_platform_config(
        onprem_platform(
            models={
                "a": MODEL,
                "b": {**MODEL, "routing": "service"},
                "c": {**MODEL, "params_billion": 0.5, "cpu_only": True},
            },
            routing={"default": "inference-gateway"},
        )
    )
    assert routed_models(config.routing, config.models) == ["a"]


def test_benchmark_defaults() -> None:
    config = load_platform_config(onprem_platform(models={"m": MODEL}, benchmark={"model": "m"}))
    bench = config.benchmark
    assert bench is not None
    assert (bench.request_rates, bench.prompt_tokens, bench.output_tokens) == (
        [1.0, 2.0, 4.0, 8.0],
        512,
        128,
    )
    assert (bench.num_prompts, bench.results_storage_gib, bench.active_deadline_seconds) == (
        200,
        1,
        7200,
    )


GKE_ROUTED = {**cloud_platform("gke"), "models": {"m": {**MODEL, "routing": "inference-gateway"}}}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            onprem_platform(models={"m": {**MODEL, "routing": "gateway"}}),
            ["models.m.routing: Input should be 'service' or 'inference-gateway' (got 'gateway')"],
        ),
        (
            onprem_platform(
                models={
                    "m": {
                        **MODEL,
                        "params_billion": 0.5,
                        "cpu_only": True,
                        "routing": "inference-gateway",
                    }
                }
            ),
            [
                "models.m.routing: the endpoint picker routes on vLLM metrics; CPU models run "
                "the Hugging Face backend: use service (got 'inference-gateway')"
            ],
        ),
        (
            onprem_platform(
                models={"m": {**MODEL, "routing": "inference-gateway", "min_replicas": 0}}
            ),
            [
                "models.m.min_replicas: 0 behind the inference gateway needs "
                "routing.flow_control: true (the endpoint picker then holds requests while the "
                "first replica starts) (got 0)"
            ],
        ),
        (
            onprem_platform(
                models={
                    "m": {
                        **MODEL,
                        "routing": "inference-gateway",
                        "min_replicas": 0,
                        "scale_metric": "cpu",
                        "max_replicas": 2,
                    }
                },
                routing={"flow_control": True},
            ),
            [
                "models.m.min_replicas: 0 behind the inference gateway scales on the endpoint "
                "picker's queue through KEDA: needs addons.observability.enabled and "
                "scale_metric queue or kv_cache (or unset) (got 0)"
            ],
        ),
        (
            onprem_platform(
                models={"m": {**MODEL, "min_replicas": 0}}, routing={"flow_control": True}
            ),
            [
                "models.m.min_replicas: 0 (scale to zero) needs addons.kserve.deployment_mode: "
                "Knative (got 0)"
            ],
        ),
        (
            onprem_platform(
                models={"m": {**MODEL, "routing": "inference-gateway"}},
                addons={"kserve": {"deployment_mode": "Knative"}},
            ),
            [
                "addons.kserve.deployment_mode: routed models need Standard mode (the "
                "InferencePool selects the replicas of plain Deployments; Knative puts its "
                "activator in the path) (got 'Knative')"
            ],
        ),
        (
            GKE_ROUTED,
            [
                "routing.gateway.proxy_source_ranges: required on GKE while "
                "addons.kserve.network_policy is on: give the region's proxy-only subnet CIDR "
                "(the managed load balancer connects from it)"
            ],
        ),
        (
            onprem_platform(routing={"gateway": {"exposure": "external"}}),
            [
                "routing.gateway.external_acknowledged: exposure: external publishes "
                "unauthenticated model APIs; put authentication in front and set "
                "external_acknowledged: true (got False)"
            ],
        ),
        (
            onprem_platform(routing={"gateway": {"proxy_source_ranges": ["10.0.0.0/33"]}}),
            ["routing.gateway.proxy_source_ranges.0: must be a CIDR (got '10.0.0.0/33')"],
        ),
        (
            onprem_platform(routing={"objectives": {"Bad_Name": 1, "ok": 5000}}),
            [
                "routing.objectives.Bad_Name: objective name must be 1-32 characters of "
                "lowercase letters, digits and '-', starting and ending with a letter or digit "
                "(got 'Bad_Name')",
                "routing.objectives.ok: priority: -1000 to 1000 (got 5000)",
            ],
        ),
        (
            onprem_platform(models={"m": MODEL}, benchmark={"model": "n"}),
            ["benchmark.model: unknown model; configured models: m (got 'n')"],
        ),
        (
            onprem_platform(
                models={"m": {**MODEL, "storage_uri": "s3://bucket/qwen"}}, benchmark={"model": "m"}
            ),
            [
                "benchmark.tokenizer: required: the model is not on Hugging Face, so give the "
                "Hugging Face id of its tokenizer (org/name)"
            ],
        ),
        (
            {
                **GKE_ROUTED,
                "models": {"m": {**MODEL, "min_replicas": 0, "max_replicas": 2}},
                "routing": {
                    "default": "inference-gateway",
                    "flow_control": True,
                    "gateway": {"proxy_source_ranges": ["10.129.0.0/23"]},
                },
                "benchmark": {"model": "m"},
            },
            [
                "benchmark.base_url: required: m may sit at zero replicas and only requests "
                "through its gateway wake it, but the Job would call its Service; give the "
                "gateway's address (http://<address>/<model>) or benchmark a model with "
                "min_replicas >= 1"
            ],
        ),
        (
            onprem_platform(models={"m": MODEL}, benchmark={"model": "m", "request_rates": [0, 2]}),
            ["benchmark.request_rates.0: requests per second: above 0, at most 100000 (got 0.0)"],
        ),
        (
            onprem_platform(models={"m": MODEL}, benchmark={"model": "m", "request_rates": []}),
            [
                "benchmark.request_rates: List should have at least 1 item after validation, "
                "not 0 (got [])"
            ],
        ),
    ],
)
def test_invalid_routing_and_benchmark_config(data: dict[str, Any], expected: list[str]) -> None:
    assert problems(data) == expected


def test_a_model_at_zero_behind_the_in_cluster_gateway_is_benchmarked_through_it() -> None:
    data = onprem_platform(
        models={"m": {**MODEL, "min_replicas": 0, "max_replicas": 2}},
        routing={"default": "inference-gateway", "flow_control": True},
        benchmark={"model": "m"},
    )
    assert problems(data) == []


def test_gke_routed_with_proxy_ranges_or_without_network_policy_loads() -> None:
    ok = {**GKE_ROUTED, "routing": {"gateway": {"proxy_source_ranges": ["10.129.0.0/23"]}}}
    assert problems(ok) == []
    no_policy = {**GKE_ROUTED, "addons": {"kserve": {"network_policy": False}}}
    assert problems(no_policy) == []
