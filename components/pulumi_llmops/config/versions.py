"""Stack-level overrides of chart pins (`versions.charts.<key>`) and where charts come from
(`versions.chart_mirror`): a chart repository, an OCI registry inside the site's network, or
local chart directories and archives for air-gapped installs.

The library's own pins are in `pulumi_llmops/versions.py`; this module is what a stack may
change about them.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import Spec
from .errors import Problem, raise_if_any

_OCI_REGISTRY = r"^oci://[a-z0-9][a-z0-9.:-]*(/[a-z0-9][a-z0-9._-]*)*$"


class ChartOverrideSpec(Spec):
    """Replace a pinned chart's version or source for one stack."""

    version: str | None = Field(
        None, min_length=1, description="Chart version. Default: the library's pin."
    )
    repository: str | None = Field(
        None,
        pattern=r"^(https://|oci://)",
        description="Chart repository (https:// or oci://). Default: the library's pin.",
    )
    chart: str | None = Field(
        None, min_length=1, description="Chart name or oci:// reference (e.g. a mirror)."
    )
    path: str | None = Field(
        None,
        min_length=1,
        description=(
            "A local chart: an unpacked chart directory or a packaged `.tgz`, absolute or "
            "relative to the Pulumi project directory (where Pulumi.yaml is). Wins over "
            "`chart`, `repository` and the mirror; Helm then ignores `version`."
        ),
    )

    @model_validator(mode="after")
    def _one_source(self) -> ChartOverrideSpec:
        if self.path is not None:
            raise_if_any(
                [
                    Problem(key, "give `path` or a chart reference, not both", getattr(self, key))
                    for key in ("repository", "chart")
                    if getattr(self, key) is not None
                ]
            )
        return self


class ChartMirrorSpec(Spec):
    """One place every pinned chart comes from (set exactly one field).

    `oci_registry`: charts pushed as `<registry>/<chart>:<version>` (e.g. with
    `helm push <chart>-<version>.tgz oci://registry.internal/charts`). `directory`: a folder
    holding `<chart>-<version>.tgz` archives (what `helm pull` writes) or unpacked
    `<chart>/` folders (`helm pull --untar`), absolute or relative to the Pulumi project.
    """

    oci_registry: str | None = Field(
        None,
        pattern=_OCI_REGISTRY,
        description="OCI registry path (oci://host[:port]/path) holding every pinned chart.",
    )
    directory: str | None = Field(
        None, min_length=1, description="Local folder holding every chart the stack installs."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> ChartMirrorSpec:
        if (self.oci_registry is None) == (self.directory is None):
            raise_if_any([Problem("", "set exactly one of oci_registry or directory")])
        return self


class VersionsSpec(Spec):
    """Version pins and chart sources to override. Unset: the library's tested pins from
    their public repositories."""

    charts: dict[str, ChartOverrideSpec] = Field(
        default_factory=dict, description="Per-chart overrides keyed by the pin key."
    )
    chart_mirror: ChartMirrorSpec | None = Field(
        None,
        description=(
            "Where every pinned chart comes from instead of its public repository (an OCI "
            "registry or a local folder, for air-gapped and sovereign sites). A chart's own "
            "`charts.<key>` override still wins."
        ),
    )

    @model_validator(mode="after")
    def _known_charts(self) -> VersionsSpec:
        from ..versions import CHARTS

        raise_if_any(
            [
                Problem(f"charts.{key}", f"unknown chart; known: {', '.join(sorted(CHARTS))}", key)
                for key in self.charts
                if key not in CHARTS
            ]
        )
        return self

    def as_overrides(self) -> dict[str, dict[str, str]]:
        """The per-chart overrides as written (no mirror, paths not resolved)."""
        return {k: v.model_dump(exclude_none=True) for k, v in self.charts.items()}


def archive_name(chart: str, version: str) -> str:
    """`helm pull`'s file name of a chart archive: `<chart>-<version>.tgz`."""
    return f"{chart}-{version}.tgz"
