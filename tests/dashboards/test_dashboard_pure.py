"""Pure pieces of the dashboards: trend replay, heatmap cells, CSV safety, new chart geometry."""

import csv
import io
from datetime import UTC, date, datetime

from app.dashboards.cohort import parse_filters
from app.dashboards.export import safe_cell, to_csv
from app.dashboards.heatmap import build, code_order, link_maker
from app.dashboards.provider import bin_label
from app.dashboards.trend import replay, trend
from app.progress.charts import histogram, step_line
from app.progress.coverage import KsbFacts, Rag


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_replay_counts_sign_offs_up_and_revocations_down_per_day() -> None:
    events = [
        (at(1), "ksb.signed_off"),
        (at(1, 10), "ksb.signed_off"),
        (at(4), "ksb.signoff_revoked"),
        (at(9), "ksb.signed_off"),
    ]
    points = [(p.day.day, p.change, p.signed_off) for p in replay(events)]
    assert points == [(1, 2, 2), (4, -1, 1), (9, 1, 2)]


def test_replay_never_goes_below_zero() -> None:
    assert replay([(at(2), "ksb.signoff_revoked")])[0].signed_off == 0


def test_replay_ignores_other_actions() -> None:
    assert [p.change for p in replay([(at(2), "evidence.accepted")])] == [0]


def test_trend_runs_from_the_start_to_today() -> None:
    points = replay([(at(11), "ksb.signed_off")])
    chart = trend(points, start=date(2026, 3, 1), today=date(2026, 3, 21), ksb_total=4).chart
    assert (chart.first_label, chart.last_label) == ("01 Mar 2026", "21 Mar 2026")
    assert chart.max_value == 4


def test_step_line_holds_each_value_until_the_next_change() -> None:
    chart = step_line([5], [2], span=10, ceiling=4, labels=("a", "b"))
    xs_ys = [tuple(map(float, p.split(","))) for p in chart.points.split()]
    assert len(xs_ys) == 4
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = xs_ys
    assert y0 == y1 and x1 == x2 and y2 == y3 and y2 < y1
    assert x1 == x0 + (x3 - x0) / 2


def test_histogram_scales_columns_to_the_fullest_bin() -> None:
    chart = histogram([("a", 2), ("b", 4), ("c", 0)])
    heights = [c.height for c in chart.columns]
    assert heights[1] == 2 * heights[0] and heights[2] == 0
    assert all(c.y + c.height == chart.base_y for c in chart.columns)


def test_histogram_of_nothing_has_flat_columns() -> None:
    assert [c.height for c in histogram([("a", 0)]).columns] == [0.0]


def test_bin_labels_cover_zero_to_a_hundred() -> None:
    assert [bin_label(i) for i in (0, 1, 9)] == ["0-9%", "10-19%", "90-100%"]


def facts(code: str, *, confirmed: int = 0, pending: int = 0, signed: bool = False) -> KsbFacts:
    return KsbFacts(code, "knowledge", pending, confirmed, 0, signed)


def test_heatmap_columns_are_the_union_of_codes_in_standard_order() -> None:
    grid = build(
        [(1, "A"), (2, "B")],
        {1: [facts("K2"), facts("B1")], 2: [facts("K10"), facts("S1")]},
        lambda owner, code: f"/{owner}/{code}",
    )
    assert grid.codes == ("K2", "K10", "S1", "B1")
    assert [c.state for c in grid.rows[0].cells] == ["not_started", "none", "none", "not_started"]
    assert grid.rows[0].cells[1].href is None


def test_heatmap_cells_carry_symbol_words_and_link() -> None:
    grid = build(
        [(7, "A")],
        {7: [facts("K1", signed=True), facts("K2", confirmed=1)]},
        link_maker("/p/__A__/k/__C__"),
    )
    first, second = grid.rows[0].cells
    assert (first.symbol, first.title, first.href) == ("✓", "K1: signed off", "/p/7/k/K1")
    assert (second.symbol, second.title) == ("E", "K2: evidenced")


def test_code_order_puts_knowledge_skills_behaviours_then_numbers() -> None:
    assert sorted(["B1", "S2", "K10", "K2"], key=code_order) == ["K2", "K10", "S2", "B1"]


def test_formula_cells_are_quoted() -> None:
    cells = {
        "=1+1": "'=1+1",
        "+1": "'+1",
        "-1": "'-1",
        "@SUM(A1)": "'@SUM(A1)",
        "Ann": "Ann",
        None: "",
        3: "3",
    }
    assert {value: safe_cell(value) for value in cells} == cells


def test_csv_quotes_commas_and_quotes_properly() -> None:
    text = to_csv(["Name"], [['Smith, "Jo"']])
    assert list(csv.reader(io.StringIO(text))) == [["Name"], ['Smith, "Jo"']]


def test_filters_ignore_unknown_values() -> None:
    filters = parse_filters("  ann ", "purple", "gateway")
    assert (filters.q, filters.rag, filters.status) == ("ann", None, "gateway")
    assert parse_filters("", "red", "").rag is Rag.RED
