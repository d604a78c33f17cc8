"""The cloud stacks: URN snapshots, plan cost per pool, and lazy cloud SDK imports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run
from helpers.cloud_configs import platform
from pulumi_llmops.catalog import hourly_price, lookup_instance
from pulumi_llmops.catalog.shape import resolve_pool
from pulumi_llmops.config import GpuShapeSpec, load_platform_config
from pulumi_llmops.offline.plan import plan_stack, pool_price
from pulumi_llmops.offline.render import render_text
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.program import main

ROOT = Path(__file__).resolve().parents[2]
STACKS = {"dev-eks": "aws", "prod-gke": "gcp", "prod-aks": "azure"}
SDKS = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure": "pulumi_azure_native"}


def stack_file(stack: str):
    return read_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")


CLOUD_COMPONENT = re.compile(r"llmops:(aws|gcp|azure):")


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_stack_cluster_and_pool_urns_match_snapshot(stack: str, snapshot) -> None:
    """The cluster and pool subtrees: names, types and parents are API (add-ons, which
    other suites snapshot, are left out so their changes do not churn this one)."""
    stack_ = stack_file(stack)
    recording, _ = run(main, stack_.config, stack_.secret_keys)
    urns = [urn for urn in recording.urns() if CLOUD_COMPONENT.search(urn)]
    assert len(urns) > 3
    assert urns == snapshot


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_every_child_has_a_parent_and_kubernetes_children_use_the_cluster_provider(
    stack: str,
) -> None:
    stack_ = stack_file(stack)
    recording, platform_ = run(main, stack_.config, stack_.secret_keys)
    provider = recording.named(f"{platform_.cluster.name}-cluster-k8s")
    urns = {r.urn for r in recording}
    for resource in recording:
        if resource.type != "llmops:platform:LlmOpsPlatform":
            assert resource.parent in urns, resource.urn
        if resource.custom and resource.type.startswith("kubernetes:"):
            assert resource.provider == provider.urn, resource.urn
    assert recording.outputs["kubeconfig"] is not None


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_plan_prices_each_pool_from_the_catalogue_for_the_stack_region(stack: str) -> None:
    plan = plan_stack(stack_file(stack))
    assert plan.inventory
    for pool in plan.inventory:
        price = hourly_price(lookup_instance(STACKS[stack], pool.machine_type), plan.config.region)
        if price is None:
            assert pool.usd_per_hour is None and pool.monthly_cost_max_usd is None
            assert pool.price_source == (
                f"n/a (no catalogue price for {pool.machine_type} in {plan.config.region})"
            )
            continue
        assert pool.usd_per_hour == price.usd_per_hour
        assert pool.monthly_cost_min_usd == pytest.approx(price.usd_per_hour * 730 * pool.min_nodes)
        assert pool.monthly_cost_max_usd == pytest.approx(price.usd_per_hour * 730 * pool.max_nodes)
        assert pool.price_source.startswith(price.source)
        assert pool.price_source.endswith(plan.config.region)


def test_plan_cost_uses_catalogue_overrides_and_says_n_a_without_a_price() -> None:
    data = platform("eks", gpu={"machine_type": "g6.xlarge", "min_nodes": 1, "max_nodes": 3})
    data["catalog"] = {
        "instances": {
            "g6.xlarge": {
                "cloud": "aws",
                "gpu_model": "L4",
                "gpu_count": 1,
                "usd_per_hour": {"us-east-1": 2.0},
                "price_source": "test price list",
                "price_date": "2026-10",
            }
        }
    }
    config = load_platform_config(data)

    def price(config, machine_type: str | None) -> dict:
        cloud = "aws" if machine_type else None
        declared = GpuShapeSpec(model="L40S", count=1) if machine_type != "g6.xlarge" else None
        overrides = config.catalog.to_overrides()
        shape = resolve_pool(cloud, machine_type, declared, config.region, overrides)
        return pool_price(shape, machine_type, config.region)

    assert price(config, "g6.xlarge") == {
        "usd_per_hour": 2.0,
        "price_source": "test price list, 2026-10, us-east-1",
    }
    elsewhere = load_platform_config({**data, "region": "eu-west-3"})
    assert price(elsewhere, "g6.xlarge") == {
        "usd_per_hour": None,
        "price_source": "n/a (no catalogue price for g6.xlarge in eu-west-3)",
    }
    assert price(config, "g7e.2xlarge")["price_source"] == (
        "n/a (g7e.2xlarge not in the catalogue)"
    )
    assert price(config, None) == {
        "usd_per_hour": None,
        "price_source": "n/a (owned hardware)",
    }


def test_plan_text_and_json_show_monthly_cost_and_source() -> None:
    plan = plan_stack(stack_file("dev-eks"))
    a10g = next(p for p in plan.inventory if p.pool == "a10g")
    hourly = a10g.usd_per_hour
    assert hourly is not None
    text = render_text(plan)
    assert "$/mo min" in text and "$/mo max" in text
    assert f"${hourly * 730 * 2:,.0f}" in text
    assert f"a10g: g5.12xlarge ${hourly:.4f}/h, {a10g.price_source}" in text
    row = next(p for p in plan.to_dict()["gpu_inventory"] if p["pool"] == "a10g")
    assert row["monthly_cost_max_usd"] == pytest.approx(hourly * 730 * 2)
    assert row["monthly_cost_min_usd"] == 0


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_a_plan_imports_only_its_own_cloud_sdk(stack: str) -> None:
    code = (
        "from pulumi_llmops.cli.main import app\n"
        f"app(['plan', '--stack', {stack!r}, '--json'], standalone_mode=False)\n"
    )
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(done.stdout)["target"] in ("eks", "gke", "aks")
    imported = {
        match.group(1).split(".")[0]
        for match in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)$", done.stderr, re.M)
    }
    assert "pulumi_kubernetes" in imported  # the scan sees the imports
    assert {sdk for sdk in SDKS.values() if sdk in imported} == {SDKS[STACKS[stack]]}


@pytest.mark.parametrize(
    ("package", "extra"),
    [
        ("aws", "aws"),
        ("gcp", "gcp"),
        ("azure", "azure"),
    ],
)
def test_a_missing_cloud_sdk_fails_with_the_pip_command(package: str, extra: str) -> None:
    sdk = SDKS[extra]
    code = (
        "import sys\n"
        f"sys.modules[{sdk!r}] = None\n"
        "try:\n"
        f"    import pulumi_llmops.cluster.{package}\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert f"Run: pip install 'pulumi-llmops[{extra}]'" in done.stdout
