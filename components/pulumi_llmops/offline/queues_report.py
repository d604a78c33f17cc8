"""The plan's Kueue section: each team's GPU quota per pool, and each fine-tuning run's
sizing (what `llmops plan` prints and `--json` carries under `queues`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..config.platform import PlatformConfig

if TYPE_CHECKING:
    from rich.console import Group


def queue_report(config: PlatformConfig, queues: Any) -> dict[str, Any]:
    """{"teams": [...], "finetune": [...]} from the config and the bundle's QueuePlan; {}
    when Kueue is not installed."""
    if not queues.kueue:
        return {}
    teams = [
        {
            "team": team,
            "namespace": spec.namespace_of(team),
            "cohort": spec.cohort,
            "pool": pool,
            "gpus": quota.gpus,
            "borrowing_limit": quota.borrowing_limit,
            "lending_limit": quota.lending_limit,
            "pool_max_gpus": queues.flavors[pool].max_gpus if pool in queues.flavors else None,
        }
        for team, spec in sorted(config.teams.items())
        for pool, quota in sorted(spec.quotas.items())
    ]
    runs = [
        {
            "run": name,
            "team": run.spec.team,
            "pool": run.placement.pool,
            "method": run.spec.method,
            "gpus": run.placement.gpus,
            **queues.needs[name].terms(),
        }
        for name, run in sorted(queues.runs.items())
    ]
    return {"teams": teams, "finetune": runs}


def _limit(value: int | None) -> str:
    return "no limit" if value is None else str(value)


def queues_section(report: dict[str, Any]) -> Group:
    """The two tables of the plan's Kueue section."""
    # rich only when rendering: `plan_stack` builds the report and must not load it.
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    teams = Table(title="Team queues (Kueue)", title_justify="left", box=None, pad_edge=False)
    for column in ("team", "namespace", "cohort", "pool", "gpus", "borrow", "lend", "pool max"):
        teams.add_column(column, no_wrap=True)
    for row in report["teams"]:
        teams.add_row(
            row["team"],
            row["namespace"],
            row["cohort"] or "-",
            row["pool"],
            str(row["gpus"]),
            _limit(row["borrowing_limit"]),
            _limit(row["lending_limit"]),
            "?" if row["pool_max_gpus"] is None else str(row["pool_max_gpus"]),
        )
    parts: list[Any] = [teams if report["teams"] else Text("Team queues: none configured")]
    if report["finetune"]:
        runs = Table(title="Fine-tuning runs", title_justify="left", box=None, pad_edge=False)
        for column in ("run", "team", "pool", "method", "gpus", "per gpu", "weights", "optimizer"):
            runs.add_column(column, no_wrap=True)
        for row in report["finetune"]:
            runs.add_row(
                row["run"],
                row["team"],
                row["pool"],
                row["method"],
                str(row["gpus"]),
                f"{row['total_gib']:.1f} GiB",
                f"{row['weights_gib']:.1f} GiB",
                f"{row['optimizer_gib']:.1f} GiB",
            )
        parts += [Text(""), runs]
    return Group(*parts)
