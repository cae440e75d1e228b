"""Starting and changing apprenticeships (provider admins): every id is checked against scope."""

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.apprenticeships.schemas import ApprenticeshipForm
from app.auth import policy
from app.errors import FieldErrors, Forbidden
from app.models import (
    Apprenticeship,
    ApprenticeshipStatus,
    EvidenceItem,
    KsbSignoff,
    Organisation,
    OrgKind,
    Role,
    Standard,
    User,
)
from app.models.base import MAX_INT32, id_of
from app.progress.summaries import refresh_summaries

# Evidence claims the KSBs of one standard for one apprentice: these two stay once work exists.
FIXED_ONCE_STARTED = ("apprentice_id", "standard_id")


@dataclass(frozen=True)
class Checked:
    apprentice_id: int
    standard_id: int
    employer_id: int
    tutor_id: int | None
    start_date: date
    planned_end_date: date
    status: ApprenticeshipStatus


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class Choices:
    apprentices: list[Choice]
    standards: list[Choice]
    employers: list[Choice]
    tutors: list[Choice]


def _provider_id(viewer: User) -> int:
    if not policy.can_manage_provider(viewer):
        raise Forbidden("Only administrators may do this.")
    return viewer.organisation_id


def _people(session: Session, *, viewer: User, role: Role) -> list[Choice]:
    rows = session.exec(
        select(User, Organisation.name)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(policy.user_scope(viewer), User.role == role)
        .order_by(col(User.name), col(User.id))
    ).all()
    return [
        Choice(
            id_of(user),
            f"{user.name} ({user.email}, {org}){'' if user.is_active else ' - disabled'}",
        )
        for user, org in rows
    ]


def form_choices(session: Session, *, viewer: User) -> Choices:
    """The lists the form offers: the provider's own people and employers, and every standard."""
    _provider_id(viewer)
    standards = session.exec(
        select(Standard).order_by(col(Standard.reference), col(Standard.version))
    ).all()
    employers = session.exec(
        select(Organisation)
        .where(policy.employer_scope(viewer), Organisation.kind == OrgKind.EMPLOYER)
        .order_by(col(Organisation.name))
    ).all()
    return Choices(
        apprentices=_people(session, viewer=viewer, role=Role.APPRENTICE),
        standards=[Choice(id_of(s), f"{s.reference} v{s.version} {s.title}") for s in standards],
        employers=[Choice(id_of(e), e.name) for e in employers],
        tutors=_people(session, viewer=viewer, role=Role.TUTOR),
    )


def _id(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_INT32 else None


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


def _person(session: Session, *, viewer: User, raw: str, role: Role) -> User | None:
    """A user of this role whom the admin may see; anyone else is as good as unknown."""
    user = session.get(User, user_id) if (user_id := _id(raw)) else None
    org = session.get(Organisation, user.organisation_id) if user else None
    if user is None or org is None or user.role != role:
        return None
    return user if policy.can_see_user(viewer, user, org) else None


def _employer(session: Session, *, viewer: User, raw: str) -> Organisation | None:
    org = session.get(Organisation, org_id) if (org_id := _id(raw)) else None
    if org is None or org.kind != OrgKind.EMPLOYER:
        return None
    return org if policy.can_see_organisation(viewer, org) else None


def _check(session: Session, *, viewer: User, form: ApprenticeshipForm) -> Checked:
    """Every field checked and every problem collected before anything changes."""
    apprentice = _person(session, viewer=viewer, raw=form.apprentice_id, role=Role.APPRENTICE)
    employer = _employer(session, viewer=viewer, raw=form.employer_id)
    tutor = _person(session, viewer=viewer, raw=form.tutor_id, role=Role.TUTOR)
    standard = (
        session.get(Standard, standard_id) if (standard_id := _id(form.standard_id)) else None
    )
    start, end = _date(form.start_date), _date(form.planned_end_date)
    problems = {
        "apprentice_id": "Choose an apprentice from the list." if apprentice is None else "",
        "employer_id": "Choose an employer from the list." if employer is None else "",
        "tutor_id": "Choose a tutor from the list." if form.tutor_id and tutor is None else "",
        "standard_id": "Choose a standard from the list." if standard is None else "",
        "start_date": "Enter the start date, like 2026-09-01." if start is None else "",
        "planned_end_date": "Enter the planned end date, like 2028-03-31." if end is None else "",
        "status": "" if form.status in set(ApprenticeshipStatus) else "Choose a status.",
    }
    if apprentice and employer and apprentice.organisation_id != employer.id:
        problems["employer_id"] = f"{apprentice.name} works at another employer: choose theirs."
    if start and end and end <= start:
        problems["planned_end_date"] = "The planned end must be after the start."
    if errors := {field: text for field, text in problems.items() if text}:
        raise FieldErrors(errors)
    assert apprentice and employer and standard and start and end
    return Checked(
        apprentice_id=id_of(apprentice),
        standard_id=id_of(standard),
        employer_id=id_of(employer),
        tutor_id=tutor.id if tutor else None,
        start_date=start,
        planned_end_date=end,
        status=ApprenticeshipStatus(form.status),
    )


def create_apprenticeship(
    session: Session, *, viewer: User, form: ApprenticeshipForm, client_addr: str
) -> Apprenticeship:
    provider_id = _provider_id(viewer)
    checked = _check(session, viewer=viewer, form=form)
    row = Apprenticeship(provider_id=provider_id, **asdict(checked))
    session.add(row)
    session.flush()
    assert row.id is not None
    refresh_summaries(session, apprenticeship_ids=[row.id])
    data = {k: str(v) for k, v in asdict(checked).items()}
    audit.record_for(
        session,
        row,
        action="apprenticeship.created",
        actor=viewer,
        client_addr=client_addr,
        data=data,
    )
    return row


def _has_work(session: Session, *, apprenticeship_id: int) -> bool:
    items = select(func.count()).where(col(EvidenceItem.apprenticeship_id) == apprenticeship_id)
    signoffs = select(func.count()).where(col(KsbSignoff.apprenticeship_id) == apprenticeship_id)
    return bool(session.exec(items).one() or session.exec(signoffs).one())


def update_apprenticeship(
    session: Session,
    *,
    viewer: User,
    apprenticeship: Apprenticeship,
    form: ApprenticeshipForm,
    client_addr: str,
) -> Apprenticeship:
    """Changes what the form changed; the apprentice and standard stay once work exists."""
    _provider_id(viewer)
    if not policy.can_see_apprenticeship(viewer, apprenticeship):
        raise Forbidden("Only administrators of its provider may change this apprenticeship.")
    new = asdict(_check(session, viewer=viewer, form=form))
    changes = {k: v for k, v in new.items() if getattr(apprenticeship, k) != v}
    fixed = [k for k in FIXED_ONCE_STARTED if k in changes]
    if fixed and _has_work(session, apprenticeship_id=id_of(apprenticeship)):
        message = "This apprenticeship already has evidence or sign-offs, so this stays."
        raise FieldErrors(dict.fromkeys(fixed, message))
    if not changes:
        return apprenticeship
    data = {k: [str(getattr(apprenticeship, k)), str(v)] for k, v in changes.items()}
    for field, value in changes.items():
        setattr(apprenticeship, field, value)
    session.add(apprenticeship)
    session.flush()
    # Every field here reaches the summary: its copies, its KSB total or when its pace slips.
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    audit.record_for(
        session,
        apprenticeship,
        action="apprenticeship.updated",
        actor=viewer,
        client_addr=client_addr,
        data={"changes": data},
    )
    return apprenticeship
