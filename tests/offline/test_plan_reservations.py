"""`llmops plan` shows which pools draw on a reservation and what it commits, and which pools
allocate GPUs through DRA (text and JSON); stacks without either render as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from helpers.cloud_configs import dra_and_reserved, platform
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.render import render_text
from pulumi_llmops.offline.stack_file import read_stack_file


def planned(tmp_path: Path, data: dict):
    path = tmp_path / "Pulumi.test.yaml"
    path.write_text(yaml.safe_dump({"config": {"llmops:platform": data}}))
    return plan_stack(read_stack_file(path))


@pytest.fixture(scope="module")
def eks_plan(tmp_path_factory: pytest.TempPathFactory):
    return planned(tmp_path_factory.mktemp("eks"), dra_and_reserved("eks"))


def test_json_lists_reservations_with_their_committed_cost(eks_plan) -> None:
    data = json.loads(eks_plan.to_json())
    assert data["reservations"] == [
        {
            "pool": "h100",
            "kind": "capacity block",
            "reservation": "cr-0123456789abcdef0",
            "zone": "us-east-1a",
            "nodes": 1,
            "usd_per_node_hour": 31.464,
            "usd_per_month": pytest.approx(31.464 * 730),
        }
    ]
    pools = {p["pool"]: p for p in data["gpu_inventory"]}
    assert (pools["h100"]["capacity"], pools["h100"]["allocation"]) == ("reserved", "dra")
    assert (pools["l4"]["capacity"], pools["l4"]["allocation"]) == ("on-demand", "dra")


def test_text_has_a_reservations_table_and_marks_dra_pools(eks_plan) -> None:
    text = render_text(eks_plan)
    lines = text.splitlines()
    start = lines.index("Capacity reservations")
    assert lines[start + 1].split() == [
        "pool",
        "draws",
        "on",
        "reservation",
        "zone",
        "committed",
        "nodes",
        "$/node-h",
        "committed",
        "$/mo",
    ]
    assert lines[start + 2].split() == [
        "h100",
        "capacity",
        "block",
        "cr-0123456789abcdef0",
        "us-east-1a",
        "1",
        "31.464",
        "$22,969",
    ]
    inventory = lines[lines.index("GPU inventory") :]
    assert any(line.startswith("h100") and "mig-single (dra)" in line for line in inventory)
    assert any(line.startswith("l4") and "none (dra)" in line for line in inventory)


def test_stacks_without_reservations_or_dra_render_no_new_lines(tmp_path: Path) -> None:
    plan = planned(tmp_path, platform("eks"))
    text = render_text(plan)
    assert "Capacity reservations" not in text
    assert "(dra)" not in text
    assert json.loads(plan.to_json())["reservations"] == []
