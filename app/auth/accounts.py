"""Creating user accounts: the checks every new account passes, from the CLI or a page."""

import re

from sqlmodel import Session, select

from app.auth.passwords import hash_password, password_problem
from app.errors import Conflict, Invalid, NotFound
from app.models import Organisation, Role, User

PROVIDER_ROLES = {Role.TUTOR, Role.IQA, Role.ADMIN}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, *, email: str, name: str, role: str, org_name: str, password: str | None
) -> User:
    """Check everything first, then add the user (flushed, not committed)."""
    email = normalise_email(email)
    if not EMAIL.match(email):
        raise Invalid(f"'{email}' is not an email address.")
    if role not in set(Role):
        raise Invalid(f"Unknown role '{role}'; use one of: {', '.join(Role)}.")
    org = session.exec(select(Organisation).where(Organisation.name == org_name.strip())).first()
    if org is None:
        raise NotFound(f"No organisation is called '{org_name}'.")
    if (org.kind == "provider") != (role in PROVIDER_ROLES):
        raise Invalid(f"A {role} cannot belong to the {org.kind} '{org.name}'.")
    if password is not None and (problem := password_problem(password)):
        raise Invalid(problem)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict(f"A user with the email {email} already exists.")
    assert org.id is not None
    user = User(
        email=email,
        name=name.strip(),
        role=Role(role),
        organisation_id=org.id,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    return user
