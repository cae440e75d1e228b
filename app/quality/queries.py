"""Reading review decisions for IQA, always through policy.iqa_scope; a fixed few statements."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.auth.policy import iqa_scope, is_sampler
from app.models import (
    Apprenticeship,
    EvidenceItem,
    IqaSample,
    ReviewDecision,
    Role,
    SampleVerdict,
    User,
)
from app.progress.queries import count_where
from app.quality.rates import TutorSampling

Reviewer = aliased(User)
Apprentice = aliased(User)
MAX_ROWS = 500


@dataclass(frozen=True)
class DecisionRow:
    id: int
    decided_at: datetime
    outcome: str
    feedback: str
    evidence_id: int
    evidence_title: str
    apprenticeship_id: int
    provider_id: int
    apprentice_name: str
    reviewer_id: int
    reviewer_name: str
    verdict: str | None  # the IQA sample's, if sampled
    comment: str | None


def _decisions(viewer: User) -> Select[*tuple[Any, ...]]:
    return (
        sa_select(
            col(ReviewDecision.id),
            col(ReviewDecision.decided_at),
            col(ReviewDecision.outcome),
            col(ReviewDecision.feedback),
            col(EvidenceItem.id),
            col(EvidenceItem.title),
            col(Apprenticeship.id),
            col(Apprenticeship.provider_id),
            col(Apprentice.name),
            col(Reviewer.id),
            col(Reviewer.name),
            col(IqaSample.verdict),
            col(IqaSample.comment),
        )
        .join(EvidenceItem, col(EvidenceItem.id) == ReviewDecision.evidence_id)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .join(Apprentice, col(Apprentice.id) == Apprenticeship.apprentice_id)
        .join(Reviewer, col(Reviewer.id) == ReviewDecision.reviewer_id)
        .outerjoin(IqaSample, col(IqaSample.decision_id) == ReviewDecision.id)
        .where(iqa_scope(viewer))
    )


def _row(row: tuple[object, ...]) -> DecisionRow:
    values = list(row)
    values[11] = str(values[11]) if values[11] is not None else None
    return DecisionRow(*values)  # type: ignore[arg-type]


def list_decisions(
    session: Session, *, viewer: User, tutor_id: int | None = None, unsampled_only: bool = False
) -> list[DecisionRow]:
    """The provider's decisions, newest first, optionally one tutor's or not yet sampled."""
    statement = _decisions(viewer)
    if tutor_id is not None:
        statement = statement.where(col(ReviewDecision.reviewer_id) == tutor_id)
    if unsampled_only:
        statement = statement.where(col(IqaSample.id).is_(None))
    statement = statement.order_by(
        col(ReviewDecision.decided_at).desc(), col(ReviewDecision.id).desc()
    ).limit(MAX_ROWS)
    return [_row(row) for row in session.execute(statement)]


def get_decision(session: Session, *, viewer: User, decision_id: int) -> DecisionRow | None:
    statement = _decisions(viewer).where(col(ReviewDecision.id) == decision_id)
    row = session.execute(statement).first()
    return _row(tuple(row)) if row else None


def provider_tutors(session: Session, *, viewer: User) -> list[tuple[int, str]]:
    """The tutors of the IQA's provider, for the filter."""
    if not is_sampler(viewer):
        return []
    statement = (
        sa_select(col(User.id), col(User.name))
        .where(col(User.organisation_id) == viewer.organisation_id, col(User.role) == Role.TUTOR)
        .order_by(col(User.name), col(User.id))
    )
    return [(int(i), str(n)) for i, n in session.execute(statement)]


def sampling_by_tutor(session: Session, *, viewer: User) -> list[TutorSampling]:
    """Per reviewer: decisions made, sampled, disagreed with, in one grouped statement."""
    statement = (
        sa_select(
            col(Reviewer.id),
            col(Reviewer.name),
            func.count(col(ReviewDecision.id)),
            func.count(col(IqaSample.id)),
            count_where(col(IqaSample.verdict) == SampleVerdict.DISAGREE),
        )
        .select_from(ReviewDecision)
        .join(EvidenceItem, col(EvidenceItem.id) == ReviewDecision.evidence_id)
        .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
        .join(Reviewer, col(Reviewer.id) == ReviewDecision.reviewer_id)
        .outerjoin(IqaSample, col(IqaSample.decision_id) == ReviewDecision.id)
        .where(iqa_scope(viewer))
        .group_by(col(Reviewer.id), col(Reviewer.name))
        .order_by(col(Reviewer.name), col(Reviewer.id))
    )
    return [
        TutorSampling(int(i), str(name), int(made), int(sampled), int(disagreed or 0))
        for i, name, made, sampled, disagreed in session.execute(statement)
    ]
