"""The apprentice's dashboard, the portfolio home: coverage charts (with tables), what is
missing, items waiting, progress. Evidence pages link here by name."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships.deps import VisibleApprenticeship
from app.apprenticeships.queries import heading
from app.auth.deps import CurrentViewer, DbSession, require_roles
from app.evidence import queries as evidence_queries
from app.evidence import service as evidence_service
from app.evidence.labels import LABELS
from app.models import Apprenticeship, Ksb, Role, User
from app.models.base import id_of
from app.progress.charts import STATE_LABELS, STATES, BarChart, describe, stacked_bars
from app.progress.coverage import RAG_WORDS, Coverage, KsbState
from app.progress.queries import apprenticeship_coverage
from app.standards.queries import standard_ksbs
from app.web.responses import page_router, render_page

router = page_router()
KIND_ROWS = (
    ("K", "knowledge", "Knowledge"),
    ("S", "skill", "Skills"),
    ("B", "behaviour", "Behaviours"),
)


@dataclass(frozen=True)
class Charts:
    by_kind: BarChart
    by_duty: BarChart


def charts(coverage: Coverage) -> Charts:
    kinds = [(short, label, coverage.by_kind[kind]) for short, kind, label in KIND_ROWS]
    duties = [(duty.code, duty.text, duty.tally) for duty in coverage.duties]
    return Charts(stacked_bars(kinds, label_width=40), stacked_bars(duties, label_width=50))


def _missing(coverage: Coverage, ksbs: dict[str, Ksb], state: KsbState) -> list[Ksb]:
    return [ksbs[row.code] for row in coverage.ksbs if row.state == state and row.code in ksbs]


def overview_context(
    session: Session, *, viewer: User, apprenticeship: Apprenticeship, today: date
) -> dict[str, Any]:
    coverage = apprenticeship_coverage(session, apprenticeship=apprenticeship, today=today)
    ksbs = {ksb.code: ksb for ksb in standard_ksbs(session, apprenticeship.standard_id)}
    return {
        "heading": heading(session, apprenticeship=apprenticeship),
        "coverage": coverage,
        "charts": charts(coverage),
        "kind_rows": KIND_ROWS,
        "states": STATES,
        "state_labels": STATE_LABELS,
        "describe": describe,
        "not_started": _missing(coverage, ksbs, KsbState.NOT_STARTED),
        "unconfirmed": _missing(coverage, ksbs, KsbState.CLAIMED),
        "open_items": evidence_queries.open_items(
            session, viewer=viewer, apprenticeship_id=id_of(apprenticeship)
        ),
        "rag_word": RAG_WORDS[coverage.progress.rag],
        "own": viewer.id == apprenticeship.apprentice_id,
        "can_add": evidence_service.can_change(viewer, apprenticeship),
        "labels": LABELS,
    }


@router.get(
    "/portfolio", name="portfolio_home", dependencies=[Depends(require_roles(Role.APPRENTICE))]
)
def portfolio_home(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    """The apprentice's own home: their current apprenticeship's portfolio."""
    apprenticeship = evidence_queries.current_apprenticeship(session, viewer=viewer.user)
    if apprenticeship is None:
        return render_page(request, "dashboards/portfolio_none.html")
    context = overview_context(
        session, viewer=viewer.user, apprenticeship=apprenticeship, today=date.today()
    )
    return render_page(request, "dashboards/portfolio.html", context)


@router.get("/portfolio/{apprenticeship_id}", name="portfolio_overview")
def portfolio_overview(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: VisibleApprenticeship,
) -> Response:
    """The same page for anyone who may see the apprenticeship (tutor, employer, IQA)."""
    context = overview_context(
        session, viewer=viewer.user, apprenticeship=apprenticeship, today=date.today()
    )
    return render_page(request, "dashboards/portfolio.html", context)
