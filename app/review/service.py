"""Deciding on submitted evidence: accept or refer back, confirming or rejecting each claim.

Everything is checked first, then written. The item's row is changed first with a conditional
UPDATE (still submitted, still at the version the reviewer read), so two reviewers deciding the
same item at once cannot both win: the later one gets a 409.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.auth import policy
from app.errors import Conflict, FieldErrors, Forbidden
from app.evidence.writes import Context, change_item, record
from app.models import (
    Apprenticeship,
    ClaimState,
    EvidenceItem,
    EvidenceState,
    Ksb,
    KsbClaim,
    ReviewDecision,
    User,
    id_of,
)
from app.progress.summaries import refresh_summaries

Outcome = Literal["accept", "refer"]
ClaimVerdict = Literal["confirm", "reject"]
OUTCOMES: dict[str, EvidenceState] = {
    "accept": EvidenceState.ACCEPTED,
    "refer": EvidenceState.REFERRED,
}
FEEDBACK_MAX = 5_000
NOT_YOURS = "Only the apprentice's own tutor can decide on their evidence."
NOT_WAITING = "This evidence is not waiting for review, so there is nothing to decide."
STALE = (
    "This evidence changed since you opened it (perhaps someone else decided on it, or the "
    "apprentice changed it). Nothing has been saved: open it again to see the latest version."
)


@dataclass(frozen=True)
class Verdict:
    """What the reviewer decided on one item.

    Claims left out of `claims` stay as they are, except that accepting an item confirms
    its claims still waiting: accepting says the evidence shows what it claims."""

    outcome: Outcome
    feedback: str = ""
    claims: Mapping[str, ClaimVerdict] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemToDecide:
    item: EvidenceItem
    apprenticeship: Apprenticeship
    version: int


def _claims_of(session: Session, item_ids: Sequence[int]) -> dict[int, dict[str, KsbClaim]]:
    """Each item's claims by KSB code, in one statement."""
    statement = (
        select(KsbClaim, Ksb.code)
        .join(Ksb, col(Ksb.id) == KsbClaim.ksb_id)
        .where(col(KsbClaim.evidence_id).in_(item_ids))
    )
    found: dict[int, dict[str, KsbClaim]] = {item_id: {} for item_id in item_ids}
    for claim, code in session.exec(statement):
        found[claim.evidence_id][code] = claim
    return found


def _check_verdict(verdict: Verdict, claims: Mapping[str, KsbClaim]) -> dict[str, ClaimState]:
    """The claims' new states, or FieldErrors naming every problem."""
    problems: dict[str, str] = {}
    if verdict.outcome not in OUTCOMES:
        problems["outcome"] = "Choose whether to accept the evidence or refer it back."
    feedback = verdict.feedback.strip()
    if verdict.outcome == "refer" and not feedback:
        problems["feedback"] = "Write feedback saying what the apprentice needs to change."
    if len(feedback) > FEEDBACK_MAX:
        problems["feedback"] = f"Keep the feedback under {FEEDBACK_MAX:,} characters."
    unknown = sorted(set(verdict.claims) - set(claims))
    if unknown:
        problems["claims"] = f"This evidence does not claim {', '.join(unknown)}."
    states = _new_states(verdict, claims)
    if verdict.outcome == "accept" and claims and ClaimState.CONFIRMED not in states.values():
        problems["claims"] = (
            "Accepting evidence needs at least one confirmed KSB: refer it back instead."
        )
    if problems:
        raise FieldErrors(problems)
    return states


def _new_states(verdict: Verdict, claims: Mapping[str, KsbClaim]) -> dict[str, ClaimState]:
    states = {code: ClaimState(claim.state) for code, claim in claims.items()}
    for code, choice in verdict.claims.items():
        if code in states:
            states[code] = ClaimState.CONFIRMED if choice == "confirm" else ClaimState.REJECTED
    if verdict.outcome == "accept":
        states = {
            c: ClaimState.CONFIRMED if s == ClaimState.CLAIMED else s for c, s in states.items()
        }
    return states


def _check_item(viewer: User, target: ItemToDecide) -> None:
    if not policy.can_decide(viewer, target.apprenticeship):
        raise Forbidden(NOT_YOURS)
    if target.item.state != EvidenceState.SUBMITTED:
        raise Conflict(NOT_WAITING)
    if target.version != target.item.version:
        raise Conflict(STALE)


def _write_claims(
    session: Session, claims: Mapping[str, KsbClaim], states: Mapping[str, ClaimState]
) -> None:
    for state in (ClaimState.CONFIRMED, ClaimState.REJECTED, ClaimState.CLAIMED):
        ids = [c.id for code, c in claims.items() if states[code] == state and c.state != state]
        if ids:
            session.execute(
                update(KsbClaim)
                .where(col(KsbClaim.id).in_(ids))
                .values(state=state, version=col(KsbClaim.version) + 1)
                .execution_options(synchronize_session=False)
            )


def _apply(
    session: Session,
    *,
    viewer: User,
    target: ItemToDecide,
    verdict: Verdict,
    claims: Mapping[str, KsbClaim],
    states: Mapping[str, ClaimState],
    client_addr: str,
) -> ReviewDecision:
    item = target.item
    try:
        change_item(
            session,
            item=item,
            expected_version=target.version,
            states=(EvidenceState.SUBMITTED,),
            values={"state": OUTCOMES[verdict.outcome]},
        )
    except Conflict as exc:
        raise Conflict(STALE) from exc
    _write_claims(session, claims, states)
    decision = ReviewDecision(
        evidence_id=id_of(item),
        reviewer_id=id_of(viewer),
        outcome=OUTCOMES[verdict.outcome].value,
        feedback=verdict.feedback.strip(),
    )
    session.add(decision)
    codes = sorted(states)
    data = {
        "feedback": decision.feedback,
        "confirmed": [c for c in codes if states[c] == ClaimState.CONFIRMED],
        "rejected": [c for c in codes if states[c] == ClaimState.REJECTED],
    }
    context = Context(viewer, item, target.apprenticeship, client_addr)
    record(session, f"evidence.{decision.outcome}", context, data)
    return decision


def decide_items(
    session: Session,
    *,
    viewer: User,
    targets: Sequence[ItemToDecide],
    verdicts: Sequence[Verdict],
    client_addr: str,
) -> list[ReviewDecision]:
    """Decide several items in one transaction: all of them, or (on any refusal) none."""
    if len(targets) != len(verdicts):
        raise ValueError("one verdict per item")
    for target in targets:
        _check_item(viewer, target)
    claims = _claims_of(session, [id_of(t.item) for t in targets])
    states = [
        _check_verdict(v, claims[id_of(t.item)]) for t, v in zip(targets, verdicts, strict=True)
    ]
    # Rows are locked in id order, so two overlapping batches cannot deadlock.
    order = sorted(range(len(targets)), key=lambda i: id_of(targets[i].item))
    decisions = [
        _apply(
            session,
            viewer=viewer,
            target=targets[i],
            verdict=verdicts[i],
            claims=claims[id_of(targets[i].item)],
            states=states[i],
            client_addr=client_addr,
        )
        for i in order
    ]
    session.flush()
    refresh_summaries(session, apprenticeship_ids=[id_of(t.apprenticeship) for t in targets])
    return decisions


def decide_item(
    session: Session, *, viewer: User, target: ItemToDecide, verdict: Verdict, client_addr: str
) -> ReviewDecision:
    """Accept or refer back one submitted item."""
    return decide_items(
        session, viewer=viewer, targets=[target], verdicts=[verdict], client_addr=client_addr
    )[0]
