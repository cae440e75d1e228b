"""The caseload page: the tutor's apprentices (IQA and admins: the provider's, read-only).

Filters and sorting are plain GET parameters; htmx swaps only the table and pushes the URL,
so every view of the caseload has an address and works without JavaScript.
"""

from datetime import date
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from app.auth.deps import DbSession
from app.models import utcnow
from app.progress.charts import STATE_LABELS, STATES
from app.progress.coverage import RAG_WORDS, Rag
from app.review import caseload_queries
from app.review.deps import CaseloadViewer
from app.web.responses import page_router, render_page

router = page_router()
Choice = Annotated[str, Query(max_length=100)]
SORT_WORDS = {
    "name": "Apprentice",
    "employer": "Employer",
    "coverage": "Coverage",
    "awaiting": "Awaiting review",
    "activity": "Last activity",
    "rag": "Progress",
}


def filters_of(
    q: str, employer: str, rag: str, awaiting: str, sort: str, order: str
) -> caseload_queries.Filters:
    """Unknown values are ignored, as a filter left empty would be."""
    return caseload_queries.Filters(
        q=q.strip(),
        employer_id=int(employer) if employer.isdigit() and len(employer) < 10 else None,
        rag=Rag(rag) if rag in set(Rag) else None,
        awaiting=awaiting in ("1", "yes", "true", "on"),
        sort=sort if sort in caseload_queries.SORTS else "name",
        descending=order == "desc",
    )


def params(filters: caseload_queries.Filters, **changes: str) -> dict[str, str]:
    """The query string of this view, with some values changed (the sort links use it)."""
    values = {
        "q": filters.q,
        "employer": str(filters.employer_id or ""),
        "rag": filters.rag.value if filters.rag else "",
        "awaiting": "1" if filters.awaiting else "",
        "sort": filters.sort,
        "order": "desc" if filters.descending else "asc",
    }
    return {k: v for k, v in (values | changes).items() if v}


@router.get("/caseload", name="caseload_home")
def caseload_home(
    request: Request,
    session: DbSession,
    viewer: CaseloadViewer,
    q: Choice = "",
    employer: Choice = "",
    rag: Choice = "",
    awaiting: Choice = "",
    sort: Choice = "name",
    order: Choice = "asc",
) -> Response:
    filters = filters_of(q, employer, rag, awaiting, sort, order)
    rows = caseload_queries.caseload_rows(
        session, viewer=viewer.user, today=date.today(), now=utcnow()
    )
    shown = caseload_queries.select_rows(rows, filters)
    context = {
        "title": "Your caseload" if viewer.user.role == "tutor" else "Caseloads",
        "rows": shown,
        "all_count": len(rows),
        "filters": filters,
        "employers": caseload_queries.employers(rows),
        "params": params,
        "sort_words": SORT_WORDS,
        "rag_words": RAG_WORDS,
        "states": STATES,
        "state_labels": STATE_LABELS,
    }
    fragments = {"caseload-results": "review/_caseload_results.html"}
    return render_page(request, "review/caseload.html", context, fragments=fragments)
