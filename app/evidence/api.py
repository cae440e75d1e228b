"""The evidence JSON API: list, create, change, submit and delete items; claims; files."""

from functools import partial
from typing import Annotated, Literal, TypeVar

from fastapi import Query, Request
from fastapi.encoders import jsonable_encoder
from sqlmodel import Session
from starlette.responses import JSONResponse, Response, StreamingResponse

from app.apprenticeships.deps import VisibleApprenticeship
from app.auth.deps import CurrentViewer, DbSession, Viewer, client_addr, streams_body
from app.evidence import queries, service
from app.evidence.api_bodies import FILE_BODY, UPLOAD_BODY, evidence_out
from app.evidence.deps import (
    ItemInScope,
    Storage,
    UploadLimits,
    VisibleEvidence,
    VisibleFile,
    editable_item_in,
)
from app.evidence.downloads import file_response
from app.evidence.schemas import (
    ClaimsIn,
    EvidenceForm,
    EvidenceIn,
    EvidenceOut,
    EvidencePage,
    EvidencePatch,
    EvidenceSummaryOut,
    VersionIn,
    claims_mapping,
)
from app.evidence.service import FileChanges
from app.evidence.uploads import Upload, write_after_upload
from app.models import EvidenceKind, EvidenceState
from app.models.base import MAX_INT32, id_of
from app.web.api import PathId, api_router, documented
from app.web.idempotency import answered_once

router = api_router(tags=["evidence"])
T = TypeVar("T")
MAX_LIMIT = 200


@router.get(
    "/apprenticeships/{apprenticeship_id}/evidence",
    name="api_evidence_list",
    response_model=EvidencePage,
    responses=documented(404, 422),
)
def list_evidence(
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: VisibleApprenticeship,
    state: EvidenceState | None = None,
    kind: EvidenceKind | None = None,
    ksb: Annotated[str | None, Query(max_length=10, description="A KSB code, like K7")] = None,
    sort: Literal["newest", "oldest"] = "newest",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_INT32)] = 0,
) -> EvidencePage:
    """The apprenticeship's evidence you may see (drafts only for their apprentice), by date."""
    filters = queries.Filters(state, kind, ksb.upper() if ksb else None, sort == "newest")
    rows = queries.list_items(
        session,
        viewer=viewer.user,
        apprenticeship_id=id_of(apprenticeship),
        filters=filters,
        limit=limit + 1,
        offset=offset,
    )
    items = [EvidenceSummaryOut.model_validate(row) for row in rows[:limit]]
    following = offset + limit if len(rows) > limit else None
    return EvidencePage(items=items, limit=limit, offset=offset, next_offset=following)


@router.post(
    "/apprenticeships/{apprenticeship_id}/evidence",
    name="api_evidence_create",
    status_code=201,
    response_model=EvidenceOut,
    responses=documented(403, 404, 409, 422),
)
def create_evidence(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: VisibleApprenticeship,
    body: EvidenceIn,
) -> EvidenceOut:
    """Create a draft (the apprentice only). Add files, then submit it when it is ready."""
    item = service.create_evidence(
        session,
        viewer=viewer.user,
        apprenticeship=apprenticeship,
        form=body.to_form(),
        files=FileChanges(),
        submit=False,
        client_addr=client_addr(request),
    )
    return evidence_out(session, item)


@router.get(
    "/evidence/{evidence_id}",
    name="api_evidence",
    response_model=EvidenceOut,
    responses=documented(404, 422),
)
def get_evidence(session: DbSession, found: VisibleEvidence) -> EvidenceOut:
    return evidence_out(session, found.item)


def _form(session: Session, found: ItemInScope) -> EvidenceForm:
    claims = queries.claim_texts(session, item_id=id_of(found.item))
    return EvidenceForm.of(found.item, claims)


@router.patch(
    "/evidence/{evidence_id}",
    name="api_evidence_update",
    response_model=EvidenceOut,
    responses=documented(403, 404, 409, 422),
)
def update_evidence(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    found: VisibleEvidence,
    body: EvidencePatch,
) -> EvidenceOut:
    """Change a draft or referred item. `version` must be the one you read: 409 if stale."""
    item = service.update_evidence(
        session,
        viewer=viewer.user,
        apprenticeship=found.apprenticeship,
        item=found.item,
        form=body.apply_to(_form(session, found)),
        version=body.version,
        files=FileChanges(),
        submit=False,
        client_addr=client_addr(request),
    )
    return evidence_out(session, item)


@router.delete(
    "/evidence/{evidence_id}",
    name="api_evidence_delete",
    status_code=204,
    response_class=Response,
    responses=documented(403, 404, 409, 422),
)
def delete_evidence(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    found: VisibleEvidence,
    storage: Storage,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT32)] = None,
) -> Response:
    """Delete a draft and its files. Give `version` to refuse (409) if it changed meanwhile."""
    service.delete_evidence(
        session,
        viewer=viewer.user,
        apprenticeship=found.apprenticeship,
        item=found.item,
        version=version,
        storage=storage,
        client_addr=client_addr(request),
    )
    return Response(status_code=204)


@router.post(
    "/evidence/{evidence_id}/submit",
    name="api_evidence_submit",
    response_model=EvidenceOut,
    responses=documented(403, 404, 409, 422),
)
def submit_evidence(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    found: VisibleEvidence,
    body: VersionIn,
) -> EvidenceOut:
    """Send a draft or referred item for review; it needs claims, each with a justification."""
    item = service.submit_evidence(
        session,
        viewer=viewer.user,
        apprenticeship=found.apprenticeship,
        item=found.item,
        version=body.version,
        client_addr=client_addr(request),
    )
    return evidence_out(session, item)


@router.put(
    "/evidence/{evidence_id}/claims",
    name="api_evidence_claims",
    response_model=EvidenceOut,
    responses=documented(403, 404, 409, 422),
)
def put_claims(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    found: VisibleEvidence,
    body: ClaimsIn,
) -> EvidenceOut:
    """Replace the item's claims: KSBs left out are no longer claimed."""
    item = service.set_claims(
        session,
        viewer=viewer.user,
        apprenticeship=found.apprenticeship,
        item=found.item,
        claims=claims_mapping(body.claims),
        version=body.version,
        client_addr=client_addr(request),
    )
    return evidence_out(session, item)


@router.post(
    "/evidence/{evidence_id}/files",
    name="api_evidence_files",
    status_code=201,
    response_model=EvidenceOut,
    responses=documented(403, 404, 409, 422) | {413: {"description": "The upload is too big."}},
    openapi_extra=UPLOAD_BODY,
)
@streams_body
async def upload_files(
    request: Request,
    viewer: CurrentViewer,
    evidence_id: PathId,
    storage: Storage,
    limits: UploadLimits,
) -> Response:
    """Add files (multipart/form-data, field `files`), streamed to storage as they arrive.

    Every file is checked by its content; if any is refused, none is added (422)."""

    def add(upload: Upload, session: Session) -> Response:
        found = editable_item_in(session, viewer=viewer, evidence_id=evidence_id)

        def answer() -> Response:
            item = service.add_files(
                session,
                viewer=viewer.user,
                apprenticeship=found.apprenticeship,
                item=found.item,
                files=FileChanges(storage, limits.max_files, upload.files, upload.problems),
                client_addr=client_addr(request),
            )
            out = jsonable_encoder(evidence_out(session, item))
            return JSONResponse(out, status_code=201)

        user_id = id_of(viewer.user)
        return answered_once(
            session, request, user_id=user_id, digest=upload.digest(), answer=answer
        )

    check = partial(_check_editable, viewer, evidence_id)
    return await write_after_upload(request, storage=storage, limits=limits, check=check, write=add)


@router.get(
    "/files/{file_id}",
    name="api_file_download",
    response_class=StreamingResponse,
    responses=FILE_BODY | documented(404, 422),
)
def download_file(found: VisibleFile, storage: Storage) -> StreamingResponse:
    """The file as uploaded, as an attachment with its stored content type."""
    return file_response(storage, found.file)


def _check_editable(viewer: Viewer, evidence_id: int, session: Session) -> ItemInScope:
    return editable_item_in(session, viewer=viewer, evidence_id=evidence_id)
