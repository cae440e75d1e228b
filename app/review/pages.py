"""Review pages: the queue (deciding several items at once) and one item's review."""

from functools import partial
from typing import Any

from fastapi import Request
from sqlmodel import Session
from starlette.responses import Response

from app.apprenticeships.queries import heading
from app.auth.deps import CurrentViewer, DbSession, client_addr
from app.errors import Conflict, FieldErrors, NotFound
from app.evidence import queries as evidence_queries
from app.evidence.deps import ItemInScope
from app.evidence.labels import LABELS
from app.evidence.pages import file_views
from app.models import EvidenceState, utcnow
from app.models.base import id_of
from app.review import queries
from app.review.deps import CaseloadViewer, DecidableEvidence, TutorViewer
from app.review.schemas import DecisionForm
from app.review.service import ItemToDecide, Outcome, Verdict, decide_item, decide_items
from app.web.forms import Posted, PostedForm
from app.web.responses import page_router, redirect_to, refuse_form, render_page

router = page_router()


# --- The queue ---
QUEUE = "review/queue.html"


def _queue_context(
    session: Session, viewer: CurrentViewer, posted: Posted | None
) -> dict[str, Any]:
    found = queries.review_queue(session, viewer=viewer.user, now=utcnow())
    return {
        "rows": found.rows,
        "total": found.total,
        "can_decide": any(row.decidable for row in found.rows),
        "chosen": set(_chosen(posted)) if posted else set(),
        "feedback": posted.get("feedback") if posted else "",
        "labels": LABELS,
    }


def _chosen(posted: Posted) -> list[int]:
    return [int(raw) for raw in posted.getlist("evidence") if raw.isdigit() and len(raw) < 10]


@router.get("/review/queue", name="review_queue")
def review_queue(request: Request, session: DbSession, viewer: CaseloadViewer) -> Response:
    return render_page(request, QUEUE, _queue_context(session, viewer, None))


def _targets(session: Session, viewer: CurrentViewer, posted: Posted) -> list[ItemToDecide]:
    ids = _chosen(posted)
    if not ids:
        raise FieldErrors({"evidence": "Tick the evidence you want to decide on."})
    found = queries.visible_items(session, viewer=viewer.user, item_ids=ids)
    if len(found) != len(set(ids)):
        raise NotFound("We could not find some of that evidence.")
    return [
        ItemToDecide(item, apprenticeship, posted.number(f"version-{item.id}"))
        for item, apprenticeship in found
    ]


@router.post("/review/queue", name="review_queue_decide")
def review_queue_decide(
    request: Request, session: DbSession, viewer: TutorViewer, posted: PostedForm
) -> Response:
    """Accept the ticked items, or refer them all back with the one feedback text."""
    outcome: Outcome = "accept" if posted.get("outcome") == "accept" else "refer"
    try:
        targets = _targets(session, viewer, posted)
        verdict = Verdict(outcome, posted.get("feedback"))
        decide_items(
            session,
            viewer=viewer.user,
            targets=targets,
            verdicts=[verdict] * len(targets),
            client_addr=client_addr(request),
        )
    except (FieldErrors, Conflict) as exc:
        # A batch is all or nothing: the rollback undoes any item already decided.
        context = partial(_queue_context, session, viewer, posted)
        return refuse_form(request, session, exc, QUEUE, context)
    return redirect_to(request, "review_queue")


# --- One item ---
def _default_choices(claims: list[evidence_queries.ClaimRow]) -> dict[str, str]:
    """What the radio buttons start at: the claim's own decision, else confirm."""
    return {c.ksb_code: "reject" if c.state == "rejected" else "confirm" for c in claims}


def _review_context(
    session: Session, found: ItemInScope, form: DecisionForm, version: int
) -> dict[str, Any]:
    item_id = id_of(found.item)
    claims = evidence_queries.item_claims(session, item_id=item_id)
    return {
        "heading": heading(session, apprenticeship=found.apprenticeship),
        "item": found.item,
        "claims": claims,
        "choices": _default_choices(claims) | form.claims,
        "form": form,
        "files": file_views(evidence_queries.item_files(session, item_id=item_id)),
        "decisions": evidence_queries.item_decisions(session, item_id=item_id),
        "waiting": found.item.state == EvidenceState.SUBMITTED,
        "labels": LABELS,
        "version": version,
    }


ITEM = "review/item.html"
DECISION_FRAGMENT = {"decision": "review/_decision.html"}


@router.get("/evidence/{evidence_id}/review", name="evidence_review")
def evidence_review(request: Request, session: DbSession, found: DecidableEvidence) -> Response:
    """Everything the apprentice sent, and the decision form while it waits for review."""
    context = _review_context(session, found, DecisionForm(), found.item.version)
    return render_page(request, ITEM, context, fragments=DECISION_FRAGMENT)


@router.post("/evidence/{evidence_id}/review", name="evidence_decide")
def evidence_decide(
    request: Request,
    session: DbSession,
    viewer: CurrentViewer,
    found: DecidableEvidence,
    posted: PostedForm,
) -> Response:
    form = DecisionForm.of(posted.fields())
    version = posted.number("version")
    try:
        decide_item(
            session,
            viewer=viewer.user,
            target=ItemToDecide(found.item, found.apprenticeship, version),
            verdict=form.verdict(),
            client_addr=client_addr(request),
        )
    except (FieldErrors, Conflict) as exc:
        # Typed input is kept on a 422; after a 409 the page shows the item as it now is.
        kept = version if isinstance(exc, FieldErrors) else None

        def context() -> dict[str, Any]:
            return _review_context(session, found, form, kept or found.item.version)

        return refuse_form(request, session, exc, ITEM, context, fragments=DECISION_FRAGMENT)
    return redirect_to(request, "evidence_item", evidence_id=found.item.id)
