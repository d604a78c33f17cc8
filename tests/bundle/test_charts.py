"""Chart sources: which charts a plan installs, mirrors (OCI registry, local folder) and local
chart paths, all resolved before anything registers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import onprem_platform, run_platform
from pulumi_llmops.bundle import PlatformWiring, prepare
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.offline.plan import plan_stack
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.versions import CHARTS

ROOT = Path(__file__).resolve().parents[2]
CHART = "kubernetes:helm.sh/v4:Chart"
STACKS = sorted(p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))
EXAMPLE_STACKS = sorted(
    str(p.relative_to(ROOT))
    for p in (ROOT / "examples").glob("*/Pulumi.*.yaml")
    if "compose-your-own" not in str(p)
)


def key_of(chart: str) -> str:
    """The pin key of a registered chart reference (name or oci:// ref)."""
    [key] = [k for k, pin in CHARTS.items() if pin.chart == chart]
    return key


@pytest.mark.parametrize("stack", [f"stacks/{s}" for s in STACKS] + EXAMPLE_STACKS)
def test_charts_installed_lists_exactly_the_charts_a_stack_registers(stack: str) -> None:
    plan = plan_stack(read_stack_file(ROOT / stack))
    registered = sorted(key_of(r.inputs["chart"]) for r in plan.recording.of_type(CHART))
    assert list(prepare(plan.config, PlatformWiring(kubeconfig="x")).charts) == sorted(
        set(registered)
    )


def charts_of(platform: dict[str, Any]) -> dict[str, dict[str, Any]]:
    recording, _ = run_platform(platform)
    return {r.name: r.inputs for r in recording.of_type(CHART)}


def test_an_oci_mirror_serves_every_chart_at_its_pinned_version() -> None:
    platform = onprem_platform(
        versions={"chart_mirror": {"oci_registry": "oci://registry.lab.internal/charts"}}
    )
    charts = charts_of(platform)
    assert charts["lab-vectordb-qdrant"]["chart"] == "oci://registry.lab.internal/charts/qdrant"
    assert charts["lab-vectordb-qdrant"]["version"] == "1.19.0"
    assert "repositoryOpts" not in charts["lab-vectordb-qdrant"]
    gpu = charts["lab-gpu-operator-chart"]
    assert (gpu["chart"], gpu["version"]) == (
        "oci://registry.lab.internal/charts/gpu-operator",
        "v26.7.0",
    )


def test_a_chart_override_wins_over_the_mirror() -> None:
    platform = onprem_platform(
        versions={
            "chart_mirror": {"oci_registry": "oci://registry.lab.internal/charts"},
            "charts": {
                "qdrant": {"repository": "https://charts.lab.internal", "version": "1.19.1"}
            },
        }
    )
    qdrant = charts_of(platform)["lab-vectordb-qdrant"]
    assert (qdrant["chart"], qdrant["version"], qdrant["repositoryOpts"]) == (
        "qdrant",
        "1.19.1",
        {"repo": "https://charts.lab.internal"},
    )


def mirror_folder(tmp_path: Path, config: Any) -> Path:
    """A folder with an archive or an unpacked chart for every chart `config` installs."""
    folder = tmp_path / "charts"
    folder.mkdir()
    for index, key in enumerate(prepare(config, PlatformWiring(kubeconfig="x")).charts):
        pin = CHARTS[key]
        if index % 2:
            (folder / f"{pin.chart_name}-{pin.version}.tgz").write_bytes(b"chart archive")
        else:
            (folder / pin.chart_name).mkdir()
    return folder


def test_a_local_mirror_folder_gives_absolute_chart_paths_and_no_repository(
    tmp_path: Path,
) -> None:
    base = onprem_platform()
    folder = mirror_folder(tmp_path, load_platform_config(base))
    platform = onprem_platform(versions={"chart_mirror": {"directory": str(folder)}})
    charts = charts_of(platform)
    assert {c["chart"] for c in charts.values()} <= {str(p) for p in folder.iterdir()}
    assert all("repositoryOpts" not in c for c in charts.values())
    assert charts["lab-vectordb-qdrant"]["version"] == "1.19.0"


def test_relative_paths_start_at_the_project_root(tmp_path: Path) -> None:
    (tmp_path / "vendor" / "qdrant").mkdir(parents=True)
    config = load_platform_config(
        onprem_platform(versions={"charts": {"qdrant": {"path": "vendor/qdrant"}}})
    )
    plan = prepare(config, PlatformWiring(kubeconfig="x", project_root=str(tmp_path)))
    assert plan.chart_overrides["qdrant"] == {"chart": str(tmp_path / "vendor" / "qdrant")}


def test_missing_local_charts_are_path_named_before_anything_registers(tmp_path: Path) -> None:
    (tmp_path / "charts").mkdir()
    config = load_platform_config(
        onprem_platform(
            versions={
                "chart_mirror": {"directory": "charts"},
                "charts": {"qdrant": {"path": "/nowhere/qdrant-1.19.0.tgz"}},
            }
        )
    )
    with pytest.raises(ConfigError) as err:
        prepare(config, PlatformWiring(kubeconfig="x", project_root=str(tmp_path)))
    rendered = [p.render() for p in err.value.problems]
    folder = tmp_path / "charts"
    assert rendered == [
        f"versions.chart_mirror.directory: has neither gpu-operator-v26.7.0.tgz nor "
        f"gpu-operator/ (chart gpu-operator, needed by this stack) (got '{folder}')",
        f"versions.chart_mirror.directory: has neither kube-prometheus-stack-88.5.3.tgz nor "
        f"kube-prometheus-stack/ (chart kube-prometheus-stack, needed by this stack) "
        f"(got '{folder}')",
        "versions.charts.qdrant.path: no chart there (got '/nowhere/qdrant-1.19.0.tgz')",
    ]


def test_charts_the_stack_does_not_install_need_not_be_mirrored(tmp_path: Path) -> None:
    config = load_platform_config(onprem_platform())
    folder = mirror_folder(tmp_path, config)
    mirrored = load_platform_config(
        onprem_platform(versions={"chart_mirror": {"directory": str(folder)}})
    )
    plan = prepare(mirrored, PlatformWiring(kubeconfig="x"))
    assert "argo-cd" not in plan.charts and "argo-cd" not in plan.chart_overrides


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        (
            {"chart_mirror": {}},
            "versions.chart_mirror: set exactly one of oci_registry or directory",
        ),
        (
            {"chart_mirror": {"oci_registry": "https://registry"}},
            "versions.chart_mirror.oci_registry: must be an OCI registry path: oci://, a "
            "lowercase host[:port], then /-separated lowercase path parts "
            "(e.g. oci://registry.lab.internal/charts) (got 'https://registry')",
        ),
        (
            {"charts": {"qdrant": {"path": "/c/qdrant", "chart": "qdrant"}}},
            "versions.charts.qdrant.chart: give `path` or a chart reference, not both "
            "(got 'qdrant')",
        ),
    ],
)
def test_chart_source_config_errors(versions: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_platform_config(onprem_platform(versions=versions))
    assert err.value.problems[0].render().startswith(expected)
