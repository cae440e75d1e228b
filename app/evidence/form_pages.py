"""The evidence form (add and edit, with streamed file uploads), submitting and deleting.

The form posts multipart/form-data. Without JavaScript the CSRF token travels in the action's
query string, because a multipart body is never parsed before the route; htmx sends the header.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Form, Request
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships.deps import visible_apprenticeship
from app.apprenticeships.queries import heading
from app.auth.deps import CurrentViewer, DbSession, Viewer, client_addr, streams_body
from app.errors import Conflict, DomainError, FieldErrors
from app.evidence import queries, service
from app.evidence.deps import (
    ItemInScope,
    Storage,
    UploadLimits,
    VisibleEvidence,
    editable_item_in,
)
from app.evidence.filetypes import PICKER_ACCEPT
from app.evidence.labels import KSB_KINDS, LABELS
from app.evidence.pages import FileView, file_views
from app.evidence.schemas import EvidenceForm
from app.evidence.service import FileChanges
from app.evidence.storage import LocalStorage
from app.evidence.uploads import Limits, Upload, write_after_upload
from app.evidence.validation import overclaim_warning
from app.models import Apprenticeship, EvidenceItem, Ksb
from app.models.base import MAX_INT32, id_of
from app.standards.queries import standard_ksbs
from app.web.api import PathId
from app.web.idempotency import answered_once
from app.web.responses import page_router, redirect_to, refuse_form, render_page
from app.web.templating import path_for

router = page_router()
Version = Annotated[int, Form(ge=1, le=MAX_INT32)]


def _editable_apprenticeship(
    viewer: Viewer, apprenticeship_id: int, session: Session
) -> Apprenticeship:
    """403 for anyone but the apprentice, 404 outside the viewer's scope."""
    apprenticeship = visible_apprenticeship(apprenticeship_id, session, viewer)
    service.ensure_editable(viewer=viewer.user, apprenticeship=apprenticeship)
    return apprenticeship


def _editable_item(viewer: Viewer, evidence_id: int, session: Session) -> ItemInScope:
    return editable_item_in(session, viewer=viewer, evidence_id=evidence_id)


def editable_apprenticeship(
    apprenticeship_id: PathId, session: DbSession, viewer: CurrentViewer
) -> Apprenticeship:
    return _editable_apprenticeship(viewer, apprenticeship_id, session)


def editable_item(evidence_id: PathId, session: DbSession, viewer: CurrentViewer) -> ItemInScope:
    return _editable_item(viewer, evidence_id, session)


def deletable_item(viewer: CurrentViewer, found: VisibleEvidence) -> ItemInScope:
    service.ensure_deletable(
        viewer=viewer.user, apprenticeship=found.apprenticeship, item=found.item
    )
    return found


EditableApprenticeship = Annotated[Apprenticeship, Depends(editable_apprenticeship)]
EditableItem = Annotated[ItemInScope, Depends(editable_item)]
DeletableItem = Annotated[ItemInScope, Depends(deletable_item)]


@dataclass(frozen=True)
class FormPage:
    """What differs between adding and editing."""

    title: str
    action: str
    cancel: str
    apprenticeship: Apprenticeship
    item: EvidenceItem | None = None
    files: list[FileView] = field(default_factory=list)


def _ksb_groups(ksbs: list[Ksb]) -> list[tuple[str, list[Ksb]]]:
    groups: dict[str, list[Ksb]] = {label: [] for label in KSB_KINDS.values()}
    for ksb in ksbs:
        groups[KSB_KINDS[str(ksb.kind)]].append(ksb)
    return [(label, rows) for label, rows in groups.items() if rows]


FORM = "evidence/form.html"
FRAGMENTS = {"evidence-form": "evidence/_form.html"}


def _form_context(
    request: Request, session: Session, page: FormPage, form: EvidenceForm, upload: Upload | None
) -> dict[str, Any]:
    limits = Limits.of(request.app.state.settings)
    return {
        "page": page,
        "form": form,
        "heading": heading(session, apprenticeship=page.apprenticeship),
        "ksb_groups": _ksb_groups(standard_ksbs(session, page.apprenticeship.standard_id)),
        "warning": overclaim_warning(len(form.claims)),
        "files_lost": bool(upload and (upload.files or upload.problems)),
        "removed": set(upload.getlist("remove_file")) if upload else set(),
        "max_file_mb": limits.max_file_bytes // (1024 * 1024),
        "max_files": limits.max_files,
        "max_file_bytes": limits.max_file_bytes,
        "accept": PICKER_ACCEPT,
        "labels": LABELS,
    }


def _form_page(request: Request, session: Session, page: FormPage, form: EvidenceForm) -> Response:
    context = _form_context(request, session, page, form, None)
    return render_page(request, FORM, context, fragments=FRAGMENTS)


def _refused(
    request: Request,
    session: Session,
    error: DomainError,
    page: Callable[[], FormPage],
    form: EvidenceForm,
    upload: Upload | None = None,
) -> Response:
    """The form again with the problem; the page is worked out after the rollback."""

    def context() -> dict[str, Any]:
        return _form_context(request, session, page(), form, upload)

    return refuse_form(request, session, error, FORM, context, fragments=FRAGMENTS)


def _new_page(request: Request, apprenticeship: Apprenticeship) -> FormPage:
    return FormPage(
        title="Add evidence",
        action=path_for(request, "evidence_create", apprenticeship_id=apprenticeship.id),
        cancel=path_for(request, "portfolio_overview", apprenticeship_id=apprenticeship.id),
        apprenticeship=apprenticeship,
    )


def _edit_page(request: Request, session: Session, found: ItemInScope) -> FormPage:
    item_id = id_of(found.item)
    return FormPage(
        title="Edit evidence",
        action=path_for(request, "evidence_update", evidence_id=item_id),
        cancel=path_for(request, "evidence_item", evidence_id=item_id),
        apprenticeship=found.apprenticeship,
        item=found.item,
        files=file_views(queries.item_files(session, item_id=item_id)),
    )


def _file_changes(upload: Upload, storage: LocalStorage, limits: Limits) -> FileChanges:
    removed = {int(raw) for raw in upload.getlist("remove_file") if raw.isdigit()}
    return FileChanges(storage, limits.max_files, upload.files, upload.problems, removed)


def _saved_once(
    request: Request,
    session: Session,
    viewer: Viewer,
    upload: Upload,
    storage: LocalStorage,
    attempt: Callable[[], EvidenceItem],
    refused: Callable[[DomainError], Response],
) -> Response:
    """Run the change once for this upload; staged files it did not take are removed whatever
    happens."""

    def answer() -> Response:
        try:
            item = attempt()
        except (FieldErrors, Conflict) as exc:
            upload.discard(storage)
            return refused(exc)
        except BaseException:
            upload.discard(storage)
            raise
        return redirect_to(request, "evidence_item", evidence_id=item.id)

    user_id = id_of(viewer.user)
    return answered_once(session, request, user_id=user_id, digest=upload.digest(), answer=answer)


@router.get("/portfolio/{apprenticeship_id}/evidence/new", name="evidence_new")
def evidence_new(
    request: Request, session: DbSession, apprenticeship: EditableApprenticeship
) -> Response:
    return _form_page(request, session, _new_page(request, apprenticeship), EvidenceForm())


def _create(
    request: Request,
    viewer: Viewer,
    apprenticeship_id: int,
    storage: LocalStorage,
    upload: Upload,
    session: Session,
) -> Response:
    # Checked again: the apprenticeship may have changed while the body arrived.
    apprenticeship = _editable_apprenticeship(viewer, apprenticeship_id, session)
    form = EvidenceForm.from_upload(upload)
    limits = Limits.of(request.app.state.settings)

    def attempt() -> EvidenceItem:
        return service.create_evidence(
            session,
            viewer=viewer.user,
            apprenticeship=apprenticeship,
            form=form,
            files=_file_changes(upload, storage, limits),
            submit=upload.get("action") == "submit",
            client_addr=client_addr(request),
        )

    def refused(exc: DomainError) -> Response:
        page = partial(_new_page, request, apprenticeship)
        return _refused(request, session, exc, page, form, upload)

    return _saved_once(request, session, viewer, upload, storage, attempt, refused)


@router.post("/portfolio/{apprenticeship_id}/evidence/new", name="evidence_create")
@streams_body
async def evidence_create(
    request: Request,
    viewer: CurrentViewer,
    apprenticeship_id: PathId,
    storage: Storage,
    limits: UploadLimits,
) -> Response:
    check = partial(_editable_apprenticeship, viewer, apprenticeship_id)
    write = partial(_create, request, viewer, apprenticeship_id, storage)
    return await write_after_upload(
        request, storage=storage, limits=limits, check=check, write=write
    )


@router.get("/evidence/{evidence_id}/edit", name="evidence_edit")
def evidence_edit(request: Request, session: DbSession, found: EditableItem) -> Response:
    claims = queries.claim_texts(session, item_id=id_of(found.item))
    form = EvidenceForm.of(found.item, claims)
    return _form_page(request, session, _edit_page(request, session, found), form)


def _update(
    request: Request,
    viewer: Viewer,
    evidence_id: int,
    storage: LocalStorage,
    upload: Upload,
    session: Session,
) -> Response:
    found = _editable_item(viewer, evidence_id, session)
    form = EvidenceForm.from_upload(upload)
    limits = Limits.of(request.app.state.settings)
    version = upload.get("version")

    def attempt() -> EvidenceItem:
        return service.update_evidence(
            session,
            viewer=viewer.user,
            apprenticeship=found.apprenticeship,
            item=found.item,
            form=form,
            version=int(version)
            if version.isascii() and version.isdigit() and len(version) < 10
            else 0,
            files=_file_changes(upload, storage, limits),
            submit=upload.get("action") == "submit",
            client_addr=client_addr(request),
        )

    def refused(exc: DomainError) -> Response:
        page = partial(_edit_page, request, session, found)
        return _refused(request, session, exc, page, form, upload)

    return _saved_once(request, session, viewer, upload, storage, attempt, refused)


@router.post("/evidence/{evidence_id}/edit", name="evidence_update")
@streams_body
async def evidence_update(
    request: Request,
    viewer: CurrentViewer,
    evidence_id: PathId,
    storage: Storage,
    limits: UploadLimits,
) -> Response:
    check = partial(_editable_item, viewer, evidence_id)
    write = partial(_update, request, viewer, evidence_id, storage)
    return await write_after_upload(
        request, storage=storage, limits=limits, check=check, write=write
    )


@router.post("/evidence/{evidence_id}/submit", name="evidence_submit")
def evidence_submit(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    found: EditableItem,
    version: Version,
) -> Response:
    """Submit as it stands; if something is missing, the edit form shows what."""
    try:
        service.submit_evidence(
            session,
            viewer=viewer.user,
            apprenticeship=found.apprenticeship,
            item=found.item,
            version=version,
            client_addr=client_addr(request),
        )
    except FieldErrors as exc:
        form = EvidenceForm.of(found.item, queries.claim_texts(session, item_id=id_of(found.item)))
        return _refused(request, session, exc, partial(_edit_page, request, session, found), form)
    return redirect_to(request, "evidence_item", evidence_id=found.item.id)


@router.get("/evidence/{evidence_id}/delete", name="evidence_delete_confirm")
def evidence_delete_confirm(request: Request, found: DeletableItem) -> Response:
    return render_page(request, "evidence/delete.html", {"item": found.item})


@router.post("/evidence/{evidence_id}/delete", name="evidence_delete")
def evidence_delete(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    found: DeletableItem,
    storage: Storage,
    version: Version,
) -> Response:
    service.delete_evidence(
        session,
        viewer=viewer.user,
        apprenticeship=found.apprenticeship,
        item=found.item,
        version=version,
        storage=storage,
        client_addr=client_addr(request),
    )
    return redirect_to(request, "evidence_list", apprenticeship_id=found.apprenticeship.id)
