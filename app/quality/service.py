"""Recording an IQA's sample of a review decision: one per decision, decided by the database."""

from sqlmodel import Session

from app import audit
from app.auth.policy import can_sample
from app.db import insert_once
from app.errors import Conflict, FieldErrors, Forbidden
from app.models import IqaSample, SampleVerdict, User, utcnow
from app.quality.queries import DecisionRow

COMMENT_MAX = 4_000
ALREADY = "This decision has already been sampled (perhaps someone has just done it)."


def _checked(verdict: str, comment: str | None) -> tuple[SampleVerdict, str]:
    text = (comment or "").strip()
    problems = {}
    if verdict not in tuple(SampleVerdict):
        problems["verdict"] = "Say whether you agree or disagree with the decision."
    elif verdict == SampleVerdict.DISAGREE and not text:
        problems["comment"] = "Say why you disagree, so that the tutor can act on it."
    if len(text) > COMMENT_MAX:
        problems["comment"] = f"Keep the comment under {COMMENT_MAX:,} characters."
    if problems:
        raise FieldErrors(problems)
    return SampleVerdict(verdict), text


def sample_decision(
    session: Session,
    *,
    viewer: User,
    decision: DecisionRow,
    verdict: str,
    comment: str | None,
    client_addr: str,
) -> None:
    """Agree or disagree with a decision (a comment is required to disagree); a second is 409."""
    if not can_sample(viewer, decision):
        raise Forbidden("Only quality assurance staff sample decisions.")
    checked, text = _checked(verdict, comment)
    values = {
        "decision_id": decision.id,
        "sampled_by_id": viewer.id,
        "verdict": checked.value,
        "comment": text,
        "sampled_at": utcnow(),
    }
    if not insert_once(session, IqaSample, values, unique=["decision_id"]):
        raise Conflict(ALREADY)
    audit.record(
        session,
        action="iqa.sampled",
        actor=viewer,
        target_type="review_decision",
        target_id=decision.id,
        apprenticeship_id=decision.apprenticeship_id,
        provider_id=decision.provider_id,
        client_addr=client_addr,
        data={"verdict": checked.value, "comment": text, "reviewer_id": decision.reviewer_id},
    )
