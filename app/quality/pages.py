"""IQA pages: the provider's decisions (filter by tutor), sampling one, and rates per tutor."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from app.auth.deps import DbSession, client_addr
from app.errors import Conflict, DomainError
from app.evidence.validation import InvalidEvidence
from app.progress.charts import paired_rate_bars
from app.quality import queries
from app.quality.deps import IqaViewer, VisibleDecision
from app.quality.queries import DecisionRow
from app.quality.rates import percent
from app.quality.service import sample_decision
from app.review.forms import Posted, posted_form
from app.web.templating import is_htmx, redirect, render

router = APIRouter()
PostedForm = Annotated[Posted, Depends(posted_form)]
TutorFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
SERIES = ("sample_rate", "disagreement_rate")


@router.get("/iqa/decisions", name="iqa_decisions")
def iqa_decisions(
    request: Request, session: DbSession, viewer: IqaViewer, tutor: TutorFilter = None,
    unsampled: bool = False,
) -> Response:  # fmt: skip
    rows = queries.list_decisions(
        session, viewer=viewer.user, tutor_id=tutor, unsampled_only=unsampled
    )
    context = {
        "rows": rows,
        "tutors": queries.provider_tutors(session, viewer=viewer.user),
        "tutor": tutor,
        "unsampled": unsampled,
        "limit": queries.MAX_ROWS,
    }
    partial = is_htmx(request) and request.headers.get("HX-Target") == "decisions"
    template = "quality/_decisions.html" if partial else "quality/decisions.html"
    return render(request, template, context)


def _decision_page(
    request: Request, decision: DecisionRow, error: DomainError | None = None,
    posted: Posted | None = None,
) -> Response:  # fmt: skip
    context: dict[str, Any] = {
        "decision": decision,
        "error": error.detail if error else None,
        "errors": error.fields if isinstance(error, InvalidEvidence) else {},
        "typed": posted.fields() if posted else {},
    }
    status = error.status_code if error else 200
    return render(request, "quality/decision.html", context, status=status)


@router.get("/iqa/decisions/{decision_id}", name="iqa_decision")
def iqa_decision(request: Request, decision: VisibleDecision) -> Response:
    return _decision_page(request, decision)


@router.post("/iqa/decisions/{decision_id}/sample", name="iqa_sample")
def iqa_sample(
    request: Request, session: DbSession, viewer: IqaViewer, decision: VisibleDecision,
    posted: PostedForm,
) -> Response:  # fmt: skip
    try:
        sample_decision(
            session, viewer=viewer.user, decision=decision, verdict=posted.get("verdict"),
            comment=posted.get("comment"), client_addr=client_addr(request),
        )  # fmt: skip
    except (InvalidEvidence, Conflict) as exc:
        session.rollback()
        fresh = queries.get_decision(session, viewer=viewer.user, decision_id=decision.id)
        return _decision_page(request, fresh or decision, exc, posted)
    return redirect(request, str(request.url_for("iqa_decision", decision_id=decision.id)))


def _sampling_context(session: Session, viewer: IqaViewer) -> dict[str, Any]:
    rows = queries.sampling_by_tutor(session, viewer=viewer.user)
    chart_rows = [(r.tutor_name, r.sample_rate, r.disagreement_rate) for r in rows]
    return {
        "rows": rows,
        "chart": paired_rate_bars(chart_rows, series=SERIES),
        "percent": percent,
    }


@router.get("/iqa/sampling", name="iqa_sampling")
def iqa_sampling(request: Request, session: DbSession, viewer: IqaViewer) -> Response:
    """Per tutor: decisions made, how many were sampled and how often the IQA disagreed."""
    return render(request, "quality/sampling.html", _sampling_context(session, viewer))
