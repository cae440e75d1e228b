"""Results, the bars they are judged by, and how they are shown: a table, a text chart, JSON.

p50 bars are judged on the p50 at one connection. At 16 connections a single worker queues
requests, so there p50 is about 16 / (requests per second) (Little's law) whatever the page
does; that figure is reported beside the rate, which is judged at 16 connections.
"""

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import LoadStats

# Bars from issue 7. A page not built yet, or one that answered errors, is not judged.
RPS_SHARE = 0.3  # requests/s >= 0.3 x min(framework ceiling, 1000 / (SQL + render ms))
UPLOAD_SHARE = 0.25  # 1 GiB upload >= 0.25 x the disk's write speed
MEMORY_MIB = 32.0  # server memory growth during the upload stays under this
BASIS_LABELS = {"sql+render": "(SQL + render)", "sql": "SQL", "full-scan": "full-scan SQL"}


@dataclass
class PageResult:
    name: str
    title: str
    status: str  # built or not built yet
    path: str | None = None
    viewer: str | None = None
    latency: LoadStats | None = None  # one connection: the page's own time, no queueing
    load: LoadStats | None = None  # N connections: throughput, and latency under load
    sql_ms: float | None = None
    render_ms: float | None = None
    full_scan_ms: float | None = None
    statements: int | None = None  # SQL statements one request issues, sign-in check included
    p50_bar: tuple[str, float] | None = None
    note: str = ""

    @property
    def limit_ms(self) -> float | None:
        """SQL + render: what one request cannot be faster than."""
        if self.sql_ms is None:
            return None
        return self.sql_ms + (self.render_ms or 0.0)


@dataclass
class UploadResult:
    name: str
    title: str
    status: str
    bytes: int = 0
    seconds: float | None = None
    mb_per_s: float | None = None
    http_status: int | None = None
    rss_before_mib: float | None = None
    rss_peak_mib: float | None = None
    note: str = ""

    @property
    def growth_mib(self) -> float | None:
        if self.rss_before_mib is None or self.rss_peak_mib is None:
            return None
        return max(0.0, self.rss_peak_mib - self.rss_before_mib)


@dataclass(frozen=True)
class Bar:
    target: str
    label: str
    actual: float
    basis: float  # the limit the figure is compared with
    factor: float
    at_most: bool  # actual <= factor x basis; otherwise actual >= factor x basis
    judged: bool = True

    @property
    def ratio(self) -> float:
        return self.actual / self.basis if self.basis else math.inf

    @property
    def used(self) -> float:
        """Share of the bar taken: 1.0 is exactly on it, above 1.0 misses it."""
        if self.at_most:
            return self.ratio / self.factor
        return self.factor / self.ratio if self.ratio else math.inf

    @property
    def verdict(self) -> str:
        if not self.judged:
            return "n/a"
        return "PASS" if self.used <= 1.0 else "FAIL"


@dataclass
class Run:
    database: str
    apprenticeships: int
    machine: dict[str, Any]
    settings: dict[str, Any]
    cohorts: dict[str, int] = field(default_factory=dict)
    ceiling: LoadStats | None = None  # at N connections
    ceiling_latency: LoadStats | None = None  # at one
    disk_mb_per_s: float | None = None
    pages: list[PageResult] = field(default_factory=list)
    uploads: list[UploadResult] = field(default_factory=list)
    burst: dict[str, Any] | None = None  # bench/burst.py
    writers: dict[str, Any] | None = None


def page_bars(result: PageResult, ceiling_rps: float | None) -> list[Bar]:
    """The p50 bar of the page's kind and the requests-per-second bar every page has."""
    latency, load, limit = result.latency, result.load, result.limit_ms
    if latency is None or load is None or limit is None:
        return []
    judged, bars = result.status == "built" and latency.errors + load.errors == 0, []
    if result.p50_bar is not None:
        basis_name, factor = result.p50_bar
        basis = {"sql+render": limit, "sql": result.sql_ms, "full-scan": result.full_scan_ms}
        if basis[basis_name] is not None:
            label = f"p50 (1 conn.) <= {factor:g}x {BASIS_LABELS[basis_name]}"
            bars.append(
                Bar(
                    result.name,
                    label,
                    latency.p50_ms,
                    basis[basis_name] or 0.0,
                    factor,
                    at_most=True,
                    judged=judged,
                )
            )
    best_rps = 1000 / limit if limit else math.inf
    rps_basis = min(best_rps, ceiling_rps) if ceiling_rps else best_rps
    label = f"req/s >= {RPS_SHARE:g}x min(ceiling, 1000/(SQL+render))"
    bars.append(Bar(result.name, label, load.rps, rps_basis, RPS_SHARE, False, judged))
    return bars


def upload_bars(result: UploadResult, disk_mb_per_s: float | None) -> list[Bar]:
    """The 1 GiB upload is judged on speed and memory; smaller ones are shown, not judged."""
    judged = result.bytes >= 1 << 30 and result.http_status is not None and result.http_status < 300
    bars = []
    if result.mb_per_s is not None and disk_mb_per_s:
        label = f"MB/s >= {UPLOAD_SHARE:g}x disk write speed"
        bars.append(
            Bar(result.name, label, result.mb_per_s, disk_mb_per_s, UPLOAD_SHARE, False, judged)
        )
    if result.growth_mib is not None:
        label = f"memory growth <= {MEMORY_MIB:g} MiB"
        bars.append(Bar(result.name, label, result.growth_mib, MEMORY_MIB, 1.0, True, judged))
    return bars


def all_bars(run: Run) -> list[Bar]:
    ceiling = run.ceiling.rps if run.ceiling else None
    bars = [bar for page in run.pages for bar in page_bars(page, ceiling)]
    return bars + [bar for up in run.uploads for bar in upload_bars(up, run.disk_mb_per_s)]


def chart(bars: list[Bar], width: int = 40) -> list[str]:
    """One line per bar: the share of it used, drawn up to 2x with the bar itself in the middle."""
    lines = []
    for bar in bars:
        used = bar.used
        filled = width if math.isinf(used) else min(width, round(used * width / 2))
        cells = ["█" if n < filled else "·" for n in range(width)]
        cells[width // 2] = "│" if filled <= width // 2 else "┃"
        more = "▶" if used > 2 else " "
        shown = "   inf" if math.isinf(used) else f"{used:6.2f}"
        name = f"{bar.target} {bar.label.split()[0]}"
        lines.append(f"{name:<20} {''.join(cells)}{more} {shown} of bar  {bar.verdict}")
    return lines


def to_json(run: Run) -> dict[str, Any]:
    bars = [
        dict(asdict(bar), ratio=bar.ratio, used=bar.used, verdict=bar.verdict)
        for bar in all_bars(run)
    ]
    pages = [dict(asdict(page), limit_ms=page.limit_ms) for page in run.pages]
    uploads = [dict(asdict(up), growth_mib=up.growth_mib) for up in run.uploads]
    return dict(asdict(run), pages=pages, uploads=uploads, bars=bars)


def _finite(value: Any) -> Any:
    """JSON has no infinity: a ratio over a zero limit is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def write_json(run: Run, directory: Path, stamp: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stamp}-{run.database}.json"
    text = json.dumps(_finite(to_json(run)), indent=2, default=str, allow_nan=False)
    path.write_text(text + "\n")
    return path
