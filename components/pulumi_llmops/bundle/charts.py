"""Which pinned charts a platform installs, and where each one comes from.

Pure, run inside `prepare`: the stack's `versions.charts` overrides and `versions.chart_mirror`
become one resolved override per chart (what `versions.chart_pin` applies), with local paths
made absolute against the Pulumi project directory. A local chart the stack needs but the
disk lacks is a path-named problem before anything registers.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..config.errors import Problem
from ..config.platform import PlatformConfig
from ..config.routing import routed_models
from ..config.versions import archive_name
from ..versions import CHARTS
from .serving import ServingPlan


def charts_installed(config: PlatformConfig, serving: ServingPlan) -> list[str]:
    """Pin keys of every chart the platform installs, sorted.

    `tests/bundle/test_charts.py` checks this against the charts every shipped stack and
    example registers, so a component that starts installing a chart must be listed here.
    """
    addons = config.addons
    keys: set[str] = set()
    eks = config.cluster.eks
    if (
        config.target == "eks"
        and eks is not None
        and eks.resolved_autoscaler == "cluster-autoscaler"
    ):
        keys.add("cluster-autoscaler")
    if serving.gpu_operator:
        keys.add("gpu-operator")
    if serving.dra_driver:
        keys.add("dra-driver-nvidia-gpu")
    if serving.cert_manager:
        keys.add("cert-manager")
    if serving.keda:
        keys.add("keda")
    if serving.kserve:
        keys |= {"kserve-crd", "kserve-resources"}
        if addons.kserve.install_runtimes:
            keys.add("kserve-runtime-configs")
        if addons.kserve.model_cache.enabled:
            keys |= {"kserve-localmodel-crd", "kserve-localmodel-resources"}
        if config.models and routed_models(config.routing, config.models):
            keys.add("inferencepool")
    vdb = addons.vector_db
    if vdb.enabled:
        from ..addons.vector_db import ENGINES

        engine = ENGINES[vdb.engine]
        keys.add(engine.chart_key)
        if engine.operator is not None:
            keys.add(engine.operator.chart_key)
    obs = addons.observability
    if obs.enabled:
        keys.add("kube-prometheus-stack")
        if obs.opentelemetry is not None and obs.opentelemetry.enabled:
            keys.add("opentelemetry-collector")
    from .queues import kueue_on

    if kueue_on(config):
        keys.add("kueue")
    if addons.gitops.active:
        keys.add("argo-cd" if addons.gitops.engine == "argocd" else "flux2")
    return sorted(keys)


def chart_overrides(
    config: PlatformConfig, installed: Iterable[str], project_root: Path
) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """(chart key -> resolved override, problems of the charts in `installed`).

    Order of precedence: a chart's own `versions.charts.<key>` (its `path`, or its
    `chart` / `repository` / `version`), then `versions.chart_mirror`, then the library's pin.
    """
    versions = config.versions
    mirror = versions.chart_mirror
    needed = set(installed)
    resolved: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    for key, pin in sorted(CHARTS.items()):
        own = versions.charts.get(key)
        override = own.model_dump(exclude_none=True) if own is not None else {}
        version = override.get("version", pin.version)
        if "path" in override:
            path = _absolute(override.pop("path"), project_root)
            override["chart"] = str(path)
            if key in needed and not path.exists():
                problems.append(Problem(f"versions.charts.{key}.path", "no chart there", str(path)))
        elif mirror is not None and not {"chart", "repository"} & set(override):
            if mirror.oci_registry is not None:
                override["chart"] = f"{mirror.oci_registry}/{pin.chart_name}"
            else:
                assert mirror.directory is not None
                found = _in_directory(
                    _absolute(mirror.directory, project_root), pin.chart_name, version
                )
                if found is not None:
                    override["chart"] = str(found)
                elif key in needed:
                    folder = _absolute(mirror.directory, project_root)
                    problems.append(
                        Problem(
                            "versions.chart_mirror.directory",
                            f"has neither {archive_name(pin.chart_name, version)} nor "
                            f"{pin.chart_name}/ (chart {key}, needed by this stack)",
                            str(folder),
                        )
                    )
        if override:
            resolved[key] = override
    return resolved, problems


def _absolute(path: str, root: Path) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (root / candidate).resolve()


def _in_directory(folder: Path, chart: str, version: str) -> Path | None:
    """`<chart>-<version>.tgz` or an unpacked `<chart>/` in `folder`, else None."""
    for candidate in (folder / archive_name(chart, version), folder / chart):
        if candidate.exists():
            return candidate
    return None
