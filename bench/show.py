"""Printing a run: the figures, the uploads, the bars and a text chart of the bars."""

from typing import Any

from bench.harness import LoadStats
from bench.report import Bar, Run, all_bars, chart


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def _figures_table(run: Run) -> Any:
    from rich.table import Table

    n = run.settings["connections"]
    title = (
        f"Pages, times in ms: {run.settings['seconds']:g} s at 1 connection (1c), then at {n} "
        f"({n}c); {run.database}, {run.apprenticeships:,} apprenticeships"
    )
    table = Table(title=title)
    headings = ["Target", "Status", "p50 1c", "p99 1c", f"p50 {n}c", f"p99 {n}c", f"req/s {n}c"]
    headings += ["Errors", "SQL", "Render", "Full scan", "Statements"]
    for heading in headings:
        table.add_column(heading, justify="left" if heading in ("Target", "Status") else "right")
    for page in run.pages:
        one, many = page.latency, page.load
        errors = None if one is None or many is None else one.errors + many.errors
        table.add_row(
            page.name,
            page.status + (f" ({page.note})" if page.note else ""),
            _ms(one.p50_ms if one else None),
            _ms(one.p99_ms if one else None),
            _ms(many.p50_ms if many else None),
            _ms(many.p99_ms if many else None),
            _ms(many.rps if many else None),
            "" if errors is None else str(errors),
            _ms(page.sql_ms),
            _ms(page.render_ms),
            _ms(page.full_scan_ms),
            "" if page.statements is None else str(page.statements),
        )
    return table


def _uploads_table(run: Run) -> Any:
    from rich.table import Table

    table = Table(title=f"Uploads (disk writes {_ms(run.disk_mb_per_s)} MB/s with fsync)")
    for heading in (
        "Target",
        "Status",
        "MB/s",
        "Seconds",
        "HTTP",
        "RSS before MiB",
        "RSS peak MiB",
        "Growth MiB",
    ):
        table.add_column(heading, justify="left" if heading in ("Target", "Status") else "right")
    for up in run.uploads:
        table.add_row(
            up.name,
            up.status + (f" ({up.note})" if up.note else ""),
            _ms(up.mb_per_s),
            _ms(up.seconds),
            "" if up.http_status is None else str(up.http_status),
            _ms(up.rss_before_mib),
            _ms(up.rss_peak_mib),
            _ms(up.growth_mib),
        )
    return table


def _bars_table(bars: list[Bar]) -> Any:
    from rich.table import Table

    table = Table(title="Bars (issue 7); n/a = not built, errors, or not the judged size")
    for heading in ("Target", "Bar", "Figure", "Limit", "Ratio", "Verdict"):
        table.add_column(
            heading, justify="right" if heading in ("Figure", "Limit", "Ratio") else "left"
        )
    for bar in bars:
        table.add_row(
            bar.target, bar.label, _ms(bar.actual), _ms(bar.basis), f"{bar.ratio:.3f}", bar.verdict
        )
    return table


def _ceiling_line(label: str, stats: LoadStats) -> str:
    line = (
        f"Framework ceiling (bare FastAPI + small template) at {label}: {stats.rps:,.0f} req/s, "
        f"p50 {stats.p50_ms:.2f} ms, p99 {stats.p99_ms:.2f} ms"
    )
    if stats.client_cpu > 0.9:
        # The load client (httpx) used a whole core: the server could go faster than this.
        line += f" (load client at {stats.client_cpu:.0%} CPU: the real ceiling is higher)"
    return line


def print_run(run: Run) -> None:
    from rich.console import Console

    console = Console(width=max(Console().width, 150))
    for label, stats in (("1 connection", run.ceiling_latency), ("16", run.ceiling)):
        if stats is not None:
            console.print(_ceiling_line(label, stats), highlight=False)
    server, client = run.settings.get("server_cores"), run.settings.get("client_cores")
    console.print(f"Cores: server and limits {server}, load client {client}", highlight=False)
    cohorts = ", ".join(f"{name} {size:,}" for name, size in run.cohorts.items())
    console.print(f"Apprenticeships each viewer sees: {cohorts}", highlight=False)
    console.print(_figures_table(run))
    if run.uploads:
        console.print(_uploads_table(run))
    bars = all_bars(run)
    console.print(_bars_table(bars))
    console.print("Share of each bar used (│ = the bar; left of it passes):", highlight=False)
    for line in chart(bars):
        console.print(line, highlight=False)
