"""Creating user accounts: the checks every new account passes, from the CLI or a page."""

import re

from sqlmodel import Session, select

from app.auth.passwords import hash_password, password_problem
from app.errors import FieldErrors, NotFound
from app.models import Organisation, OrgKind, Role, User

PROVIDER_ROLES = {Role.TUTOR, Role.IQA, Role.ADMIN}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX = 320
NAME_MAX = 200


def normalise_email(email: str) -> str:
    return email.strip().lower()


def role_fits(role: Role, org: Organisation) -> bool:
    """Provider staff work at the provider; apprentices and managers at an employer."""
    return (org.kind == OrgKind.PROVIDER) == (role in PROVIDER_ROLES)


def create_user(
    session: Session, *, email: str, name: str, role: str, org_name: str, password: str | None
) -> User:
    """The command line names the organisation; pages pass the one they checked (add_user)."""
    org = session.exec(select(Organisation).where(Organisation.name == org_name.strip())).first()
    if org is None:
        raise NotFound(f"No organisation is called '{org_name}'.")
    return add_user(session, email=email, name=name, role=role, org=org, password=password)


def add_user(
    session: Session, *, email: str, name: str, role: str, org: Organisation, password: str | None
) -> User:
    """Check everything first, then add the user (flushed, not committed)."""
    email = normalise_email(email)
    name = " ".join(name.split())  # no line breaks: names are shown in tables and logs
    if not EMAIL.match(email) or len(email) > EMAIL_MAX:
        raise FieldErrors.one("email", f"'{email}' is not an email address.")
    if not name or len(name) > NAME_MAX:
        raise FieldErrors.one("name", f"Give a name of 1 to {NAME_MAX} characters.")
    if role not in set(Role):
        raise FieldErrors.one("role", f"Unknown role '{role}'; use one of: {', '.join(Role)}.")
    if not role_fits(Role(role), org):
        raise FieldErrors.one("role", f"A {role} cannot belong to the {org.kind} '{org.name}'.")
    if password is not None and (problem := password_problem(password, org_name=org.name)):
        raise FieldErrors.one("password", problem)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise FieldErrors.one("email", f"A user with the email {email} already exists.")
    assert org.id is not None
    user = User(
        email=email,
        name=name,
        role=Role(role),
        organisation_id=org.id,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user
