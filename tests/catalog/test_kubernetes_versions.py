"""The Kubernetes version and GPU zone catalogue: sourced, dated, consistent, and every shipped
stack and example pins a version in standard support at the catalogue date."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from helpers import chart_defaults, require_upstream
from pulumi_llmops.catalog.gpus import read_data_file
from pulumi_llmops.catalog.instances import list_instances
from pulumi_llmops.catalog.kubernetes import (
    catalog_date,
    cluster_autoscaler_image_tag,
    known_minors,
    standard_minors,
    version_support,
)
from pulumi_llmops.catalog.zones import gpu_zones, machine_series
from pulumi_llmops.versions import CHARTS

ROOT = Path(__file__).resolve().parents[2]
STACK_FILES = sorted([*ROOT.glob("stacks/Pulumi.*.yaml"), *ROOT.glob("examples/*/Pulumi.*.yaml")])
TARGET_CLOUD = {"eks": "aws", "aks": "azure"}


def test_every_version_window_is_sourced_and_ordered() -> None:
    data = read_data_file("kubernetes_versions.yaml")
    assert isinstance(data["as_of"], datetime.date)
    for cloud in ("aws", "azure"):
        assert data["clouds"][cloud]["source"].strip()
        for minor in known_minors(cloud):
            support = version_support(cloud, minor)
            assert support is not None
            assert support.extended_until is not None
            assert support.standard_until < support.extended_until, (cloud, minor)
        # Each newer minor's support ends later.
        ends = [version_support(cloud, m).standard_until for m in known_minors(cloud)]
        assert ends == sorted(ends)
    assert "gcp" not in data["clouds"]  # GKE versions follow the release channel


def test_standard_minors_at_the_catalogue_date() -> None:
    assert catalog_date() == datetime.date(2026, 12, 2)
    assert standard_minors("aws") == ("1.34", "1.35")
    assert standard_minors("azure") == ("1.35", "1.36", "1.37")
    assert standard_minors("aws", datetime.date(2026, 12, 3)) == ("1.35",)


def _target_block(path: Path) -> tuple[str, dict]:
    config = yaml.safe_load(path.read_text())["config"]
    platform = config.get("llmops:platform")
    if platform is None:  # compose-your-own: the team's own settings, an eks block
        return "eks", config["acme-llm-platform:settings"]["eks"]
    target = platform["target"]
    return target, platform["cluster"].get(target) or {}


PINNING = [p for p in STACK_FILES if _target_block(p)[0] in TARGET_CLOUD]
UNPINNED = [p for p in STACK_FILES if p not in PINNING]


def test_the_stack_files_split_by_target() -> None:
    assert [str(p.relative_to(ROOT)) for p in UNPINNED] == [
        "examples/gke-inference-gateway/Pulumi.dev.yaml",
        "examples/gke-rag/Pulumi.dev.yaml",
        "examples/gpu-queues-and-finetuning/Pulumi.lab.yaml",
        "examples/onprem-dra-gpu-claims/Pulumi.lab.yaml",
        "examples/onprem-existing-cluster/Pulumi.lab.yaml",
        "stacks/Pulumi.dev-onprem.yaml",
        "stacks/Pulumi.prod-gke.yaml",
        "stacks/Pulumi.staging-onprem.yaml",
    ]


@pytest.mark.parametrize("path", PINNING, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_pins_are_in_standard_support_at_the_catalogue_date(path: Path) -> None:
    target, block = _target_block(path)
    minor = block["kubernetes_version"]  # shipped EKS/AKS stacks pin one
    support = version_support(TARGET_CLOUD[target], minor)
    assert support is not None and support.in_standard_support(catalog_date()), minor
    # A shipped pin should not run out within a quarter of the catalogue date.
    assert support.standard_until >= catalog_date() + datetime.timedelta(days=90), minor


@pytest.mark.parametrize("path", UNPINNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_gke_and_onprem_stacks_pin_no_minor(path: Path) -> None:
    # GKE follows its release channel; an on-prem cluster's version is the site's own.
    target, block = _target_block(path)
    assert "kubernetes_version" not in block
    if target == "gke":
        assert block["release_channel"] in ("REGULAR", "STABLE")


def test_cluster_autoscaler_tag_matches_the_pinned_chart_default() -> None:
    require_upstream()
    defaults = chart_defaults("cluster-autoscaler", CHARTS["cluster-autoscaler"].version)
    assert cluster_autoscaler_image_tag("1.35") == defaults["image"]["tag"] == "v1.35.0"
    assert cluster_autoscaler_image_tag(None) == "v1.35.0"  # the cloud picks the version
    assert cluster_autoscaler_image_tag("1.30") is None


def test_gpu_zone_data_names_zones_of_their_region_and_catalogued_series() -> None:
    data = read_data_file("gpu_zones.yaml")
    assert data["source"] and data["date"]
    series = {machine_series(i.machine_type) for i in list_instances("gcp")}
    for key, regions in data["gcp"].items():
        assert key in series, key
        for region, zones in regions.items():
            assert zones == sorted(zones) and len(set(zones)) == len(zones)
            assert all(zone.startswith(f"{region}-") for zone in zones), (key, region)
    assert set(data) == {"schema_version", "source", "date", "gcp"}  # AWS/Azure: per account


def test_gpu_zones_lookup() -> None:
    assert gpu_zones("gcp", "g2-standard-4", "us-central1") == (
        "us-central1-a",
        "us-central1-b",
        "us-central1-c",
    )
    assert gpu_zones("gcp", "a2-highgpu-8g", "us-central1") == gpu_zones(
        "gcp", "a2-highgpu-1g", "us-central1"
    )
    assert gpu_zones("gcp", "g2-standard-4", "mars-north1") is None
    assert gpu_zones("aws", "g6.xlarge", "us-east-1") is None
