"""Changing evidence: create, edit, submit and delete items, with their claims and files.

Every change checks first, then writes: the item's row is changed first with a conditional
UPDATE (right state, right version), so a stale or concurrent change is refused before anything
else is written. Files are moved into place only after the transaction commits (after_commit
in app/db.py).
"""

from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col

from app.auth import policy
from app.errors import Conflict, Forbidden
from app.evidence import queries
from app.evidence.schemas import EvidenceForm
from app.evidence.storage import LocalStorage
from app.evidence.validation import Checked, check_form
from app.evidence.writes import (
    NO_FILES,
    STALE,
    Context,
    FileChanges,
    attach_files,
    change_item,
    detach_files,
    record,
    sync_claims,
)
from app.models import (
    Apprenticeship,
    ApprenticeshipStatus,
    EvidenceItem,
    EvidenceState,
    KsbClaim,
    User,
    id_of,
    utcnow,
)
from app.progress.summaries import refresh_summaries

__all__ = [
    "STALE",
    "FileChanges",
    "add_files",
    "can_change",
    "create_evidence",
    "delete_evidence",
    "ensure_deletable",
    "ensure_editable",
    "locked_reason",
    "set_claims",
    "submit_evidence",
    "update_evidence",
]

EDITABLE = (EvidenceState.DRAFT, EvidenceState.REFERRED)
LOCKED = {
    EvidenceState.SUBMITTED: (
        "This evidence is waiting for review, so it cannot be changed until your tutor has decided."
    ),
    EvidenceState.ACCEPTED: "This evidence has been accepted, so it can no longer be changed.",
}
ONLY_DRAFTS = "Only drafts can be deleted: evidence once submitted stays in your portfolio."
CLOSED = (ApprenticeshipStatus.WITHDRAWN, ApprenticeshipStatus.COMPLETED)


def _may_edit(viewer: User, apprenticeship: Apprenticeship) -> None:
    if not policy.can_edit_evidence(viewer, apprenticeship):
        raise Forbidden("Only the apprentice can add or change their evidence.")
    if apprenticeship.status in CLOSED:
        raise Conflict("This apprenticeship has ended, so its evidence can no longer change.")


def _editable(item: EvidenceItem, version: int | None) -> None:
    if item.state not in EDITABLE:
        raise Conflict(LOCKED.get(item.state, "This evidence cannot be changed now."))
    if version is not None and version != item.version:
        raise Conflict(STALE)


def ensure_editable(
    *, viewer: User, apprenticeship: Apprenticeship, item: EvidenceItem | None = None
) -> None:
    """Refuse early (403, 409) what a change would refuse: before a long upload is read."""
    _may_edit(viewer, apprenticeship)
    if item is not None:
        _editable(item, None)


def can_change(
    viewer: User, apprenticeship: Apprenticeship, item: EvidenceItem | None = None
) -> bool:
    """Whether pages should offer to add evidence, or to edit, submit or delete this item."""
    try:
        ensure_editable(viewer=viewer, apprenticeship=apprenticeship, item=item)
    except (Forbidden, Conflict):
        return False
    return True


def ensure_deletable(*, viewer: User, apprenticeship: Apprenticeship, item: EvidenceItem) -> None:
    ensure_editable(viewer=viewer, apprenticeship=apprenticeship, item=item)
    if item.state != EvidenceState.DRAFT:
        raise Conflict(ONLY_DRAFTS)


def locked_reason(viewer: User, apprenticeship: Apprenticeship, item: EvidenceItem) -> str | None:
    """Why the apprentice cannot change their item just now (None for anyone else)."""
    if not can_change(viewer, apprenticeship) or item.state in EDITABLE:
        return None
    return LOCKED.get(item.state)


def _check(
    session: Session,
    *,
    apprenticeship: Apprenticeship,
    form: EvidenceForm,
    submit: bool,
    files: FileChanges = NO_FILES,
    existing_files: int = 0,
) -> Checked:
    kept = existing_files - len(files.removed_ids)
    return check_form(
        session,
        apprenticeship=apprenticeship,
        form=form,
        submitting=submit,
        today=date.today(),
        file_problems=list(files.problems),
        file_count=kept + len(files.added),
        max_files=files.max_files,
    )


def _submitted() -> dict[str, Any]:
    return {"state": EvidenceState.SUBMITTED, "submitted_at": utcnow()}


def _done(session: Session, context: Context) -> EvidenceItem:
    refresh_summaries(session, apprenticeship_ids=[id_of(context.apprenticeship)])
    return context.item


def create_evidence(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    form: EvidenceForm,
    files: FileChanges,
    submit: bool,
    client_addr: str,
) -> EvidenceItem:
    _may_edit(viewer, apprenticeship)
    checked = _check(session, apprenticeship=apprenticeship, form=form, submit=submit, files=files)
    item = EvidenceItem(
        apprenticeship_id=id_of(apprenticeship),
        title=checked.title,
        occurred_on=checked.occurred_on,
        kind=checked.kind,
        reflection=checked.reflection,
        created_by_id=id_of(viewer),
    )
    session.add(item)
    session.flush()
    context = Context(viewer, item, apprenticeship, client_addr)
    record(session, "evidence.created", context, {"ksb_count": len(checked.claims)})
    sync_claims(session, item_id=id_of(item), wanted=checked.claims)
    attach_files(session, item_id=id_of(item), files=files, context=context)
    if submit:
        change_item(session, item=item, expected_version=None, states=EDITABLE, values=_submitted())
        record(session, "evidence.submitted", context)
    return _done(session, context)


def update_evidence(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    item: EvidenceItem,
    form: EvidenceForm,
    version: int,
    files: FileChanges,
    submit: bool,
    client_addr: str,
) -> EvidenceItem:
    """Edit a draft or referred item (text, claims, files), and submit it if asked."""
    _may_edit(viewer, apprenticeship)
    _editable(item, version)
    item_id = id_of(item)
    existing = queries.file_count(session, item_id=item_id)
    checked = _check(
        session,
        apprenticeship=apprenticeship,
        form=form,
        submit=submit,
        files=files,
        existing_files=existing,
    )
    values: dict[str, Any] = {
        "title": checked.title,
        "occurred_on": checked.occurred_on,
        "kind": checked.kind,
        "reflection": checked.reflection,
    }
    changed = [field for field, value in values.items() if getattr(item, field) != value]
    change_item(
        session,
        item=item,
        expected_version=version,
        states=EDITABLE,
        values=values | (_submitted() if submit else {}),
    )
    context = Context(viewer, item, apprenticeship, client_addr)
    claims_changed = sync_claims(session, item_id=item_id, wanted=checked.claims)
    record(session, "evidence.updated", context, {"fields": changed, "claims": claims_changed})
    detach_files(
        session,
        item_id=item_id,
        file_ids=files.removed_ids,
        storage=files.storage,
        context=context,
    )
    attach_files(session, item_id=item_id, files=files, context=context)
    if submit:
        record(session, "evidence.submitted", context)
    return _done(session, context)


def submit_evidence(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    item: EvidenceItem,
    version: int | None,
    client_addr: str,
) -> EvidenceItem:
    """Send a draft or referred item for review, as it stands."""
    _may_edit(viewer, apprenticeship)
    _editable(item, version)
    form = EvidenceForm.of(item, queries.claim_texts(session, item_id=id_of(item)))
    _check(session, apprenticeship=apprenticeship, form=form, submit=True)
    change_item(session, item=item, expected_version=version, states=EDITABLE, values=_submitted())
    context = Context(viewer, item, apprenticeship, client_addr)
    record(session, "evidence.submitted", context)
    return _done(session, context)


def set_claims(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    item: EvidenceItem,
    claims: dict[str, str],
    version: int,
    client_addr: str,
) -> EvidenceItem:
    """Replace the item's claims (KSB code -> justification) and nothing else."""
    _may_edit(viewer, apprenticeship)
    _editable(item, version)
    checked = _check(
        session, apprenticeship=apprenticeship, form=EvidenceForm.of(item, claims), submit=False
    )
    change_item(session, item=item, expected_version=version, states=EDITABLE, values={})
    sync_claims(session, item_id=id_of(item), wanted=checked.claims)
    context = Context(viewer, item, apprenticeship, client_addr)
    record(session, "evidence.claims_changed", context, {"ksb_codes": list(claims)})
    return _done(session, context)


def add_files(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    item: EvidenceItem,
    files: FileChanges,
    client_addr: str,
) -> EvidenceItem:
    """Add files to a draft or referred item; any refused file refuses the whole upload."""
    _may_edit(viewer, apprenticeship)
    _editable(item, None)
    item_id = id_of(item)
    _check(
        session,
        apprenticeship=apprenticeship,
        form=EvidenceForm.of(item, {}),
        submit=False,
        files=files,
        existing_files=queries.file_count(session, item_id=item_id),
    )
    # No version from the caller, but the database re-checks the state under the bump.
    change_item(session, item=item, expected_version=None, states=EDITABLE, values={})
    context = Context(viewer, item, apprenticeship, client_addr)
    attach_files(session, item_id=item_id, files=files, context=context)
    return _done(session, context)


def delete_evidence(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    item: EvidenceItem,
    version: int | None,
    storage: LocalStorage,
    client_addr: str,
) -> None:
    """Delete a draft with its claims and files; the files go once the deletion commits."""
    ensure_deletable(viewer=viewer, apprenticeship=apprenticeship, item=item)
    _editable(item, version)
    item_id = id_of(item)
    # The bump locks the row at the expected version, so a racing edit cannot slip in between.
    draft = (EvidenceState.DRAFT,)
    change_item(session, item=item, expected_version=version, states=draft, values={})
    context = Context(viewer, item, apprenticeship, client_addr)
    file_ids = [id_of(row) for row in queries.item_files(session, item_id=item_id)]
    detach_files(session, item_id=item_id, file_ids=file_ids, storage=storage, context=context)
    session.execute(delete(KsbClaim).where(col(KsbClaim.evidence_id) == item_id))
    record(session, "evidence.deleted", context, {"files": len(file_ids)})
    session.delete(item)
    _done(session, context)
