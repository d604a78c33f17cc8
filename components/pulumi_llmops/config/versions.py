"""Stack-level overrides of chart pins (`versions.charts.<key>`)."""

from __future__ import annotations

from pydantic import Field, model_validator

from .base import Spec
from .errors import Problem, raise_if_any


class ChartOverrideSpec(Spec):
    """Replace a pinned chart's version or repository for one stack."""

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


class VersionsSpec(Spec):
    """Version pins to override. Default: none (the library's tested pins)."""

    charts: dict[str, ChartOverrideSpec] = Field(
        default_factory=dict, description="Per-chart overrides keyed by the pin key."
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
        return {k: v.model_dump(exclude_none=True) for k, v in self.charts.items()}
