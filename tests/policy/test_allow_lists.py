"""Every machine type a shipped allow-list admits is priced by the catalogue, or the budget
rule says exactly how to price it (docs/cost.md).

The allow-lists are shell patterns (`policies/config/<env>/cost-guardrails.json`). Each
pattern must match catalogue machine types, each of them priced; a machine type the pattern
admits but the catalogue lacks gets the budget rule's exact `catalog.instances` YAML.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_llmops.catalog import list_instances
from pulumi_llmops.policy.cost import BUDGET
from pulumi_llmops.policy.props import matches_any

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(ROOT.glob("policies/config/*/cost-guardrails.json"))


def allow_list(path: Path) -> dict[str, list[str]]:
    return json.loads(path.read_text())["allowed-gpu-machine-types"]


PATTERNS = sorted(
    {(p.parent.name, pattern) for p in CONFIGS for pattern in allow_list(p)["allowedMachineTypes"]}
)
ACCELERATORS = sorted(
    {
        (p.parent.name, kind)
        for p in CONFIGS
        for kind in allow_list(p).get("allowedAcceleratorTypes", [])
    }
)


def test_every_environment_ships_an_allow_list() -> None:
    assert [p.parent.name for p in CONFIGS] == ["dev", "prod", "staging"]
    assert (len(PATTERNS), len(ACCELERATORS)) == (28, 9)  # (env, entry) pairs


def cloud_of(pattern: str) -> str:
    """The cloud whose naming scheme a pattern follows (some admit no catalogue type yet)."""
    if pattern.startswith("Standard_"):
        return "azure"
    return "gcp" if "-" in pattern else "aws"


def test_each_pattern_is_of_the_cloud_of_the_catalogue_types_it_admits() -> None:
    admitted = {
        pattern: {i.cloud for i in list_instances() if matches_any(i.machine_type, [pattern])}
        for _, pattern in PATTERNS
    }
    assert {p: c for p, c in admitted.items() if c and c != {cloud_of(p)}} == {}
    # No catalogue entry yet (any price would be invented here): the YAML test covers them.
    assert sorted(p for p, c in admitted.items() if not c) == [
        "Standard_NC*ads_A10_v4",
        "Standard_NV*ads_A10_v5",
    ]


def pool_resources(pol: Any, cloud: str, machine_type: str) -> list[Any]:
    """One GPU pool of `machine_type` at max size 2 in a catalogue region of `cloud`."""
    if cloud == "aws":
        aws = pol.provider("pulumi:providers:aws", {"region": "us-east-1"})
        props = {
            "instanceTypes": [machine_type],
            "amiType": "AL2023_x86_64_NVIDIA",
            "scalingConfig": {"minSize": 0.0, "maxSize": 2.0, "desiredSize": 0.0},
        }
        return [pol.stack_resource("aws:eks/nodeGroup:NodeGroup", props, "pool", aws)]
    if cloud == "gcp":
        props = {
            "location": "us-central1",
            "nodeConfig": {
                "machineType": machine_type,
                "guestAccelerators": [{"type": "nvidia-l4", "count": 1.0}],
            },
            "autoscaling": {"totalMinNodeCount": 0.0, "totalMaxNodeCount": 2.0},
        }
        return [pol.stack_resource("gcp:container/nodePool:NodePool", props, "pool")]
    cluster = pol.stack_resource(
        "azure-native:containerservice:ManagedCluster", {"location": "eastus"}, "aks"
    )
    props = {
        "vmSize": machine_type,
        "gpuProfile": {"driver": "Install"},
        "enableAutoScaling": True,
        "minCount": 0.0,
        "maxCount": 2.0,
    }
    return [cluster, pol.stack_resource("azure-native:containerservice:AgentPool", props, "pool")]


REGION = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}
FIX = (
    "so the GPU budget cannot be checked. Fix: add the machine type's price under "
    "llmops:platform (the entry replaces the built-in one whole, so it keeps the known "
    "prices):\n"
)


def catalog_yaml(
    cloud: str, machine_type: str, gpu: str, count: str, accelerator: str, prices: list[str]
) -> str:
    return "\n".join(
        [
            "catalog:",
            "  instances:",
            f"    {machine_type}:",
            f"      cloud: {cloud}",
            f"      gpu_model: {gpu}",
            f"      gpu_count: {count}",
            *([f"      accelerator_type: {accelerator}"] if cloud == "gcp" else []),
            f"      usd_per_hour: {{{', '.join([*prices, f'{REGION[cloud]}: <on-demand USD per hour>'])}}}",
            '      price_source: "<where the price comes from, e.g. the provider price list>"',
            '      price_date: "<YYYY-MM>"',
        ]
    )


ADMITTED = sorted(
    {
        (i.cloud, i.machine_type)
        for i in list_instances()
        for _env, pattern in PATTERNS
        if matches_any(i.machine_type, [pattern])
    }
)


def test_the_allow_lists_admit_catalogue_types_of_every_cloud() -> None:
    """Figures at this commit: how many admitted catalogue types are priced in the test
    region; the rest get the YAML below (prices cannot be fetched here)."""
    from pulumi_llmops.catalog import hourly_price, lookup_instance

    by_cloud = {c: sum(1 for cloud, _ in ADMITTED if cloud == c) for c in REGION}
    priced = {
        c: sum(
            1
            for cloud, m in ADMITTED
            if cloud == c and hourly_price(lookup_instance(cloud, m), REGION[c])
        )
        for c in REGION
    }
    assert (by_cloud, priced) == (
        {"aws": 35, "gcp": 20, "azure": 8},
        {"aws": 21, "gcp": 12, "azure": 8},
    )


@pytest.mark.parametrize(("cloud", "machine_type"), ADMITTED)
def test_each_admitted_catalogue_type_is_priced_or_the_budget_rule_gives_its_yaml(
    pol: Any, cloud: str, machine_type: str
) -> None:
    from pulumi_llmops.catalog import hourly_price, lookup_instance

    instance = lookup_instance(cloud, machine_type)
    resources = pool_resources(pol, cloud, machine_type)
    violations = pol.verdict(
        BUDGET, pol.StackValidationArgs(resources, {}), {"monthlyBudgetUsd": 10**9}
    )
    if hourly_price(instance, REGION[cloud]) is not None:
        assert violations == []
        return
    yaml = catalog_yaml(
        cloud,
        machine_type,
        instance.gpu_model,
        str(instance.gpu_count),
        str(instance.accelerator_type),
        [f"{p.region}: {p.usd_per_hour}" for p in instance.prices],
    )
    assert [(urn, m.endswith(FIX + yaml)) for urn, m in violations] == [
        (resources[-1].urn, True)
    ], violations


@pytest.mark.parametrize(("env", "pattern"), PATTERNS)
def test_an_allowed_type_the_catalogue_lacks_gets_the_exact_catalog_yaml(
    pol: Any, env: str, pattern: str
) -> None:
    cloud = cloud_of(pattern)
    machine_type = pattern.replace("*", "99zz")  # admitted by the pattern, not in the catalogue
    assert matches_any(machine_type, [pattern])
    assert not [i for i in list_instances(cloud) if i.machine_type.lower() == machine_type.lower()]
    resources = pool_resources(pol, cloud, machine_type)
    violations = pol.verdict(BUDGET, pol.StackValidationArgs(resources, {}))
    yaml = catalog_yaml(
        cloud, machine_type, "<GPU model>", "<GPUs per node>", "<accelerator type>", []
    )
    assert len(violations) == 1
    urn, message = violations[0]
    assert urn == resources[-1].urn
    assert f"no catalogue price for {machine_type} in '{REGION[cloud]}'" in message, message
    assert message.endswith(FIX + yaml), message
