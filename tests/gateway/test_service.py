"""Gateway service on both databases: tick, untick and move, with their events and refusals."""

from datetime import date

import pytest
from sqlmodel import Session, col, select

from app.errors import Conflict, FieldErrors, Forbidden
from app.gateway import service
from app.gateway.readiness import REQUIREMENTS
from app.models import (
    Apprenticeship,
    ApprenticeshipSummary,
    Event,
    GatewayCheck,
    User,
)
from tests.factories import make_evidence, sign_off
from tests.gateway.world import KSBS, World

TODAY = date(2026, 6, 1)


def tick(session: Session, world: World, requirement: str, by: User | None = None) -> None:
    a = world.a
    service.tick_requirement(
        session,
        viewer=by or a.tutor,
        apprenticeship=a.apprenticeship,
        requirement=requirement,
        evidence_id=a.evidence.id,
        client_addr="test",
    )


def make_ready(session: Session, world: World) -> None:
    for code in KSBS:
        sign_off(session, world.a.apprenticeship, code, world.a.tutor)
    for requirement in REQUIREMENTS:
        tick(session, world, requirement)


def events(session: Session, action: str) -> list[Event]:
    return list(session.exec(select(Event).where(Event.action == action).order_by(col(Event.id))))


def test_ticking_stores_the_check_with_its_evidence(session: Session, world: World) -> None:
    tick(session, world, "english")
    check = session.exec(select(GatewayCheck)).one()
    assert (check.requirement, check.evidence_id, check.ticked_by_id) == (
        "english",
        world.a.evidence.id,
        world.a.tutor.id,
    )


def test_ticking_records_an_event(session: Session, world: World) -> None:
    tick(session, world, "maths")
    [event] = events(session, "gateway.check_ticked")
    assert event.apprenticeship_id == world.a.apprenticeship.id
    assert event.provider_id == world.a.provider.id
    assert event.data == {"requirement": "maths", "evidence_id": world.a.evidence.id}


def test_ticking_refreshes_the_summary(session: Session, world: World) -> None:
    tick(session, world, "maths")
    summary = session.get(ApprenticeshipSummary, world.a.apprenticeship.id)
    assert summary is not None and summary.last_activity_at is not None


def test_ticking_twice_is_a_conflict(session: Session, world: World) -> None:
    tick(session, world, "english")
    with pytest.raises(Conflict):
        tick(session, world, "english")


def test_evidence_of_another_apprenticeship_is_refused(session: Session, world: World) -> None:
    with pytest.raises(FieldErrors) as refused:
        service.tick_requirement(
            session,
            viewer=world.a.tutor,
            apprenticeship=world.a.apprenticeship,
            requirement="english",
            evidence_id=world.b.evidence.id,
            client_addr="test",
        )
    assert "evidence_id" in refused.value.fields


def test_a_draft_cannot_be_attached(session: Session, world: World) -> None:
    draft = make_evidence(session, apprenticeship=world.a.apprenticeship, state="draft")
    with pytest.raises(FieldErrors):
        service.tick_requirement(
            session,
            viewer=world.a.tutor,
            apprenticeship=world.a.apprenticeship,
            requirement="english",
            evidence_id=draft.id,
            client_addr="test",
        )


def test_an_unknown_requirement_is_refused(session: Session, world: World) -> None:
    with pytest.raises(FieldErrors) as refused:
        tick(session, world, "driving_licence")
    assert "requirement" in refused.value.fields


@pytest.mark.parametrize("role", ["colleague", "iqa", "admin", "employer", "apprentice"])
def test_only_the_own_tutor_may_tick(session: Session, world: World, role: str) -> None:
    with pytest.raises(Forbidden):
        tick(session, world, "english", by=world.a.by_role(role))


def test_unticking_removes_the_check_and_records_it(session: Session, world: World) -> None:
    tick(session, world, "english")
    service.untick_requirement(
        session,
        viewer=world.a.tutor,
        apprenticeship=world.a.apprenticeship,
        requirement="english",
        client_addr="test",
    )
    assert session.exec(select(GatewayCheck)).all() == []
    assert [e.data for e in events(session, "gateway.check_unticked")] == [
        {"requirement": "english"}
    ]


def test_unticking_what_is_not_ticked_is_a_conflict(session: Session, world: World) -> None:
    with pytest.raises(Conflict):
        service.untick_requirement(
            session,
            viewer=world.a.tutor,
            apprenticeship=world.a.apprenticeship,
            requirement="maths",
            client_addr="test",
        )


def move(session: Session, world: World, today: date = TODAY) -> None:
    service.move_to_gateway(
        session,
        viewer=world.a.tutor,
        apprenticeship=world.a.apprenticeship,
        today=today,
        client_addr="test",
    )


def test_moving_while_blocked_names_every_blocker(session: Session, world: World) -> None:
    sign_off(session, world.a.apprenticeship, "K1", world.a.tutor)
    tick(session, world, "english")
    with pytest.raises(service.GatewayBlocked) as blocked:
        move(session, world)
    assert blocked.value.status_code == 409
    assert blocked.value.blockers == (
        "3 KSBs not signed off: K2, S1, B1",
        "No employer declaration",
        "No maths evidence",
        "Time on programme not confirmed by a tutor",
    )


def test_a_blocked_move_leaves_the_status(session: Session, world: World) -> None:
    with pytest.raises(service.GatewayBlocked):
        move(session, world)
    session.rollback()
    found = session.get(Apprenticeship, world.a.apprenticeship.id, populate_existing=True)
    assert found is not None and found.status == "active"


def test_too_little_time_blocks_the_move(session: Session, world: World) -> None:
    make_ready(session, world)
    with pytest.raises(service.GatewayBlocked) as blocked:
        move(session, world, today=date(2024, 8, 20))
    assert blocked.value.blockers == ("On programme 7 months of the required 12",)


def test_moving_when_ready_sets_gateway_and_records_it(session: Session, world: World) -> None:
    make_ready(session, world)
    move(session, world)
    assert world.a.apprenticeship.status == "gateway"
    [event] = events(session, "apprenticeship.gateway")
    assert (event.apprenticeship_id, event.provider_id) == (
        world.a.apprenticeship.id,
        world.a.provider.id,
    )
    assert event.data["from"] == "active"


def test_the_checklist_is_settled_at_gateway(session: Session, world: World) -> None:
    make_ready(session, world)
    move(session, world)
    with pytest.raises(Conflict):
        service.untick_requirement(
            session,
            viewer=world.a.tutor,
            apprenticeship=world.a.apprenticeship,
            requirement="maths",
            client_addr="test",
        )
