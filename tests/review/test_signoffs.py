"""Signing KSBs off and revoking through the service: the rules, the events, the summary."""

import pytest
from sqlmodel import Session, select

from app.db import insert_once
from app.errors import Conflict, FieldErrors, Forbidden, NotFound
from app.models import KsbSignoff, User, utcnow
from app.review.signoff_service import revoke_signoff, sign_off_ksb
from tests.factories import _ksb_ids, make_evidence, sign_off
from tests.review.conftest import World, events, fresh, refresh, summary_of


def confirmed(session: Session, world: World, code: str = "K1") -> None:
    make_evidence(
        session, apprenticeship=world.apprenticeship, state="accepted", claims={code: "confirmed"}
    )
    refresh(session, world)


def sign(
    session: Session,
    world: World,
    code: str = "K1",
    reason: str | None = None,
    viewer: User | None = None,
) -> None:
    sign_off_ksb(
        session,
        viewer=viewer or world.tutor,
        apprenticeship=world.apprenticeship,
        code=code,
        override_reason=reason,
        client_addr="test",
    )
    session.commit()


def revoke(session: Session, world: World, code: str = "K1", reason: str = "Wrong KSB") -> None:
    revoke_signoff(
        session,
        viewer=world.tutor,
        apprenticeship=world.apprenticeship,
        code=code,
        reason=reason,
        client_addr="test",
    )
    session.commit()


def signoffs(session: Session) -> list[KsbSignoff]:
    fresh(session)
    return list(session.exec(select(KsbSignoff)).all())


def test_a_ksb_with_a_confirmed_claim_is_signed_off(session: Session, world: World) -> None:
    confirmed(session, world)
    sign(session, world)
    (row,) = signoffs(session)
    assert (row.signed_by_id, row.override_reason) == (world.tutor.id, None)
    assert summary_of(session, world.apprenticeship).signed_off == 1


def test_signing_off_writes_the_agreed_event(session: Session, world: World) -> None:
    confirmed(session, world)
    sign(session, world, "k1")
    (event,) = events(session, "ksb.signed_off")
    assert (event.target_type, event.data) == ("ksb", {"code": "K1", "override_reason": None})
    assert (event.apprenticeship_id, event.provider_id) == (
        world.apprenticeship.id,
        world.provider.id,
    )


def test_without_confirmed_evidence_a_reason_is_needed(session: Session, world: World) -> None:
    make_evidence(
        session, apprenticeship=world.apprenticeship, state="submitted", claims={"K1": "claimed"}
    )
    session.commit()
    with pytest.raises(FieldErrors) as refused:
        sign(session, world)
    assert "override_reason" in refused.value.fields
    session.rollback()
    sign(session, world, reason="Seen in the workplace observation")
    (row,) = signoffs(session)
    assert row.override_reason == "Seen in the workplace observation"


def test_a_ksb_already_signed_off_answers_conflict(session: Session, world: World) -> None:
    confirmed(session, world)
    sign(session, world)
    with pytest.raises(Conflict, match="already signed off"):
        sign(session, world)


def test_a_code_outside_the_standard_is_not_found(session: Session, world: World) -> None:
    with pytest.raises(NotFound):
        sign(session, world, "K99", reason="x")


@pytest.mark.parametrize("who", ["iqa", "admin", "colleague"])
def test_only_the_apprentices_tutor_signs_off(session: Session, world: World, who: str) -> None:
    confirmed(session, world)
    with pytest.raises(Forbidden):
        sign(session, world, viewer=getattr(world, who))


def test_revoking_needs_a_reason(session: Session, world: World) -> None:
    sign_off(session, world.apprenticeship, "K1", world.tutor)
    session.commit()
    with pytest.raises(FieldErrors):
        revoke(session, world, reason=" ")


def test_revoking_removes_the_signoff_and_records_why(session: Session, world: World) -> None:
    confirmed(session, world)
    sign(session, world)
    revoke(session, world, reason="Signed off the wrong KSB")
    assert signoffs(session) == []
    (event,) = events(session, "ksb.signoff_revoked")
    assert event.data == {"code": "K1", "reason": "Signed off the wrong KSB"}
    assert summary_of(session, world.apprenticeship).signed_off == 0


def test_revoking_what_is_not_signed_off_answers_conflict(session: Session, world: World) -> None:
    with pytest.raises(Conflict, match="not signed off"):
        revoke(session, world)


def test_the_unique_constraint_is_the_last_word(session: Session, world: World) -> None:
    """Without the row lock (as if two transactions passed every check at once), the second
    insert is skipped by ON CONFLICT DO NOTHING and reported, never duplicated."""
    values = {
        "apprenticeship_id": world.apprenticeship.id,
        "ksb_id": _ksb_ids(session, world.apprenticeship)["K1"],
        "signed_by_id": world.tutor.id,
        "override_reason": None,
        "signed_at": utcnow(),
    }
    unique = ["apprenticeship_id", "ksb_id"]
    assert insert_once(session, KsbSignoff, values, unique=unique) is True
    assert insert_once(session, KsbSignoff, values, unique=unique) is False
    session.commit()
    assert len(signoffs(session)) == 1
