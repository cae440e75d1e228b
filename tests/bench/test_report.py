"""Unit tests for the benchmark's bars, their verdicts and the text chart (no server needed)."""

import json
import math
from pathlib import Path

import pytest

from bench.harness import LoadStats
from bench.report import (
    Bar,
    PageResult,
    Run,
    UploadResult,
    chart,
    page_bars,
    upload_bars,
    write_json,
)


def stats(p50_ms: float = 10.0, rps: float = 100.0, errors: int = 0) -> LoadStats:
    return LoadStats(
        requests=100, errors=errors, seconds=1.0, p50_ms=p50_ms, p99_ms=p50_ms, rps=rps
    )


def page(status: str = "built", **figures: object) -> PageResult:
    result = PageResult("coverage", "Coverage", status, p50_bar=("sql+render", 3.0))
    result.latency, result.load = stats(p50_ms=9.0), stats(rps=100.0)
    result.sql_ms, result.render_ms = 2.0, 1.0
    for name, value in figures.items():
        setattr(result, name, value)
    return result


def bar(actual: float, basis: float = 10.0, factor: float = 2.0, at_most: bool = True) -> Bar:
    return Bar("t", "p50 <= 2x SQL", actual, basis, factor, at_most)


def test_a_ceiling_bar_passes_on_the_limit_itself() -> None:
    assert bar(20.0).verdict == "PASS"


def test_a_ceiling_bar_fails_just_above_the_limit() -> None:
    assert bar(20.1).verdict == "FAIL"


def test_a_floor_bar_fails_below_its_share() -> None:
    assert bar(4.0, basis=10.0, factor=0.5, at_most=False).verdict == "FAIL"


def test_a_floor_bar_passes_above_its_share() -> None:
    assert bar(6.0, basis=10.0, factor=0.5, at_most=False).verdict == "PASS"


def test_used_share_is_one_exactly_on_the_bar() -> None:
    assert bar(20.0).used == pytest.approx(1.0)


def test_ratio_is_figure_over_limit() -> None:
    assert bar(5.0, basis=20.0).ratio == pytest.approx(0.25)


def test_a_zero_limit_gives_an_infinite_ratio_not_an_error() -> None:
    assert math.isinf(bar(5.0, basis=0.0).ratio)


def test_an_unjudged_bar_has_no_verdict() -> None:
    unjudged = Bar("t", "p50", 100.0, 1.0, 1.0, at_most=True, judged=False)
    assert unjudged.verdict == "n/a"


def test_a_built_page_is_judged_on_p50_at_one_connection() -> None:
    p50 = page_bars(page(latency=stats(p50_ms=9.0), load=stats(p50_ms=500.0)), 1000.0)[0]
    assert (p50.actual, p50.basis, p50.verdict) == (9.0, 3.0, "PASS")


def test_rate_bar_uses_the_ceiling_when_it_is_lower() -> None:
    rps = page_bars(page(), ceiling_rps=200.0)[1]
    assert rps.basis == pytest.approx(200.0)


def test_rate_bar_uses_sql_plus_render_when_that_is_lower() -> None:
    rps = page_bars(page(), ceiling_rps=2000.0)[1]
    assert rps.basis == pytest.approx(1000 / 3.0)


def test_a_page_not_built_is_shown_but_not_judged() -> None:
    assert {b.verdict for b in page_bars(page(status="not built yet"), 1000.0)} == {"n/a"}


def test_a_page_that_answered_errors_is_not_judged() -> None:
    assert {b.verdict for b in page_bars(page(load=stats(errors=3)), 1000.0)} == {"n/a"}


def test_a_page_not_built_yet_has_no_bars() -> None:
    assert page_bars(PageResult("heatmap", "Heatmap", "not built yet"), 1000.0) == []


def test_heatmap_p50_is_compared_with_its_sql_alone() -> None:
    heatmap = page(p50_bar=("sql", 2.0))
    assert page_bars(heatmap, 1000.0)[0].basis == 2.0


def gigabyte_upload(mb_per_s: float, growth_mib: float) -> UploadResult:
    return UploadResult(
        "upload-1gb",
        "1 GiB",
        "built",
        bytes=1 << 30,
        mb_per_s=mb_per_s,
        http_status=201,
        rss_before_mib=100.0,
        rss_peak_mib=100.0 + growth_mib,
    )


def test_upload_speed_is_compared_with_a_quarter_of_the_disk() -> None:
    speed = upload_bars(gigabyte_upload(mb_per_s=24.0, growth_mib=1.0), disk_mb_per_s=100.0)[0]
    assert speed.verdict == "FAIL"


def test_upload_memory_growth_must_stay_under_32_mib() -> None:
    memory = upload_bars(gigabyte_upload(mb_per_s=90.0, growth_mib=40.0), disk_mb_per_s=100.0)[1]
    assert (memory.actual, memory.verdict) == (40.0, "FAIL")


def test_small_uploads_are_shown_but_not_judged() -> None:
    small = gigabyte_upload(mb_per_s=1.0, growth_mib=99.0)
    small.bytes = 100 << 20
    assert {b.verdict for b in upload_bars(small, disk_mb_per_s=100.0)} == {"n/a"}


def test_chart_draws_half_the_width_for_a_bar_exactly_met() -> None:
    line = chart([bar(20.0)], width=10)[0]
    assert "█████│····" in line


def test_chart_shows_the_bar_crossed_when_it_is_missed() -> None:
    assert "█████┃██··" in chart([bar(32.0)], width=10)[0]


def test_chart_marks_figures_beyond_twice_the_bar() -> None:
    assert "▶" in chart([bar(100.0)], width=10)[0]


def test_chart_names_the_target_and_the_verdict() -> None:
    line = chart([bar(5.0)], width=10)[0]
    assert line.startswith("t p50") and line.endswith("PASS")


def test_results_are_written_as_strict_json_with_null_for_infinity(tmp_path: Path) -> None:
    run = Run("sqlite", 10, {}, {"connections": 16, "seconds": 1.0})
    run.pages.append(page(sql_ms=0.0, render_ms=0.0))
    path = write_json(run, tmp_path, "stamp")
    saved = json.loads(path.read_text(), parse_constant=lambda name: pytest.fail(name))
    assert saved["bars"][1]["basis"] is None and path.name == "stamp-sqlite.json"
