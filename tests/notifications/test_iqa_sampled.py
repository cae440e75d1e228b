"""A tutor is told when an IQA disagrees with one of their decisions, and nobody else is: the
sample's event names the decision's tutor (data["reviewer_id"], as quality/service.py records)."""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.auth.policy import is_notified, notification_scope
from app.models import Apprenticeship, Event, EvidenceItem, ReviewDecision, User, id_of
from app.notifications.queries import list_notifications, unread_count
from app.quality.queries import get_decision
from app.quality.service import sample_decision
from tests.factories import make_decision, make_evidence
from tests.gateway.world import Tenant, World
from tests.notifications.test_notifications import actions, happen
from tests.statements import statements_run

WHY = "K1 is not shown by this evidence."


def sampled(
    session: Session, tenant: Tenant, decision: ReviewDecision, verdict: str, comment: str = WHY
) -> None:
    """An IQA samples the decision through the service, as the sampling page does."""
    row = get_decision(session, viewer=tenant.iqa, decision_id=id_of(decision))
    assert row is not None
    sample_decision(
        session,
        viewer=tenant.iqa,
        decision=row,
        verdict=verdict,
        comment=comment,
        client_addr="test",
    )
    session.commit()


def decided(session: Session, tenant: Tenant, by: User | None = None) -> ReviewDecision:
    item = make_evidence(session, apprenticeship=tenant.apprenticeship, state="accepted")
    decision = make_decision(session, item, by or tenant.tutor, "accepted")
    session.commit()
    return decision


def test_the_tutor_is_told_when_the_iqa_disagrees(session: Session, world: World) -> None:
    sampled(session, world.a, decided(session, world.a), "disagree")
    assert actions(session, world.a.tutor) == ["iqa.sampled"]


def test_the_words_name_the_item_and_carry_the_comment(session: Session, world: World) -> None:
    decision = decided(session, world.a)
    sampled(session, world.a, decision, "disagree")
    item = session.get(EvidenceItem, decision.evidence_id)
    assert item is not None
    [told] = list_notifications(session, viewer=world.a.tutor)
    assert told.text == (
        f"Quality check: the IQA (Alpha Iqa) disagreed with your decision on “{item.title}” "
        f"from Alpha Apprentice. Comment: {WHY}"
    )


def test_the_notification_links_the_decided_item(session: Session, world: World) -> None:
    decision = decided(session, world.a)
    sampled(session, world.a, decision, "disagree")
    [told] = list_notifications(session, viewer=world.a.tutor)
    assert told.evidence_id == decision.evidence_id


def test_an_agreement_is_not_told(session: Session, world: World) -> None:
    sampled(session, world.a, decided(session, world.a), "agree", comment="")
    assert actions(session, world.a.tutor) == []


def test_only_the_decisions_tutor_is_told(session: Session, world: World) -> None:
    """The colleague decided an item of the tutor's apprenticeship: the colleague is told."""
    sampled(session, world.a, decided(session, world.a, by=world.a.colleague), "disagree")
    assert actions(session, world.a.colleague) == ["iqa.sampled"]
    assert actions(session, world.a.tutor) == []


@pytest.mark.parametrize("role", ["apprentice", "employer", "iqa", "admin"])
def test_no_other_role_is_told(session: Session, world: World, role: str) -> None:
    sampled(session, world.a, decided(session, world.a), "disagree")
    assert actions(session, world.a.by_role(role)) == []


def test_another_providers_tutor_is_not_told(session: Session, world: World) -> None:
    sampled(session, world.a, decided(session, world.a), "disagree")
    assert actions(session, world.b.tutor) == []


def test_the_tutor_is_told_after_the_apprenticeship_moves_on(
    session: Session, world: World
) -> None:
    """The IQA judged their decision; the new tutor made none and is not told."""
    decision = decided(session, world.a)
    world.a.apprenticeship.tutor_id = world.a.colleague.id
    session.add(world.a.apprenticeship)
    session.commit()
    sampled(session, world.a, decision, "disagree")
    assert actions(session, world.a.tutor) == ["iqa.sampled"]
    assert actions(session, world.a.colleague) == []


def test_disagreements_count_as_unread(session: Session, world: World) -> None:
    happen(session, world.a)
    sampled(session, world.a, decided(session, world.a), "disagree")
    assert unread_count(session, viewer=world.a.tutor) == 2


def test_scope_and_object_check_agree_for_everyone(session: Session, world: World) -> None:
    for tenant in (world.a, world.b):
        happen(session, tenant)
        sampled(session, tenant, decided(session, tenant), "disagree")
        sampled(session, tenant, decided(session, tenant, by=tenant.colleague), "disagree")
        sampled(session, tenant, decided(session, tenant), "agree", comment="")
    pairs = session.exec(
        select(Event, Apprenticeship).join(
            Apprenticeship, col(Apprenticeship.id) == Event.apprenticeship_id
        )
    ).all()
    people = [
        t.by_role(r)
        for t in (world.a, world.b)
        for r in ("tutor", "colleague", "iqa", "admin", "employer", "apprentice")
    ]
    for viewer in people:
        listed = set(
            session.exec(
                select(col(Event.id))
                .join(Apprenticeship, col(Apprenticeship.id) == Event.apprenticeship_id)
                .where(notification_scope(viewer))
            ).all()
        )
        assert listed == {e.id for e, a in pairs if is_notified(viewer, e, a)}, viewer.name


def test_the_tutors_list_and_count_stay_one_statement_each(
    session: Session, engine: Engine, world: World
) -> None:
    for _ in range(10):
        happen(session, world.a)
        sampled(session, world.a, decided(session, world.a), "disagree")
    session.expunge_all()
    tutor = session.get(User, world.a.tutor.id)
    assert tutor is not None
    with statements_run(engine) as statements:
        rows = list_notifications(session, viewer=tutor)
        unread = unread_count(session, viewer=tutor)
    assert (len(rows), unread) == (20, 20)
    assert {row.action for row in rows} == {"evidence.submitted", "iqa.sampled"}
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2
