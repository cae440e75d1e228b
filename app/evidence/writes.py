"""Low-level evidence writes shared by the service and review: item, claims, files, events."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from app import audit
from app.db import after_commit
from app.errors import Conflict
from app.evidence.storage import LocalStorage
from app.evidence.uploads import ReceivedFile
from app.models import (
    Apprenticeship,
    ClaimState,
    EvidenceFile,
    EvidenceItem,
    EvidenceState,
    KsbClaim,
    User,
    utcnow,
)

STALE = (
    "Someone changed this evidence while you were editing it (perhaps in another tab or "
    "window). Your changes have not been saved. Copy anything you need from below, then "
    "open the evidence again to see the latest version."
)


@dataclass(frozen=True)
class FileChanges:
    """Files to add (staged, type already checked) and to remove, with the item's file limit."""

    storage: LocalStorage | None = None
    max_files: int | None = None
    added: Sequence[ReceivedFile] = ()
    problems: Sequence[str] = ()  # files refused while uploading: the whole change is refused
    removed_ids: Collection[int] = ()

    def _storage(self) -> LocalStorage:
        if self.storage is None:
            raise ValueError("file changes need the storage")
        return self.storage


NO_FILES = FileChanges()


@dataclass(frozen=True)
class Context:
    """Who changes which item of which apprenticeship, from where: what each event records."""

    viewer: User
    item: EvidenceItem
    apprenticeship: Apprenticeship
    client_addr: str


def change_item(
    session: Session,
    *,
    item: EvidenceItem,
    expected_version: int | None,
    states: Collection[EvidenceState],
    values: dict[str, Any],
) -> None:
    """Write values and bump the version, only if the row is still in one of `states` (and at
    `expected_version`, if given): the database decides, so two racing changes cannot both win.
    Review uses this too when it changes an item's state."""
    conditions = [col(EvidenceItem.id) == item.id, col(EvidenceItem.state).in_(states)]
    if expected_version is not None:
        conditions.append(col(EvidenceItem.version) == expected_version)
    statement = (
        update(EvidenceItem)
        .where(*conditions)
        .values(**values, version=col(EvidenceItem.version) + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], session.execute(statement))
    if result.rowcount != 1:
        raise Conflict(STALE)
    session.refresh(item)


def record(
    session: Session, action: str, context: Context, data: dict[str, Any] | None = None
) -> None:
    audit.record_for(
        session,
        context.apprenticeship,
        action=action,
        actor=context.viewer,
        client_addr=context.client_addr,
        data=data,
        target=("evidence_item", context.item.id),
    )


def attach_files(
    session: Session, *, item_id: int, files: FileChanges, context: Context
) -> list[EvidenceFile]:
    """File rows, each moved into place once the rows commit, or removed if they do not."""
    rows = []
    for received in files.added:
        staged, storage = received.staged, files._storage()
        row = EvidenceFile(
            evidence_id=item_id,
            storage_key=staged.key,
            original_name=received.name,
            content_type=received.filetype.content_type,
            size_bytes=staged.size,
            sha256=staged.sha256,
        )
        session.add(row)
        rows.append(row)
        after_commit(
            session,
            then=partial(storage.promote, staged),
            otherwise=partial(storage.discard, staged),
        )
    session.flush()
    for row in rows:
        data = {"file_id": row.id, "content_type": row.content_type, "size_bytes": row.size_bytes}
        record(session, "evidence.file_added", context, data)
    return rows


def detach_files(
    session: Session,
    *,
    item_id: int,
    file_ids: Collection[int],
    storage: LocalStorage | None,
    context: Context,
) -> int:
    """Delete file rows; each file is deleted from storage only once that commits."""
    if not file_ids or storage is None:
        return 0
    statement = select(EvidenceFile).where(
        EvidenceFile.evidence_id == item_id, col(EvidenceFile.id).in_(file_ids)
    )
    rows = list(session.exec(statement).all())
    for row in rows:
        session.delete(row)
        after_commit(session, then=partial(storage.delete, row.storage_key))
        record(session, "evidence.file_removed", context, {"file_id": row.id})
    session.flush()
    return len(rows)


def sync_claims(session: Session, *, item_id: int, wanted: dict[int, str]) -> bool:
    """Make the item's claims these (KSB id -> justification); True if anything changed.

    A kept claim keeps its review state unless its justification changed: then it is claimed
    afresh, for the reviewer to look at again."""
    existing = {
        claim.ksb_id: claim
        for claim in session.exec(select(KsbClaim).where(KsbClaim.evidence_id == item_id))
    }
    gone = [claim for ksb_id, claim in existing.items() if ksb_id not in wanted]
    for claim in gone:
        session.delete(claim)
    changed = bool(gone)
    for ksb_id, justification in wanted.items():
        kept = existing.get(ksb_id)
        if kept is None:
            session.add(KsbClaim(evidence_id=item_id, ksb_id=ksb_id, justification=justification))
            changed = True
        elif kept.justification != justification:
            kept.justification, kept.state = justification, ClaimState.CLAIMED
            kept.version += 1
            session.add(kept)
            changed = True
    session.flush()
    return changed
