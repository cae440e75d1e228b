"""The IQA JSON API: the provider's decisions, sampling one, and sampling rates per tutor."""

from typing import Annotated

from fastapi import Query, Request

from app.auth.deps import DbSession, client_addr
from app.models.base import MAX_INT32
from app.quality import queries
from app.quality.deps import IqaViewer, VisibleDecision
from app.quality.schemas import DecisionOut, SampleIn, TutorSamplingOut
from app.quality.service import sample_decision
from app.web.api import api_router, documented

router = api_router(tags=["quality assurance"])
TutorFilter = Annotated[int | None, Query(ge=1, le=MAX_INT32)]


@router.get(
    "/iqa/decisions",
    name="api_iqa_decisions",
    response_model=list[DecisionOut],
    responses=documented(404, 422),
)
def list_decisions(
    session: DbSession, viewer: IqaViewer, tutor: TutorFilter = None, unsampled: bool = False
) -> list[DecisionOut]:
    """Your provider's review decisions, newest first (IQA staff only; 404 for other roles)."""
    rows = queries.list_decisions(
        session, viewer=viewer.user, tutor_id=tutor, unsampled_only=unsampled
    )
    return [DecisionOut.of(row) for row in rows]


@router.get(
    "/iqa/decisions/{decision_id}",
    name="api_iqa_decision",
    response_model=DecisionOut,
    responses=documented(404, 422),
)
def get_decision(decision: VisibleDecision) -> DecisionOut:
    return DecisionOut.of(decision)


@router.post(
    "/iqa/decisions/{decision_id}/sample",
    name="api_iqa_sample",
    response_model=DecisionOut,
    status_code=201,
    responses=documented(404, 409, 422),
)
def sample(
    request: Request,
    body: SampleIn,
    session: DbSession,
    viewer: IqaViewer,
    decision: VisibleDecision,
) -> DecisionOut:
    """Agree or disagree with a decision; disagreeing needs a comment; one sample per decision."""
    sample_decision(
        session,
        viewer=viewer.user,
        decision=decision,
        verdict=body.verdict,
        comment=body.comment,
        client_addr=client_addr(request),
    )
    found = queries.get_decision(session, viewer=viewer.user, decision_id=decision.id)
    return DecisionOut.of(found or decision)


@router.get(
    "/iqa/sampling",
    name="api_iqa_sampling",
    response_model=list[TutorSamplingOut],
    responses=documented(404),
)
def sampling(session: DbSession, viewer: IqaViewer) -> list[TutorSamplingOut]:
    """Per tutor: decisions made, sampled, disagreed with, and the two rates."""
    rows = queries.sampling_by_tutor(session, viewer=viewer.user)
    return [TutorSamplingOut.of(row) for row in rows]
