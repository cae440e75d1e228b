"""Evidence pages: an apprenticeship's evidence list, one item, and one KSB with its evidence."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Path, Query, Request
from starlette.responses import Response

from app.apprenticeships.deps import VisibleApprenticeship
from app.apprenticeships.queries import heading
from app.auth.deps import CurrentViewer, DbSession
from app.errors import NotFound
from app.evidence import queries, service
from app.evidence.deps import VisibleEvidence
from app.evidence.filetypes import LABELS as FILE_LABELS
from app.evidence.labels import KSB_KINDS, LABELS
from app.evidence.validation import overclaim_warning
from app.models import EvidenceFile, EvidenceKind, EvidenceState
from app.models.base import id_of
from app.standards.queries import ksb_by_code, ksb_duties, standard_ksbs
from app.web.responses import page_router, render_page

router = page_router()
PAGE_SIZE = 50
Choice = Annotated[str, Query(max_length=40)]
KsbCode = Annotated[str, Path(max_length=10, pattern=r"^[A-Za-z]{1,3}[0-9]{1,4}$")]


@dataclass(frozen=True)
class FileView:
    id: int
    name: str
    type_label: str
    size_text: str
    is_image: bool


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def file_views(files: list[EvidenceFile]) -> list[FileView]:
    return [
        FileView(
            id_of(f),
            f.original_name,
            FILE_LABELS.get(f.content_type, f.content_type),
            size_text(f.size_bytes),
            f.content_type.startswith("image/"),
        )
        for f in files
    ]


def _filters(state: str, kind: str, ksb: str, sort: str) -> queries.Filters:
    """Unknown values are ignored, as a filter left empty would be."""
    return queries.Filters(
        state=EvidenceState(state) if state in set(EvidenceState) else None,
        kind=EvidenceKind(kind) if kind in set(EvidenceKind) else None,
        ksb=ksb.strip().upper() or None,
        newest_first=sort != "oldest",
    )


@router.get("/portfolio/{apprenticeship_id}/evidence", name="evidence_list")
def evidence_list(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: VisibleApprenticeship,
    state: Choice = "",
    kind: Choice = "",
    ksb: Choice = "",
    sort: Choice = "newest",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """Filters are plain GET parameters: htmx swaps only the results, the URL keeps them."""
    filters = _filters(state, kind, ksb, sort)
    rows = queries.list_items(
        session,
        viewer=viewer.user,
        apprenticeship_id=id_of(apprenticeship),
        filters=filters,
        limit=PAGE_SIZE + 1,
        offset=(page - 1) * PAGE_SIZE,
    )
    context = {
        "heading": heading(session, apprenticeship=apprenticeship),
        "rows": rows[:PAGE_SIZE],
        "more": len(rows) > PAGE_SIZE,
        "page": page,
        "filters": filters,
        "sort": "newest" if filters.newest_first else "oldest",
        "ksbs": standard_ksbs(session, apprenticeship.standard_id),
        "can_add": service.can_change(viewer.user, apprenticeship),
        "labels": LABELS,
    }
    fragments = {"evidence-results": "evidence/_results.html"}
    return render_page(request, "evidence/list.html", context, fragments=fragments)


@router.get("/evidence/{evidence_id}", name="evidence_item")
def evidence_item(
    request: Request, session: DbSession, viewer: CurrentViewer, found: VisibleEvidence
) -> Response:
    item, apprenticeship = found.item, found.apprenticeship
    item_id = id_of(item)
    claims = queries.item_claims(session, item_id=item_id)
    context = {
        "heading": heading(session, apprenticeship=apprenticeship),
        "item": item,
        "claims": claims,
        "files": file_views(queries.item_files(session, item_id=item_id)),
        "decisions": queries.item_decisions(session, item_id=item_id),
        "history": queries.item_history(session, item_id=item_id),
        "can_change": service.can_change(viewer.user, apprenticeship, item),
        "locked": service.locked_reason(viewer.user, apprenticeship, item),
        "warning": overclaim_warning(len(claims)),
        "labels": LABELS,
    }
    return render_page(request, "evidence/item.html", context)


@router.get("/portfolio/{apprenticeship_id}/ksbs/{code}", name="ksb_page")
def ksb_page(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    apprenticeship: VisibleApprenticeship,
    code: KsbCode,
) -> Response:
    ksb = ksb_by_code(session, standard_id=apprenticeship.standard_id, code=code)
    if ksb is None:
        raise NotFound("That KSB is not part of this standard.")
    apprenticeship_id, ksb_id = id_of(apprenticeship), id_of(ksb)
    context = {
        "heading": heading(session, apprenticeship=apprenticeship),
        "ksb": ksb,
        "kind_label": KSB_KINDS.get(str(ksb.kind), str(ksb.kind)),
        "duties": ksb_duties(session, ksb_id=ksb_id),
        "signoff": queries.ksb_signoff(session, apprenticeship_id=apprenticeship_id, ksb_id=ksb_id),
        "items": queries.items_claiming(
            session, viewer=viewer.user, apprenticeship_id=apprenticeship_id, ksb_id=ksb_id
        ),
        "labels": LABELS,
    }
    return render_page(request, "evidence/ksb.html", context)
