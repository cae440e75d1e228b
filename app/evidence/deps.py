"""Fetch-or-404 dependencies for evidence items and files, and the file storage and limits."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.auth.deps import CurrentViewer, DbSession, Viewer
from app.errors import NotFound
from app.evidence import service
from app.evidence.queries import get_visible_file, get_visible_item
from app.evidence.storage import LocalStorage
from app.evidence.uploads import Limits
from app.models import Apprenticeship, EvidenceFile, EvidenceItem
from app.web.api import PathId


@dataclass(frozen=True)
class ItemInScope:
    item: EvidenceItem
    apprenticeship: Apprenticeship


@dataclass(frozen=True)
class FileInScope:
    file: EvidenceFile
    item: EvidenceItem
    apprenticeship: Apprenticeship


def visible_evidence(evidence_id: PathId, session: DbSession, viewer: CurrentViewer) -> ItemInScope:
    """The item named in the path, if the viewer may see it (drafts: only their apprentice).

    Missing and hidden answer the same 404, so ids outside the viewer's scope reveal nothing.
    """
    found = get_visible_item(session, viewer=viewer.user, evidence_id=evidence_id)
    if found is None:
        raise NotFound("We could not find that evidence.")
    return ItemInScope(*found)


def editable_item_in(session: Session, *, viewer: Viewer, evidence_id: int) -> ItemInScope:
    """The item, if the viewer may change it now: 404 outside their scope, 403 for staff, 409
    for an item waiting for review. With any session: upload routes check before and after
    the body arrives, each in a short transaction of its own."""
    found = visible_evidence(evidence_id, session, viewer)
    service.ensure_editable(
        viewer=viewer.user, apprenticeship=found.apprenticeship, item=found.item
    )
    return found


def visible_file(file_id: PathId, session: DbSession, viewer: CurrentViewer) -> FileInScope:
    """A file, if the viewer may see the item it belongs to."""
    found = get_visible_file(session, viewer=viewer.user, file_id=file_id)
    if found is None:
        raise NotFound("We could not find that file.")
    return FileInScope(*found)


def storage(request: Request) -> LocalStorage:
    return LocalStorage(request.app.state.settings.files_dir)


def upload_limits(request: Request) -> Limits:
    return Limits.of(request.app.state.settings)


VisibleEvidence = Annotated[ItemInScope, Depends(visible_evidence)]
VisibleFile = Annotated[FileInScope, Depends(visible_file)]
Storage = Annotated[LocalStorage, Depends(storage)]
UploadLimits = Annotated[Limits, Depends(upload_limits)]
