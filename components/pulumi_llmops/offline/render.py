"""Human-readable rendering of a `Plan` with rich.

Deterministic when piped: fixed width, no colour, trailing spaces stripped.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .plan import CAVEATS, Plan
from .recording import RecordedResource, Recording


def render_plan(plan: Plan) -> Group:
    config = plan.config
    header = Text.assemble(
        (f"Offline plan of stack {plan.stack}", "bold"),
        f" ({plan.source})\n",
        f"target {config.target}, region {config.region}, environment {config.environment}",
    )
    notes = Text("\n".join(f"* {line}" for line in CAVEATS), style="dim")
    sections = [
        header,
        notes,
        Text(""),
        resource_tree(plan.recording),
        Text(""),
        type_table(plan.recording),
        Text(""),
        inventory_table(plan),
        Text(""),
        models_table(plan),
        *_packing_section(plan),
        *reservations_section(plan),
        *slo_section(plan),
    ]
    if plan.queues:
        from .queues_report import queues_section

        sections += [Text(""), queues_section(plan.queues)]
    return Group(*sections)


def resource_tree(recording: Recording) -> Tree:
    """Resources grouped under their parent component, each component with its count."""
    tree = Tree(Text(f"Resources: {len(recording)}", style="bold"))
    by_parent: dict[str | None, list[RecordedResource]] = {}
    known = {r.urn for r in recording}
    for resource in recording:
        parent = resource.parent if resource.parent in known else None
        by_parent.setdefault(parent, []).append(resource)

    def descendants(urn: str) -> int:
        return sum(1 + descendants(c.urn) for c in by_parent.get(urn, []))

    def add(node: Tree, parent: str | None) -> None:
        for resource in sorted(by_parent.get(parent, []), key=lambda r: (r.type, r.name)):
            label = Text.assemble((resource.name, "bold" if not resource.custom else ""))
            label.append(f"  {resource.type}", style="cyan")
            if resource.type == "kubernetes:helm.sh/v4:Chart":
                label.append("  (chart: not rendered offline)", style="dim")
            elif not resource.custom:
                count = descendants(resource.urn)
                label.append(f"  ({count} resource{'' if count == 1 else 's'})", style="dim")
            if resource.protect or resource.retain_on_delete:
                flags = [
                    f
                    for f, on in (
                        ("protect", resource.protect),
                        ("retain", resource.retain_on_delete),
                    )
                    if on
                ]
                label.append(f"  [{', '.join(flags)}]", style="yellow")
            add(node.add(label), resource.urn)

    add(tree, None)
    return tree


def type_table(recording: Recording) -> Table:
    table = Table(title="Resources by type", title_justify="left", box=None, pad_edge=False)
    table.add_column("type")
    table.add_column("count", justify="right")
    for type_, count in recording.type_counts().items():
        table.add_row(type_, str(count))
    return table


def inventory_table(plan: Plan) -> Table | Text:
    if not plan.inventory:
        return Text("GPU inventory: no GPU pools configured")
    table = Table(title="GPU inventory", title_justify="left", box=None, pad_edge=False)
    for column in (
        "pool",
        "gpu model",
        "gpus/node",
        "sharing",
        "slots/node",
        "min nodes",
        "max nodes",
        "max gpus",
        "capacity",
    ):
        numeric = "nodes" in column or "gpus" in column or column.startswith("slots")
        table.add_column(column, justify="right" if numeric else "left")
    priced = any(pool.capacity != "owned" for pool in plan.inventory)
    if priced:
        for column in ("$/mo min", "$/mo max"):
            table.add_column(column, justify="right", no_wrap=True)
        table.caption = _price_caption(plan)
        table.caption_justify = "left"
    for pool in plan.inventory:
        costs = (
            (_money(pool.monthly_cost_min_usd), _money(pool.monthly_cost_max_usd)) if priced else ()
        )
        table.add_row(
            pool.pool,
            pool.gpu_model or "?",
            _num(pool.gpus_per_node),
            pool.sharing if pool.allocation == "device-plugin" else f"{pool.sharing} (dra)",
            _num(pool.schedulable_gpus_per_node),
            str(pool.min_nodes),
            str(pool.max_nodes),
            _num(pool.max_gpus),
            pool.capacity,
            *costs,
        )
    return table


def reservations_section(plan: Plan) -> list[Table | Text]:
    """The pools that draw on a capacity reservation and what it commits (nothing when no
    pool has one, so stacks without reservations render as before)."""
    if not plan.reservations:
        return []
    table = Table(title="Capacity reservations", title_justify="left", box=None, pad_edge=False)
    for column in ("pool", "draws on", "reservation", "zone", "committed nodes", "$/node-h"):
        table.add_column(column, justify="right" if column[0] in "c$" else "left")
    table.add_column("committed $/mo", justify="right", no_wrap=True)
    for r in plan.reservations:
        table.add_row(
            r.pool,
            r.kind,
            r.reservation,
            r.zone or "-",
            _num(r.nodes),
            "n/a" if r.usd_per_node_hour is None else f"{r.usd_per_node_hour:.3f}",
            _money(r.usd_per_month),
        )
    table.caption = (
        "Reserved capacity is billed whether nodes run or not; the cost-guardrails budget "
        "counts it (monthly-gpu-budget)."
    )
    table.caption_justify = "left"
    return [Text(""), table]


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.0f}"


def _price_caption(plan: Plan) -> str:
    """Per pool: $/hour of one node and the price's source. A month is 730 hours."""
    lines = [
        "$/mo = on-demand $/hour x 730 x min or max nodes of the pool (the nodes the models "
        "need, and spot prices: GPU packing). Prices per node:"
    ]
    for pool in plan.inventory:
        hourly = "n/a" if pool.usd_per_hour is None else f"${pool.usd_per_hour:.4f}/h"
        lines.append(f"  {pool.pool}: {pool.machine_type or '-'} {hourly}, {pool.price_source}")
    return "\n".join(lines)


def models_table(plan: Plan) -> Table | Text:
    """Per model: memory one replica needs, pool, GPUs per replica, $/hour at min/max replicas."""
    if not plan.models:
        return Text("Models: none configured")
    table = Table(title="Models", title_justify="left", box=None, pad_edge=False)
    for column in (
        "model",
        "needed",
        "per gpu",
        "pool",
        "gpu",
        "chosen by",
        "gpus/replica",
        "replicas",
        "$/h min",
        "$/h max",
    ):
        table.add_column(
            column,
            no_wrap=True,
            justify="left" if column in ("model", "pool", "gpu", "chosen by") else "right",
        )
    for row in plan.models:
        table.add_row(
            row.model,
            f"{row.memory_needed_gib:.1f} GiB" + (" (est. KV)" if row.kv_cache_estimated else ""),
            "-" if row.per_gpu_gib is None else f"{row.per_gpu_gib:.1f} GiB",
            row.pool,
            row.gpu,
            row.chosen_by,
            str(row.gpus_per_replica),
            f"{row.min_replicas}-{row.max_replicas}",
            _usd(row.usd_per_hour_min),
            _usd(row.usd_per_hour_max),
        )
    return table


def slo_section(plan: Plan) -> list[Table | Text]:
    """The SLO table (expected throughput, replicas, $/1M output tokens), only when a model
    is SLO-sized: plans without SLOs print exactly as before."""
    rows = [row for row in plan.models if row.slo is not None]
    if not rows:
        return []
    table = Table(
        title="SLO sizing (expected, from the throughput table)",
        title_justify="left",
        box=None,
        pad_edge=False,
    )
    for column in ("model", "TP", "replicas", "tokens/s", "needed", "TPOT", "TTFT", "$/1M tok"):
        table.add_column(column, no_wrap=True, justify="left" if column == "model" else "right")
    for row in rows:
        slo = row.slo
        assert slo is not None
        table.add_row(
            row.model,
            str(slo.tensor_parallel),
            str(slo.replicas),
            f"{slo.tokens_per_second:,.0f}",
            f"{slo.demand_tokens_per_second:,.0f}",
            f"{slo.tpot_ms:.1f} ms",
            f"{slo.ttft_ms:.0f} ms",
            "unpriced"
            if slo.usd_per_million_tokens is None
            else f"${slo.usd_per_million_tokens:,.2f}",
        )
    sources = "\n".join(
        f"  {row.model}: {row.slo.basis}, {row.slo.source}" for row in rows if row.slo
    )
    return [Text(""), table, Text(f"Throughput rows:\n{sources}", style="dim")]


def _packing_section(plan: Plan) -> list[Table | Text]:
    """The packing of the models onto nodes and its cost, when models run on GPU pools."""
    if not plan.model_costs:
        return []
    return [
        Text(""),
        packing_table(plan),
        Text(packing_notes(plan), style="dim"),
        Text(""),
        model_costs_table(plan),
        Text(
            "A model's share: its GPUs on each node x node price / GPUs per node, at min-max "
            "replicas; a pool costs its models' shares plus its idle GPUs.",
            style="dim",
        ),
    ]


def packing_table(plan: Plan) -> Table:
    """Per pool: nodes the packed replicas need at min-max replicas (of the pool's cap), GPU
    utilisation, on-demand $/h and $/month, spot $/h beside it, idle $/h at max."""
    table = Table(title="GPU packing", title_justify="left", box=None, pad_edge=False)
    for column in (
        "pool",
        "gpu",
        "nodes",
        "of max",
        "gpus used",
        "$/h",
        "$/mo",
        "spot $/h",
        "idle $/h",
    ):
        table.add_column(
            column, no_wrap=True, justify="left" if column in ("pool", "gpu") else "right"
        )
    for pool in plan.packing:
        table.add_row(
            pool.pool,
            f"{pool.gpus_per_node} x {pool.gpu}",
            f"{pool.nodes_min}-{pool.nodes_max}",
            "-" if pool.max_nodes is None else str(pool.max_nodes),
            f"{_pct(pool.gpu_utilisation_min)}-{_pct(pool.gpu_utilisation_max)}",
            _range(pool.usd_per_hour_min, pool.usd_per_hour_max, "{:,.2f}"),
            _range(pool.monthly_cost_min_usd, pool.monthly_cost_max_usd, "{:,.0f}"),
            _range(pool.spot_usd_per_hour_min, pool.spot_usd_per_hour_max, "{:,.2f}"),
            "n/a" if pool.idle_usd_per_hour_max is None else f"${pool.idle_usd_per_hour_max:,.2f}",
        )
    return table


def packing_notes(plan: Plan) -> str:
    """How the packing was made, pools over their cap, and where spot prices come from."""
    lines = [
        "Replicas packed first-fit decreasing onto whole nodes (MIG pools: slices); the pool "
        f"of each model chosen to minimise the whole placement's cost ({plan.search} search). "
        "nodes, gpus used and $ at min-max replicas; $/mo = $/h x 730; idle = free GPUs x "
        "node price / GPUs per node, at max.",
    ]
    over = [p for p in plan.packing if p.over_capacity]
    lines += [
        f"  {p.pool}: max replicas need {p.nodes_max} nodes, max_nodes is {p.max_nodes}"
        for p in over
    ]
    spot = [p for p in plan.packing if p.spot_price_source]
    lines += [f"  {p.pool} spot: {p.spot_price_source}" for p in spot]
    return "\n".join(lines)


def model_costs_table(plan: Plan) -> Table:
    """Per model: its share of the bill (attribution) at min-max replicas, spot beside it."""
    table = Table(title="Model costs", title_justify="left", box=None, pad_edge=False)
    for column in ("model", "pool", "replicas", "$/h", "$/mo", "spot $/h"):
        table.add_column(
            column, no_wrap=True, justify="left" if column in ("model", "pool") else "right"
        )
    for cost in plan.model_costs:
        table.add_row(
            cost.model,
            cost.pool,
            f"{cost.min_replicas}-{cost.max_replicas}",
            _range(cost.usd_per_hour_min, cost.usd_per_hour_max, "{:,.2f}"),
            _range(cost.monthly_cost_min_usd, cost.monthly_cost_max_usd, "{:,.0f}"),
            _range(cost.spot_usd_per_hour_min, cost.spot_usd_per_hour_max, "{:,.2f}"),
        )
    return table


def _range(low: float | None, high: float | None, fmt: str) -> str:
    if low is None or high is None:
        return "n/a"
    return f"${fmt.format(low)}-{fmt.format(high)}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _usd(value: float | None) -> str:
    return "unpriced" if value is None else f"${value:,.2f}"


def _num(value: int | None) -> str:
    return "?" if value is None else str(value)


def render_text(plan: Plan, width: int = 120) -> str:
    """The plan as plain text, exactly as `llmops plan` prints it when piped."""
    import io

    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None, highlight=False).print(render_plan(plan))
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def make_console() -> Console:
    """A console for interactive use (colour, terminal width)."""
    return Console(highlight=False, soft_wrap=False)
