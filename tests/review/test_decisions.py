"""Deciding on evidence through the service: claims, item state, decision row, event, summary."""

import pytest
from sqlmodel import Session, select

from app.errors import Conflict, FieldErrors, Forbidden
from app.models import ClaimState, EvidenceItem, EvidenceState, KsbClaim, ReviewDecision, User
from app.review.service import ItemToDecide, Verdict, decide_item, decide_items
from tests.factories import make_evidence
from tests.review.conftest import World, events, fresh, refresh, summary_of


def submitted(session: Session, world: World, **claims: str) -> EvidenceItem:
    item = make_evidence(
        session,
        apprenticeship=world.apprenticeship,
        state="submitted",
        claims=claims or {"K1": "claimed", "S1": "claimed"},
    )
    refresh(session, world)
    return item


def decide(
    session: Session,
    world: World,
    item: EvidenceItem,
    verdict: Verdict,
    *,
    viewer: User | None = None,
    version: int | None = None,
) -> ReviewDecision:
    target = ItemToDecide(item, world.apprenticeship, version or item.version)
    decision = decide_item(
        session, viewer=viewer or world.tutor, target=target, verdict=verdict, client_addr="test"
    )
    session.commit()
    return decision


def claim_states(session: Session, item: EvidenceItem) -> dict[int, ClaimState]:
    fresh(session)
    claims = session.exec(select(KsbClaim).where(KsbClaim.evidence_id == item.id)).all()
    return {claim.ksb_id: ClaimState(claim.state) for claim in claims}


def state_of(session: Session, item: EvidenceItem) -> EvidenceState:
    fresh(session)
    return EvidenceState(session.get_one(EvidenceItem, item.id).state)


def test_accepting_confirms_the_claims_and_records_the_decision(
    session: Session, world: World
) -> None:
    item = submitted(session, world)
    decide(session, world, item, Verdict("accept"))
    assert state_of(session, item) == EvidenceState.ACCEPTED
    assert set(claim_states(session, item).values()) == {ClaimState.CONFIRMED}
    decision = session.exec(select(ReviewDecision)).one()
    assert (decision.outcome, decision.reviewer_id) == ("accepted", world.tutor.id)


def test_accepting_writes_an_event_with_the_confirmed_codes(session: Session, world: World) -> None:
    item = submitted(session, world)
    decide(session, world, item, Verdict("accept", claims={"S1": "reject"}))
    (event,) = events(session, "evidence.accepted")
    assert event.data == {"feedback": "", "confirmed": ["K1"], "rejected": ["S1"]}
    assert (event.apprenticeship_id, event.provider_id) == (
        world.apprenticeship.id,
        world.provider.id,
    )


def test_referring_needs_feedback_and_writes_nothing_without_it(
    session: Session, world: World
) -> None:
    item = submitted(session, world)
    with pytest.raises(FieldErrors) as refused:
        decide(session, world, item, Verdict("refer", "   "))
    assert "feedback" in refused.value.fields
    session.rollback()
    assert state_of(session, item) == EvidenceState.SUBMITTED
    assert session.exec(select(ReviewDecision)).all() == []


def test_referring_keeps_the_feedback_and_the_claim_decisions(
    session: Session, world: World
) -> None:
    item = submitted(session, world)
    decide(session, world, item, Verdict("refer", "Add the log file.", {"K1": "confirm"}))
    assert state_of(session, item) == EvidenceState.REFERRED
    (event,) = events(session, "evidence.referred")
    assert event.data == {"feedback": "Add the log file.", "confirmed": ["K1"], "rejected": []}
    states = sorted(claim_states(session, item).values())
    assert states == [ClaimState.CLAIMED, ClaimState.CONFIRMED]


def test_the_summary_follows_the_decision(session: Session, world: World) -> None:
    item = submitted(session, world)
    assert summary_of(session, world.apprenticeship).items_awaiting_review == 1
    decide(session, world, item, Verdict("accept"))
    summary = summary_of(session, world.apprenticeship)
    assert (summary.items_awaiting_review, summary.evidenced, summary.claimed) == (0, 2, 0)


def test_only_submitted_items_can_be_decided(session: Session, world: World) -> None:
    item = make_evidence(session, apprenticeship=world.apprenticeship, state="accepted")
    session.commit()
    with pytest.raises(Conflict):
        decide(session, world, item, Verdict("accept"))


def test_a_stale_version_is_refused(session: Session, world: World) -> None:
    item = submitted(session, world)
    with pytest.raises(Conflict, match="changed since you opened it"):
        decide(session, world, item, Verdict("accept"), version=item.version + 1)


def test_the_second_of_two_decisions_on_one_item_is_refused(session: Session, world: World) -> None:
    item = submitted(session, world)
    version = item.version
    decide(session, world, item, Verdict("accept"), version=version)
    fresh(session)
    with pytest.raises(Conflict):
        decide(session, world, item, Verdict("refer", "No."), version=version)


@pytest.mark.parametrize("who", ["iqa", "admin", "colleague", "apprentice", "employer_user"])
def test_only_the_apprentices_tutor_decides(session: Session, world: World, who: str) -> None:
    item = submitted(session, world)
    with pytest.raises(Forbidden):
        decide(session, world, item, Verdict("accept"), viewer=getattr(world, who))


def test_accepting_with_every_claim_rejected_is_refused(session: Session, world: World) -> None:
    item = submitted(session, world)
    with pytest.raises(FieldErrors) as refused:
        decide(session, world, item, Verdict("accept", claims={"K1": "reject", "S1": "reject"}))
    assert "refer it back" in refused.value.fields["claims"]


def test_a_decision_on_a_ksb_not_claimed_is_refused(session: Session, world: World) -> None:
    item = submitted(session, world)
    with pytest.raises(FieldErrors) as refused:
        decide(session, world, item, Verdict("accept", claims={"B1": "confirm"}))
    assert "B1" in refused.value.fields["claims"]


def test_a_batch_is_decided_whole_or_not_at_all(session: Session, world: World) -> None:
    first, second = submitted(session, world), submitted(session, world)
    done = make_evidence(session, apprenticeship=world.apprenticeship, state="accepted")
    session.commit()
    targets = [
        ItemToDecide(row, world.apprenticeship, row.version) for row in (first, second, done)
    ]
    with pytest.raises(Conflict):
        decide_items(
            session,
            viewer=world.tutor,
            targets=targets,
            verdicts=[Verdict("accept")] * 3,
            client_addr="test",
        )
    session.rollback()
    assert state_of(session, first) == EvidenceState.SUBMITTED
    decide_items(
        session,
        viewer=world.tutor,
        targets=targets[:2],
        verdicts=[Verdict("accept")] * 2,
        client_addr="test",
    )
    session.commit()
    assert {state_of(session, first), state_of(session, second)} == {EvidenceState.ACCEPTED}
