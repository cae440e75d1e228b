"""THE access rules: who may see which rows, and who may do what to what they can see.

Each rule exists twice, as a SQL condition for lists and as a check on one loaded object; a
property-based test proves the two always agree.
"""

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import col, select

from app.models import (
    Apprenticeship,
    ApprenticeshipSummary,
    Event,
    EvidenceItem,
    EvidenceState,
    Organisation,
    ReviewDecision,
    Role,
    User,
    id_of,
)

PROVIDER_STAFF = (Role.TUTOR, Role.IQA, Role.ADMIN)


def provider_of(viewer: User) -> int | None:
    """The provider (tenant) a member of staff works for."""
    return viewer.organisation_id if viewer.role in PROVIDER_STAFF else None


T = TypeVar("T")


def per_viewer(build: Callable[..., T]) -> Callable[..., T]:
    """Memoise a statement built from a viewer (and hashable extras) for up to 512 viewers.

    For statements every page runs (the nav's badge, a caseload): building one, with its
    scopes and cache key, costs more than running it. The rules read only who the viewer is,
    in which role and organisation, so those are the key.
    """

    @lru_cache(maxsize=512)
    def cached(role: Role, user_id: int, organisation_id: int, *extra: Any) -> T:
        stand_in = User(id=user_id, role=role, organisation_id=organisation_id, email="", name="")
        return build(stand_in, *extra)

    @wraps(build)
    def for_viewer(viewer: User, *extra: Any) -> T:
        return cached(viewer.role, id_of(viewer), viewer.organisation_id, *extra)

    return for_viewer


def apprenticeship_scope(viewer: User) -> ColumnElement[bool]:
    match viewer.role:
        case Role.APPRENTICE:
            return col(Apprenticeship.apprentice_id) == viewer.id
        case Role.EMPLOYER:
            return col(Apprenticeship.employer_id) == viewer.organisation_id
    return _staff_scope(viewer, col(Apprenticeship.provider_id), col(Apprenticeship.tutor_id))


def summary_scope(viewer: User) -> ColumnElement[bool]:
    """apprenticeship_scope on the summaries' copies of provider and tutor, for provider staff's
    cohort-wide pages; apprentices and employers read no summary by it."""
    summary = ApprenticeshipSummary
    return _staff_scope(viewer, col(summary.provider_id), col(summary.tutor_id))


def _staff_scope(viewer: User, provider_id: Any, tutor_id: Any) -> ColumnElement[bool]:
    """A tutor's own apprenticeships in their provider; the whole provider's for IQA and admins."""
    match viewer.role:
        case Role.TUTOR:
            return and_(tutor_id == viewer.id, provider_id == viewer.organisation_id)
        case Role.IQA | Role.ADMIN:
            return provider_id == viewer.organisation_id
    return false()


def can_see_apprenticeship(viewer: User, apprenticeship: Apprenticeship) -> bool:
    match viewer.role:
        case Role.APPRENTICE:
            return apprenticeship.apprentice_id == viewer.id
        case Role.EMPLOYER:
            return apprenticeship.employer_id == viewer.organisation_id
        case Role.TUTOR:
            return (apprenticeship.tutor_id, apprenticeship.provider_id) == (
                viewer.id,
                viewer.organisation_id,
            )
        case Role.IQA | Role.ADMIN:
            return apprenticeship.provider_id == viewer.organisation_id
    return False


def evidence_scope(viewer: User) -> ColumnElement[bool]:
    """Over EvidenceItem joined to its Apprenticeship. Drafts are the apprentice's alone."""
    not_draft = col(EvidenceItem.state) != EvidenceState.DRAFT
    own = true() if viewer.role == Role.APPRENTICE else not_draft
    return and_(apprenticeship_scope(viewer), or_(own, not_draft))


def can_see_evidence(viewer: User, item: EvidenceItem, apprenticeship: Apprenticeship) -> bool:
    if not can_see_apprenticeship(viewer, apprenticeship):
        return False
    return viewer.role == Role.APPRENTICE or item.state != EvidenceState.DRAFT


def employer_scope(viewer: User) -> ColumnElement[bool]:
    """Employers a member of staff may see: those of their own provider."""
    provider = provider_of(viewer)
    if provider is None:
        return col(Organisation.id) == viewer.organisation_id
    return or_(col(Organisation.id) == provider, col(Organisation.provider_id) == provider)


def can_see_organisation(viewer: User, org: Organisation) -> bool:
    provider = provider_of(viewer)
    if provider is None:
        return org.id == viewer.organisation_id
    return provider in (org.id, org.provider_id)


def user_scope(viewer: User) -> ColumnElement[bool]:
    """Admins see the people of their provider and its employers; others only themselves."""
    if viewer.role == Role.ADMIN:
        return col(User.organisation_id).in_(select(Organisation.id).where(employer_scope(viewer)))
    return col(User.id) == viewer.id


def can_see_user(viewer: User, user: User, user_org: Organisation) -> bool:
    if viewer.role == Role.ADMIN:
        return can_see_organisation(viewer, user_org)
    return user.id == viewer.id


# What a viewer may do to an object they can see; refusing answers 403.
def can_manage_provider(viewer: User) -> bool:
    return viewer.role == Role.ADMIN


def can_edit_evidence(viewer: User, apprenticeship: Apprenticeship) -> bool:
    return viewer.role == Role.APPRENTICE and apprenticeship.apprentice_id == viewer.id


# --- Review and sign-off (review/) ---
def caseload_scope(viewer: User) -> ColumnElement[bool]:
    """Over Apprenticeship: a tutor's caseload; IQA and admins see their provider's, read-only.

    Apprentices and employers have no caseload."""
    if viewer.role not in PROVIDER_STAFF:
        return false()
    return apprenticeship_scope(viewer)


def in_caseload(viewer: User, apprenticeship: Apprenticeship) -> bool:
    return viewer.role in PROVIDER_STAFF and can_see_apprenticeship(viewer, apprenticeship)


def review_scope(viewer: User) -> ColumnElement[bool]:
    """Over Apprenticeship: where the viewer decides evidence and signs KSBs off (the SQL twin
    of can_decide). Only the apprenticeship's own tutor: IQA samples, admins manage accounts."""
    if viewer.role != Role.TUTOR:
        return false()
    return and_(
        col(Apprenticeship.tutor_id) == viewer.id,
        col(Apprenticeship.provider_id) == viewer.organisation_id,
    )


def can_decide(viewer: User, apprenticeship: Apprenticeship) -> bool:
    """Object twin of review_scope; refusing a visible apprenticeship answers 403."""
    owner = (apprenticeship.tutor_id, apprenticeship.provider_id)
    return viewer.role == Role.TUTOR and owner == (viewer.id, viewer.organisation_id)


# --- Quality assurance (quality/) ---
def is_sampler(viewer: User) -> bool:
    """Only IQA staff sample review decisions, and nobody else sees the sampling pages."""
    return viewer.role == Role.IQA


def iqa_scope(viewer: User) -> ColumnElement[bool]:
    """Over Apprenticeship: where an IQA may read and sample review decisions (their provider's)."""
    if not is_sampler(viewer):
        return false()
    return col(Apprenticeship.provider_id) == viewer.organisation_id


class InProvider(Protocol):
    @property
    def provider_id(self) -> int: ...


def can_sample(viewer: User, sampled: InProvider) -> bool:
    """Object twin of iqa_scope, on an apprenticeship or on a decision read through it."""
    return is_sampler(viewer) and sampled.provider_id == viewer.organisation_id


# --- Notifications (notifications/) ---
# What each role is told about, from the event log of the apprenticeships it may see.
NOTIFIED_ACTIONS: dict[Role, tuple[str, ...]] = {
    Role.APPRENTICE: ("evidence.accepted", "evidence.referred", "ksb.signed_off"),
    Role.EMPLOYER: ("evidence.accepted", "evidence.referred", "ksb.signed_off"),
    Role.TUTOR: ("evidence.submitted",),
}


# An IQA's disagreement is told to the tutor whose decision it judged (data["reviewer_id"], as
# quality/service.py records it), in the sample's provider, even if the apprenticeship has since
# moved to another tutor: it is feedback on their own work. Agreements are not told: nothing to
# act on, and a tutor's list should hold what needs them.
IQA_SAMPLED = "iqa.sampled"
DISAGREE = "disagree"


def _iqa_disagreed_with(viewer: User) -> ColumnElement[bool]:
    if viewer.role != Role.TUTOR:
        return false()
    data = col(Event.data)
    # Samples target their decision: the (target_type, target_id) index finds the few on the
    # viewer's own decisions (which are of their provider), not the provider's whole log.
    own_decisions = select(col(ReviewDecision.id)).where(
        col(ReviewDecision.reviewer_id) == viewer.id
    )
    return and_(
        col(Event.target_type) == "review_decision",
        col(Event.target_id).in_(own_decisions),
        col(Event.action) == IQA_SAMPLED,
        data["reviewer_id"].as_integer() == viewer.id,
        data["verdict"].as_string() == DISAGREE,
    )


def _is_iqa_disagreement_for(viewer: User, event: Event) -> bool:
    data = event.data or {}
    return (
        viewer.role == Role.TUTOR
        and event.target_type == "review_decision"
        and event.action == IQA_SAMPLED
        and event.provider_id == viewer.organisation_id
        and data.get("reviewer_id") == viewer.id
        and data.get("verdict") == DISAGREE
    )


def notification_branches(viewer: User) -> tuple[ColumnElement[bool], ...]:
    """Over Event: each way the viewer is told of an event; never of their own acts.

    Queries union the branches rather than OR them: under an OR neither database can find
    the few events by index, and the whole log is read.
    """
    actions = NOTIFIED_ACTIONS.get(viewer.role, ())
    if not actions:
        return ()
    not_own = or_(col(Event.actor_id).is_(None), col(Event.actor_id) != viewer.id)
    in_scope = col(Event.apprenticeship_id).in_(
        select(col(Apprenticeship.id)).where(apprenticeship_scope(viewer))
    )
    return (
        and_(in_scope, col(Event.action).in_(actions), not_own),
        and_(_iqa_disagreed_with(viewer), not_own),
    )


def notification_scope(viewer: User) -> ColumnElement[bool]:
    """Over Event: what the viewer is told of (the branches as one condition)."""
    branches = notification_branches(viewer)
    return or_(*branches) if branches else false()


def is_notified(viewer: User, event: Event, apprenticeship: Apprenticeship) -> bool:
    """Object twin of notification_scope."""
    told = (
        event.action in NOTIFIED_ACTIONS.get(viewer.role, ())
        and can_see_apprenticeship(viewer, apprenticeship)
    ) or _is_iqa_disagreement_for(viewer, event)
    return told and event.actor_id != viewer.id
