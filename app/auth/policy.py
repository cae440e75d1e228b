"""THE access rules: who may see which rows, and who may do what to what they can see.

Each rule exists twice, as a SQL condition for lists and as a check on one loaded object; a
property-based test proves the two always agree.
"""

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import col, select

from app.models import Apprenticeship, EvidenceItem, EvidenceState, Organisation, Role, User

PROVIDER_STAFF = (Role.TUTOR, Role.IQA, Role.ADMIN)


def provider_of(viewer: User) -> int | None:
    """The provider (tenant) a member of staff works for."""
    return viewer.organisation_id if viewer.role in PROVIDER_STAFF else None


def apprenticeship_scope(viewer: User) -> ColumnElement[bool]:
    match viewer.role:
        case Role.APPRENTICE:
            return col(Apprenticeship.apprentice_id) == viewer.id
        case Role.EMPLOYER:
            return col(Apprenticeship.employer_id) == viewer.organisation_id
        case Role.TUTOR:
            return and_(
                col(Apprenticeship.tutor_id) == viewer.id,
                col(Apprenticeship.provider_id) == viewer.organisation_id,
            )
        case Role.IQA | Role.ADMIN:
            return col(Apprenticeship.provider_id) == viewer.organisation_id
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


def can_review(viewer: User, apprenticeship: Apprenticeship) -> bool:
    return viewer.role == Role.TUTOR and apprenticeship.tutor_id == viewer.id
