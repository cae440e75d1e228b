"""The employer's dashboard: cohort table (filtered with htmx, bookmarkable), CSV, heatmap,
and one apprentice's progress (trend of sign-offs and duty coverage)."""

from datetime import date
from typing import Any

from fastapi import Request
from starlette.responses import Response

from app.apprenticeships.deps import VisibleApprenticeship
from app.auth.deps import DbSession
from app.dashboards import cohort, heatmap
from app.dashboards.deps import CohortFilters, Employer
from app.dashboards.employer_context import (
    CSV_HEADER,
    STATUS_WORDS,
    apprentice_context,
    csv_rows,
)
from app.dashboards.export import to_csv
from app.progress.charts import STATE_LABELS, STATES
from app.progress.coverage import RAG_WORDS
from app.progress.queries import ksb_facts
from app.web.responses import page_router, render_page

router = page_router()


def _common(filters: cohort.Filters) -> dict[str, Any]:
    return {
        "filters": filters,
        "params": filters.params(),
        "rag_words": RAG_WORDS,
        "status_words": STATUS_WORDS,
        "states": STATES,
        "state_labels": STATE_LABELS,
    }


@router.get("/dashboard", name="employer_home")
def employer_home(
    request: Request,
    session: DbSession,
    viewer: Employer,
    filters: CohortFilters,
) -> Response:
    """Filters are plain GET parameters: htmx swaps only the table, the URL keeps them."""
    today = date.today()
    rows = cohort.cohort_rows(session, viewer=viewer.user, filters=filters, today=today)
    duties = cohort.cohort_duties(session, rows=rows, today=today)
    context = _common(filters) | {"rows": rows, "duties": duties}
    fragments = {"cohort-results": "dashboards/_cohort_results.html"}
    return render_page(request, "dashboards/employer.html", context, fragments=fragments)


@router.get("/dashboard/cohort.csv", name="employer_export")
def employer_export(
    session: DbSession,
    viewer: Employer,
    filters: CohortFilters,
) -> Response:
    """The table as shown (same filters), for a spreadsheet."""
    today = date.today()
    rows = cohort.cohort_rows(session, viewer=viewer.user, filters=filters, today=today)
    duties = cohort.cohort_duties(session, rows=rows, today=today)
    body = to_csv(CSV_HEADER, csv_rows(rows, duties))
    headers = {"Content-Disposition": 'attachment; filename="apprentices.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/dashboard/heatmap", name="employer_heatmap")
def employer_heatmap(
    request: Request,
    session: DbSession,
    viewer: Employer,
    filters: CohortFilters,
) -> Response:
    """Every KSB of every apprentice in the (filtered) cohort, each cell a link to its evidence."""
    rows = cohort.cohort_rows(session, viewer=viewer.user, filters=filters, today=date.today())
    facts = ksb_facts(session, [row.apprenticeship_id for row in rows])
    pattern = request.app.url_path_for("ksb_page", apprenticeship_id="__A__", code="__C__")
    grid = heatmap.build(
        [(row.apprenticeship_id, row.apprentice_name) for row in rows],
        facts,
        heatmap.link_maker(str(pattern)),
    )
    context = _common(filters) | {"grid": grid, "symbols": heatmap.SYMBOLS, "words": heatmap.WORDS}
    fragments = {"heatmap-results": "dashboards/_heatmap_grid.html"}
    return render_page(request, "dashboards/heatmap.html", context, fragments=fragments)


@router.get("/dashboard/apprentices/{apprenticeship_id}", name="employer_apprentice")
def employer_apprentice(
    request: Request, session: DbSession, viewer: Employer, apprenticeship: VisibleApprenticeship
) -> Response:
    """One apprentice: sign-offs over time and which duties are fully evidenced."""
    context = apprentice_context(session, apprenticeship=apprenticeship, today=date.today())
    return render_page(request, "dashboards/apprentice.html", context)
