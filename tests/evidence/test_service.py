"""The evidence service: checks first, then changes; locking, stale edits, files after commit."""

from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.db import open_session
from app.errors import Conflict, FieldErrors, Forbidden
from app.evidence import service
from app.evidence.schemas import EvidenceForm
from app.evidence.service import FileChanges
from app.evidence.storage import LocalStorage
from app.evidence.validation import overclaim_warning
from app.models import (
    ApprenticeshipSummary,
    ClaimState,
    Event,
    EvidenceFile,
    EvidenceItem,
    EvidenceState,
    KsbClaim,
    User,
)
from tests.evidence import samples
from tests.evidence.conftest import World, staged, stored_files
from tests.factories import make_evidence

ADDR = "203.0.113.9"


def form(**changes: object) -> EvidenceForm:
    values: dict[str, object] = {
        "title": "Fixed the payroll login fault",
        "occurred_on": "2026-03-02",
        "kind": "document",
        "reflection": "I traced the fault to an expired certificate.",
        "claims": {"K1": "I explained the fault to the user.", "S1": "I fixed it myself."},
    }
    return EvidenceForm.model_validate(values | changes)


def create(
    session: Session,
    world: World,
    storage: LocalStorage,
    *,
    viewer: User | None = None,
    submit: bool = False,
    files: FileChanges | None = None,
    **changes: object,
) -> EvidenceItem:
    return service.create_evidence(
        session,
        viewer=viewer or world.apprentice,
        apprenticeship=world.apprenticeship,
        form=form(**changes),
        files=files or FileChanges(storage=storage, max_files=20),
        submit=submit,
        client_addr=ADDR,
    )


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def actions(session: Session) -> list[str]:
    return list(session.exec(select(Event.action).order_by(Event.id)).all())


def test_a_draft_is_saved_with_its_claims(
    session: Session, world: World, storage: LocalStorage
) -> None:
    item = create(session, world, storage)
    assert item.state == EvidenceState.DRAFT and item.version == 1
    claims = session.exec(select(KsbClaim).where(KsbClaim.evidence_id == item.id)).all()
    assert {c.justification for c in claims} == set(form().claims.values())
    assert actions(session) == ["evidence.created"]


def test_submitting_on_create_waits_for_review_and_counts_in_the_summary(
    session: Session, world: World, storage: LocalStorage
) -> None:
    item = create(session, world, storage, submit=True)
    assert item.state == EvidenceState.SUBMITTED and item.submitted_at is not None
    assert actions(session) == ["evidence.created", "evidence.submitted"]
    summary = session.get(ApprenticeshipSummary, world.apprenticeship.id)
    assert summary is not None and (summary.items_awaiting_review, summary.claimed) == (1, 2)


def test_every_field_problem_is_reported_at_once_and_nothing_is_written(
    session: Session, world: World, storage: LocalStorage
) -> None:
    future = (date.today() + timedelta(days=2)).isoformat()
    with pytest.raises(FieldErrors) as caught:
        create(session, world, storage, title=" ", occurred_on=future, kind="selfie")
    assert set(caught.value.fields) == {"title", "occurred_on", "kind"}
    assert count(session, EvidenceItem) == 0 and count(session, Event) == 0


def test_a_ksb_outside_the_standard_is_refused(
    session: Session, world: World, storage: LocalStorage
) -> None:
    with pytest.raises(FieldErrors) as caught:
        create(session, world, storage, claims={"K99": "made up"})
    assert "K99" in caught.value.fields["claims"]


def test_a_draft_may_leave_justifications_for_later(
    session: Session, world: World, storage: LocalStorage
) -> None:
    assert create(session, world, storage, claims={"K1": ""}).id is not None


def test_submitting_needs_a_justification_for_each_claim(
    session: Session, world: World, storage: LocalStorage
) -> None:
    with pytest.raises(FieldErrors) as caught:
        create(session, world, storage, submit=True, claims={"K1": "", "S1": "done"})
    assert set(caught.value.fields) == {"justification-K1"}


def test_submitting_needs_at_least_one_claim(
    session: Session, world: World, storage: LocalStorage
) -> None:
    with pytest.raises(FieldErrors) as caught:
        create(session, world, storage, submit=True, claims={})
    assert "claims" in caught.value.fields


@pytest.mark.parametrize("role", ["tutor", "employer_user", "iqa"])
def test_staff_cannot_add_evidence(
    session: Session, world: World, storage: LocalStorage, role: str
) -> None:
    with pytest.raises(Forbidden):
        create(session, world, storage, viewer=getattr(world, role))


def test_another_apprentice_cannot_add_to_this_portfolio(
    session: Session, world: World, storage: LocalStorage
) -> None:
    with pytest.raises(Forbidden):
        create(session, world, storage, viewer=world.other_apprentice)


def test_files_are_moved_into_place_only_when_the_rows_commit(
    session: Session, world: World, storage: LocalStorage
) -> None:
    upload = staged(storage, samples.PDF, "plan.pdf")
    create(session, world, storage, files=FileChanges(storage=storage, added=[upload]))
    assert stored_files(storage) == [upload.staged.temp_path.name]
    session.commit()
    assert stored_files(storage) == [upload.staged.key]
    row = session.exec(select(EvidenceFile)).one()
    assert (row.original_name, row.content_type) == ("plan.pdf", "application/pdf")


def test_files_are_removed_when_the_transaction_rolls_back(
    session: Session, world: World, storage: LocalStorage
) -> None:
    upload = staged(storage, samples.PNG, "screen.png")
    create(session, world, storage, files=FileChanges(storage=storage, added=[upload]))
    session.rollback()
    assert stored_files(storage) == []
    assert count(session, EvidenceFile) == 0


def test_refused_files_refuse_the_whole_change(
    session: Session, world: World, storage: LocalStorage
) -> None:
    files = FileChanges(storage=storage, problems=["virus.exe: this kind of file is not accepted"])
    with pytest.raises(FieldErrors) as caught:
        create(session, world, storage, files=files)
    assert "virus.exe" in caught.value.fields["files"]
    assert count(session, EvidenceItem) == 0


def test_the_file_limit_counts_files_already_there(
    session: Session, world: World, storage: LocalStorage
) -> None:
    first = staged(storage, samples.TEXT)
    item = create(session, world, storage, files=FileChanges(storage=storage, added=[first]))
    second = staged(storage, samples.CSV, "hours.csv")
    with pytest.raises(FieldErrors) as caught:
        service.add_files(
            session,
            viewer=world.apprentice,
            apprenticeship=world.apprenticeship,
            item=item,
            files=FileChanges(storage=storage, max_files=1, added=[second]),
            client_addr=ADDR,
        )
    assert "up to 1 files" in caught.value.fields["files"]


def update(
    session: Session, world: World, item: EvidenceItem, *, version: int, **changes: object
) -> EvidenceItem:
    return service.update_evidence(
        session,
        viewer=world.apprentice,
        apprenticeship=world.apprenticeship,
        item=item,
        form=form(**changes),
        version=version,
        files=FileChanges(),
        submit=False,
        client_addr=ADDR,
    )


def test_an_edit_bumps_the_version_and_records_what_changed(
    session: Session, world: World, storage: LocalStorage
) -> None:
    item = create(session, world, storage)
    update(session, world, item, version=1, title="A better title")
    assert (item.title, item.version) == ("A better title", 2)
    event = session.exec(select(Event).where(Event.action == "evidence.updated")).one()
    assert event.data["fields"] == ["title"]


def test_an_edit_of_a_stale_version_is_refused(
    session: Session, world: World, storage: LocalStorage
) -> None:
    item = create(session, world, storage)
    update(session, world, item, version=1, title="Second")
    with pytest.raises(Conflict, match="changed this evidence"):
        update(session, world, item, version=1, title="Third")
    assert item.title == "Second"


def test_the_database_refuses_a_stale_edit_that_the_loaded_row_missed(
    engine: Engine, world: World, storage: LocalStorage
) -> None:
    """Two requests read version 1; the first commits; the second must not overwrite it."""
    with open_session(engine) as first:
        item = create(first, world, storage)
        first.commit()
    with open_session(engine) as other:
        fresh = other.get(EvidenceItem, item.id)
        assert fresh is not None
        update(other, world, fresh, version=1, title="Changed elsewhere")
        other.commit()
    with open_session(engine) as late, pytest.raises(Conflict):
        update(late, world, item, version=1, title="Late")  # item still says version 1


@pytest.mark.parametrize("state", ["submitted", "accepted"])
def test_submitted_and_accepted_items_are_locked(
    session: Session, world: World, state: str
) -> None:
    item = make_evidence(session, apprenticeship=world.apprenticeship, state=state)
    with pytest.raises(Conflict, match=r"waiting for review|accepted"):
        update(session, world, item, version=item.version)


def test_editing_a_referred_claim_sends_it_back_for_review(session: Session, world: World) -> None:
    item = make_evidence(
        session,
        apprenticeship=world.apprenticeship,
        state="referred",
        claims={"K1": "confirmed", "S1": "rejected"},
    )
    for claim in session.exec(select(KsbClaim)).all():
        claim.justification = "old"
    session.flush()
    update(session, world, item, version=item.version, claims={"K1": "old", "S1": "new text"})
    states = dict(session.exec(select(KsbClaim.justification, KsbClaim.state)).all())
    assert states == {"old": ClaimState.CONFIRMED, "new text": ClaimState.CLAIMED}


def test_submit_as_it_stands(session: Session, world: World, storage: LocalStorage) -> None:
    item = create(session, world, storage)
    service.submit_evidence(
        session,
        viewer=world.apprentice,
        apprenticeship=world.apprenticeship,
        item=item,
        version=1,
        client_addr=ADDR,
    )
    assert (item.state, item.version) == (EvidenceState.SUBMITTED, 2)


def test_set_claims_replaces_the_whole_set(
    session: Session, world: World, storage: LocalStorage
) -> None:
    item = create(session, world, storage)
    service.set_claims(
        session,
        viewer=world.apprentice,
        apprenticeship=world.apprenticeship,
        item=item,
        claims={"B1": "I stayed calm."},
        version=1,
        client_addr=ADDR,
    )
    assert session.exec(select(KsbClaim.justification)).all() == ["I stayed calm."]


def delete(session: Session, world: World, item: EvidenceItem, storage: LocalStorage) -> None:
    service.delete_evidence(
        session,
        viewer=world.apprentice,
        apprenticeship=world.apprenticeship,
        item=item,
        version=item.version,
        storage=storage,
        client_addr=ADDR,
    )


def test_deleting_a_draft_removes_rows_then_files_after_commit(
    session: Session, world: World, storage: LocalStorage
) -> None:
    upload = staged(storage, samples.JPEG, "site.jpg")
    item = create(session, world, storage, files=FileChanges(storage=storage, added=[upload]))
    session.commit()
    delete(session, world, item, storage)
    assert stored_files(storage) == [upload.staged.key]  # still there until the commit
    session.commit()
    # Out of service, kept aside for the sweep (a running backup may still copy it).
    assert stored_files(storage) == [storage.deleted_path_for(upload.staged.key).name]
    assert [count(session, m) for m in (EvidenceItem, KsbClaim, EvidenceFile)] == [0, 0, 0]
    assert "evidence.deleted" in actions(session)


def test_a_failed_deletion_keeps_the_files(
    session: Session, world: World, storage: LocalStorage
) -> None:
    upload = staged(storage, samples.JPEG, "site.jpg")
    item = create(session, world, storage, files=FileChanges(storage=storage, added=[upload]))
    session.commit()
    delete(session, world, item, storage)
    session.rollback()
    assert stored_files(storage) == [upload.staged.key]


def test_only_drafts_can_be_deleted(session: Session, world: World, storage: LocalStorage) -> None:
    item = make_evidence(session, apprenticeship=world.apprenticeship, state="referred")
    with pytest.raises(Conflict, match="Only drafts"):
        delete(session, world, item, storage)


def test_over_claiming_is_a_warning_not_an_error() -> None:
    assert overclaim_warning(6) is None
    assert "Over-claiming" in (overclaim_warning(7) or "")
