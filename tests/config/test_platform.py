"""Stack config: valid configs load; every invalid one fails with its exact path and message."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import onprem_platform
from pulumi_llmops.config import ConfigError, PlatformConfig, load_platform_config


def problems(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(data)
    return [p.render() for p in info.value.problems]


def pool(**fields: Any) -> dict[str, Any]:
    return {"gpu": {"model": "L4", "count": 1}, "onprem": {"node_names": ["n1"]}, **fields}


def test_minimal_onprem_config_loads_with_documented_defaults() -> None:
    config = load_platform_config(onprem_platform())
    assert isinstance(config, PlatformConfig)
    l4 = config.node_pools["l4"]
    assert (l4.min_nodes, l4.max_nodes, l4.spot, l4.disk_size_gib, l4.gpu_taint) == (
        0,
        1,
        False,
        200,
        True,
    )
    assert l4.onprem is not None
    assert (l4.onprem.manage_taints, l4.onprem.force_patch) == (True, False)
    assert config.resource_tags == {
        "managed-by": "pulumi-llmops",
        "llmops-environment": "dev",
        "team": "ml",
    }


def test_a_gpu_the_catalogue_lacks_is_accepted_with_its_memory_declared() -> None:
    config = load_platform_config(
        onprem_platform(
            node_pools={"a": pool(gpu={"model": "RTX-9000", "count": 2, "memory_gib": 96})}
        )
    )
    assert config.node_pools["a"].gpu.memory_gib == 96


def test_config_is_frozen() -> None:
    config = load_platform_config(onprem_platform())
    with pytest.raises(Exception, match="frozen"):
        config.environment = "prod"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"environment": "Prod"},
            [
                "environment: must be 1-16 characters of lowercase letters, digits and '-', "
                "starting with a letter (e.g. dev, staging, prod) (got 'Prod')"
            ],
        ),
        (
            {"target": "k8s"},
            ["target: Input should be 'eks', 'gke', 'aks' or 'onprem' (got 'k8s')"],
        ),
        (
            {"clustr": {}},
            [
                "clustr: unknown key; allowed keys: addons, benchmark, catalog, cluster, "
                "environment, finetune, models, node_pools, region, routing, tags, target, teams, "
                "versions"
            ],
        ),
        (
            {"cluster": {"name": "lab", "kubeconfig": {"path": "/k", "secret_config_key": "k"}}},
            ["cluster.kubeconfig: set secret_config_key or path, not both"],
        ),
        (
            {"cluster": {"name": "lab", "kubeconfig": {}}},
            ["cluster.kubeconfig: set secret_config_key, path or context (none was given)"],
        ),
        (
            {"cluster": {"name": "lab"}},
            ["cluster.kubeconfig: required on-prem: set secret_config_key, path or context"],
        ),
        (
            {"cluster": {"name": "Lab_1", "kubeconfig": {"context": "x"}}},
            [
                "cluster.name: must be 2-40 characters of lowercase letters, digits and '-', "
                "starting with a letter and ending with a letter or digit (e.g. prod-llm) "
                "(got 'Lab_1')"
            ],
        ),
        (
            {"node_pools": {"GPU_pool": pool()}},
            [
                "node_pools.GPU_pool.[key]: name 'GPU_pool' must be 1-30 characters of "
                "[a-z0-9-], start with a letter and not end with '-' (it becomes part of "
                "resource names and labels) (got 'GPU_pool')"
            ],
        ),
        (
            {"node_pools": {"a": pool(max_nodes=0)}},
            ["node_pools.a.max_nodes: Input should be greater than or equal to 1 (got 0)"],
        ),
        (
            {"node_pools": {"a": pool(gpu={"model": "L4", "count": 17})}},
            ["node_pools.a.gpu.count: Input should be less than or equal to 16 (got 17)"],
        ),
        (
            {"node_pools": {"a": pool(sharing={})}},
            ["node_pools.a.sharing: set exactly one of time_slicing or mig"],
        ),
        (
            {"node_pools": {"a": pool(sharing={"mig": {"profile": "1g.10gb"}})}},
            [
                "node_pools.a.sharing.mig.profile: must be 'all-balanced' or "
                "'all-<N>g.<M>gb' (e.g. all-1g.10gb) (got '1g.10gb')"
            ],
        ),
        (
            {"node_pools": {"a": pool(sharing={"time_slicing": {"replicas": 1}})}},
            [
                "node_pools.a.sharing.time_slicing.replicas: Input should be greater than or "
                "equal to 2 (got 1)"
            ],
        ),
        (
            {"node_pools": {"a": pool(additional_taints={"bad key!": {"effect": "NoSchedule"}})}},
            [
                "node_pools.a.additional_taints.bad key!.[key]: label name 'bad key!' must be "
                "1-63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit "
                "(got 'bad key!')"
            ],
        ),
        (
            {"node_pools": {"a": pool(additional_taints={"k": {"effect": "NoRun"}})}},
            [
                "node_pools.a.additional_taints.k.effect: Input should be 'NoSchedule', "
                "'PreferNoSchedule' or 'NoExecute' (got 'NoRun')"
            ],
        ),
        (
            {"node_pools": {"a": pool(onprem={})}},
            ["node_pools.a.onprem: set exactly one of node_names or node_selector"],
        ),
        (
            {"node_pools": {"a": pool(onprem={"node_selector": {"gpu": "yes"}})}},
            ["node_pools.a.onprem.node_count: required with node_selector"],
        ),
        (
            {"node_pools": {"a": pool(onprem={"node_names": ["n1", "n1", "N_2"]})}},
            [
                "node_pools.a.onprem.node_names.2: must be a DNS subdomain node name (got 'N_2')",
                "node_pools.a.onprem.node_names: duplicate node names (got ['n1'])",
            ],
        ),
        (
            {"node_pools": {"a": {"gpu": {"model": "L4", "count": 1}}}},
            ["node_pools.a.onprem: required on-prem: set node_names or node_selector"],
        ),
        (
            {"node_pools": {"a": {"onprem": {"node_names": ["n1"]}}}},
            ["node_pools.a.gpu: required on-prem: declare {model, count} per node"],
        ),
        (
            {"node_pools": {"a": pool(max_nodes=3, spot=True)}},
            [
                "node_pools.a.max_nodes: not used on-prem (the node set is fixed); remove it "
                "(got 3)",
                "node_pools.a.spot: not used on-prem (the node set is fixed); remove it (got True)",
            ],
        ),
        (
            {"node_pools": {"a": pool(gpu={"model": "L40X", "count": 1})}},
            [
                "node_pools.a.gpu.model: unknown GPU model 'L40X' (did you mean L40S, L4?); "
                "known models: A100-40GB, A100-80GB, A10G, H100-80GB, H100-NVL-94GB, "
                "H200-141GB, L4, L40S, T4. Add others under `catalog.gpus` in config "
                "(memory_gib, mig_capable); or declare gpu.memory_gib for a GPU the catalogue "
                "lacks (got 'L40X')"
            ],
        ),
        (
            {"node_pools": {"a": pool(sharing={"mig": {"profile": "all-1g.10gb"}})}},
            [
                "node_pools.a.sharing.mig: L4 does not support MIG (A100, H100, H200 do); "
                "use time_slicing"
            ],
        ),
        (
            {"tags": {"Cost Center": "x"}},
            [
                "tags.Cost Center: tag key must be 1-63 characters of lowercase letters, "
                "digits, '_' and '-', starting with a letter (got 'Cost Center')"
            ],
        ),
        (
            {"versions": {"charts": {"gpu-operatr": {"version": "v1"}}}},
            [
                "versions.charts.gpu-operatr: unknown chart; known: argo-cd, cert-manager, "
                "cloudnative-pg, cluster-autoscaler, cnpg-cluster, dra-driver-nvidia-gpu, flux2, "
                "gpu-operator, inferencepool, karpenter, keda, "
                "kserve-crd, kserve-localmodel-crd, kserve-localmodel-resources, "
                "kserve-resources, kserve-runtime-configs, kube-prometheus-stack, kueue, milvus, "
                "opentelemetry-collector, qdrant, weaviate (got 'gpu-operatr')"
            ],
        ),
    ],
    ids=lambda value: "" if isinstance(value, list) else None,
)
def test_invalid_config_names_path_value_and_rule(
    overrides: dict[str, Any], expected: list[str]
) -> None:
    assert problems(onprem_platform(**overrides)) == expected


def test_every_problem_is_listed_at_once() -> None:
    data = onprem_platform(
        environment="PROD", region="Bad Region", node_pools={"a": pool(min_nodes=-1)}
    )
    assert [p.split(":")[0] for p in problems(data)] == [
        "environment",
        "region",
        "node_pools.a.min_nodes",
    ]


def test_non_mapping_config_is_a_config_error() -> None:
    assert problems(["not", "a", "mapping"]) == [
        "<root>: must be a mapping (environment, target, region, cluster...) "
        "(got ['not', 'a', 'mapping'])"
    ]


def test_error_message_lists_the_source_and_count() -> None:
    with pytest.raises(ConfigError) as info:
        load_platform_config(onprem_platform(environment="X"), source="llmops:platform in f.yaml")
    assert str(info.value).splitlines()[0] == "invalid llmops:platform in f.yaml: 1 problem"


def test_a_non_string_target_without_a_region_is_a_clean_error() -> None:
    """Found by tests/config/test_fuzz.py: the region stand-in looked the target up as a key."""
    data = onprem_platform(target=[])
    del data["region"]
    with pytest.raises(ConfigError) as caught:
        load_platform_config(data)
    assert [p.render() for p in caught.value.problems] == [
        "target: Input should be 'eks', 'gke', 'aks' or 'onprem' (got [])",
        "region: required key is missing",
    ]
