"""IQA pages: the provider's decisions (filter by tutor), sampling one, and rates per tutor."""

from typing import Annotated, Any

from fastapi import Query, Request
from sqlmodel import Session
from starlette.responses import Response

from app.auth.deps import DbSession, client_addr
from app.errors import Conflict, FieldErrors
from app.models.base import MAX_INT32
from app.progress.charts import paired_rate_bars
from app.quality import queries
from app.quality.deps import IqaViewer, VisibleDecision
from app.quality.rates import percent
from app.quality.service import sample_decision
from app.web.forms import PostedForm
from app.web.responses import page_router, redirect_to, refuse_form, render_page

router = page_router()
TutorFilter = Annotated[int | None, Query(ge=1, le=MAX_INT32)]
SERIES = ("sample_rate", "disagreement_rate")


@router.get("/iqa/decisions", name="iqa_decisions")
def iqa_decisions(
    request: Request,
    session: DbSession,
    viewer: IqaViewer,
    tutor: TutorFilter = None,
    unsampled: bool = False,
) -> Response:
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
    fragments = {"decisions": "quality/_decisions.html"}
    return render_page(request, "quality/decisions.html", context, fragments=fragments)


DECISION = "quality/decision.html"


@router.get("/iqa/decisions/{decision_id}", name="iqa_decision")
def iqa_decision(request: Request, decision: VisibleDecision) -> Response:
    return render_page(request, DECISION, {"decision": decision, "typed": {}})


@router.post("/iqa/decisions/{decision_id}/sample", name="iqa_sample")
def iqa_sample(
    request: Request,
    session: DbSession,
    viewer: IqaViewer,
    decision: VisibleDecision,
    posted: PostedForm,
) -> Response:
    try:
        sample_decision(
            session,
            viewer=viewer.user,
            decision=decision,
            verdict=posted.get("verdict"),
            comment=posted.get("comment"),
            client_addr=client_addr(request),
        )
    except (FieldErrors, Conflict) as exc:

        def context() -> dict[str, Any]:
            fresh = queries.get_decision(session, viewer=viewer.user, decision_id=decision.id)
            return {"decision": fresh or decision, "typed": posted.fields()}

        return refuse_form(request, session, exc, DECISION, context)
    return redirect_to(request, "iqa_decision", decision_id=decision.id)


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
    return render_page(request, "quality/sampling.html", _sampling_context(session, viewer))
