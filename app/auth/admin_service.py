"""Provider administration: the provider's employers and its people (invite, role, disable)."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app import audit
from app.auth import api_tokens, links, policy, sessions
from app.auth.accounts import NAME_MAX, add_user, role_fits
from app.errors import FieldErrors, Forbidden, NotFound
from app.models import Apprenticeship, Organisation, OrgKind, Role, User
from app.models.base import id_of

PAGE_SIZE = 100


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    email: str
    role: Role
    organisation: str
    is_active: bool
    has_password: bool


@dataclass(frozen=True)
class Invited:
    user: User
    link: str  # shown to the admin once; only its hash is kept


def _provider_id(viewer: User) -> int:
    """Every function here starts with this: admins only, whatever the route checked."""
    if not policy.can_manage_provider(viewer):
        raise Forbidden("Only administrators may do this.")
    return viewer.organisation_id


def _record(
    session: Session,
    action: str,
    *,
    viewer: User,
    target: User | Organisation,
    client_addr: str,
    data: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        action=action,
        actor=viewer,
        target_type="user" if isinstance(target, User) else "organisation",
        target_id=target.id,
        provider_id=viewer.organisation_id,
        client_addr=client_addr,
        data=data,
    )


# Employers


def list_employers(session: Session, *, viewer: User) -> list[Organisation]:
    _provider_id(viewer)
    return list(
        session.exec(
            select(Organisation)
            .where(policy.employer_scope(viewer), Organisation.kind == OrgKind.EMPLOYER)
            .order_by(col(Organisation.name), col(Organisation.id))
        ).all()
    )


def get_employer(session: Session, *, viewer: User, employer_id: int) -> Organisation:
    _provider_id(viewer)
    org = session.exec(
        select(Organisation).where(
            col(Organisation.id) == employer_id,
            policy.employer_scope(viewer),
            Organisation.kind == OrgKind.EMPLOYER,
        )
    ).first()
    if org is None:
        raise NotFound("We could not find that employer.")
    return org


def _employer_name(session: Session, *, provider_id: int, name: str, keep: int | None) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise FieldErrors.one("name", f"Give the employer's name, in 1 to {NAME_MAX} characters.")
    clash = session.exec(
        select(Organisation.id).where(
            Organisation.provider_id == provider_id,
            func.lower(Organisation.name) == name.lower(),
            col(Organisation.id) != (keep or 0),
        )
    ).first()
    if clash is not None:
        raise FieldErrors.one("name", f"You already have an employer called {name}.")
    return name


def add_employer(session: Session, *, viewer: User, name: str, client_addr: str) -> Organisation:
    provider_id = _provider_id(viewer)
    name = _employer_name(session, provider_id=provider_id, name=name, keep=None)
    employer = Organisation(name=name, kind=OrgKind.EMPLOYER, provider_id=provider_id)
    session.add(employer)
    session.flush()
    _record(session, "org.employer_added", viewer=viewer, target=employer, client_addr=client_addr)
    return employer


def rename_employer(
    session: Session, *, viewer: User, employer: Organisation, name: str, client_addr: str
) -> Organisation:
    provider_id = _provider_id(viewer)
    new = _employer_name(session, provider_id=provider_id, name=name, keep=employer.id)
    old, employer.name = employer.name, new
    session.add(employer)
    session.flush()
    _record(
        session,
        "org.employer_renamed",
        viewer=viewer,
        target=employer,
        client_addr=client_addr,
        data={"old": old, "new": new},
    )
    return employer


# People


def list_users(
    session: Session, *, viewer: User, role: Role | None, page: int = 1
) -> list[UserRow]:
    """One page of PAGE_SIZE people, plus one more to tell that another page follows."""
    _provider_id(viewer)
    statement = (
        select(User, Organisation.name)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(policy.user_scope(viewer))
        .order_by(col(User.name), col(User.id))
        .limit(PAGE_SIZE + 1)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    )
    if role is not None:
        statement = statement.where(User.role == role)
    return [
        UserRow(
            id_of(user),
            user.name,
            user.email,
            user.role,
            org_name,
            user.is_active,
            user.password_hash is not None,
        )
        for user, org_name in session.exec(statement).all()
    ]


def get_user(session: Session, *, viewer: User, user_id: int) -> tuple[User, Organisation]:
    _provider_id(viewer)
    found = session.exec(
        select(User, Organisation)
        .join(Organisation, col(Organisation.id) == User.organisation_id)
        .where(col(User.id) == user_id, policy.user_scope(viewer))
    ).first()
    if found is None:
        raise NotFound("We could not find that person.")
    return found


def organisations(session: Session, *, viewer: User) -> list[Organisation]:
    """Where a new person may work: the provider first, then its employers by name."""
    _provider_id(viewer)
    rows = session.exec(
        select(Organisation)
        .where(policy.employer_scope(viewer))
        .order_by(col(Organisation.provider_id).is_not(None), col(Organisation.name))
    ).all()
    return list(rows)


def roles_for(org: Organisation) -> list[Role]:
    return [role for role in Role if role_fits(role, org)]


def _organisation(session: Session, *, viewer: User, organisation_id: str) -> Organisation:
    """An id typed into a form: anything outside the provider is refused, never applied."""
    by_id = {str(org.id): org for org in organisations(session, viewer=viewer)}
    org = by_id.get(organisation_id.strip())
    if org is None:
        raise FieldErrors.one("organisation_id", "Choose an organisation from the list.")
    return org


def invite_user(
    session: Session,
    *,
    viewer: User,
    name: str,
    email: str,
    role: str,
    organisation_id: str,
    mailer: links.Mailer,
    client_addr: str,
) -> Invited:
    """A new account without a password, and a link (mailed, and shown once) to set one."""
    org = _organisation(session, viewer=viewer, organisation_id=organisation_id)
    user = add_user(session, email=email, name=name, role=role, org=org, password=None)
    link = links.send_activation(session, user=user, mailer=mailer)
    _record(
        session,
        "auth.user_invited",
        viewer=viewer,
        target=user,
        client_addr=client_addr,
        data={"role": user.role.value, "organisation_id": org.id},
    )
    return Invited(user=user, link=link)


def _role_change_problem(session: Session, *, user: User, role: Role) -> str | None:
    """Apprenticeships that would point at someone in the wrong role."""
    column = {Role.APPRENTICE: Apprenticeship.apprentice_id, Role.TUTOR: Apprenticeship.tutor_id}
    if user.role not in column or role == user.role:
        return None
    count = session.exec(select(func.count()).where(col(column[user.role]) == user.id)).one()
    if not count:
        return None
    if user.role == Role.APPRENTICE:
        return (
            f"{user.name} is the apprentice on {count} apprenticeship(s), so stays an apprentice."
        )
    return (
        f"{user.name} is the tutor of {count} apprenticeship(s). Give them to another tutor first."
    )


def change_role(
    session: Session,
    *,
    viewer: User,
    user: User,
    org: Organisation,
    role: str,
    client_addr: str,
) -> User:
    _provider_id(viewer)
    if role not in set(Role) or not role_fits(Role(role), org):
        raise FieldErrors.one("role", f"Choose one of the roles for someone at {org.name}.")
    new = Role(role)
    if user.id == viewer.id and new != Role.ADMIN:
        raise Forbidden("You cannot take away your own administrator role.")
    if problem := _role_change_problem(session, user=user, role=new):
        raise FieldErrors.one("role", problem)
    if new == user.role:
        return user
    old, user.role = user.role, new
    session.add(user)
    session.flush()
    _record(
        session,
        "auth.role_changed",
        viewer=viewer,
        target=user,
        client_addr=client_addr,
        data={"old": old.value, "new": new.value},
    )
    return user


def disable_user(session: Session, *, viewer: User, user: User, client_addr: str) -> User:
    """Signs them out everywhere at once; their sign-in, links and API tokens stop working."""
    _provider_id(viewer)
    if user.id == viewer.id:
        raise Forbidden("You cannot disable your own account.")
    if not user.is_active:
        return user
    assert user.id is not None
    user.is_active = False
    session.add(user)
    sessions.end_user_sessions(session, user_id=user.id)
    links.cancel_open_links(session, user_id=user.id)
    session.flush()
    _record(session, "auth.user_disabled", viewer=viewer, target=user, client_addr=client_addr)
    # Revoked, not just blocked while disabled: enabling again must not revive them.
    api_tokens.revoke_all_of(session, actor=viewer, owner=user, client_addr=client_addr)
    return user


def enable_user(session: Session, *, viewer: User, user: User, client_addr: str) -> User:
    _provider_id(viewer)
    if user.is_active:
        return user
    user.is_active = True
    session.add(user)
    session.flush()
    _record(session, "auth.user_enabled", viewer=viewer, target=user, client_addr=client_addr)
    return user
