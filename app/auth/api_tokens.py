"""Personal access tokens for the JSON API: created, listed, found, touched and revoked."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app import audit
from app.auth.accounts import normalise_email
from app.auth.tokens import digest, new_secret
from app.errors import FieldErrors, NotFound
from app.models import ApiToken, User, utcnow

# A recognisable prefix lets secret scanners (GitHub's among them) spot leaked tokens.
PREFIX = "kp_"
NAME_MAX = 100
# Enough for every script a person runs; stops a loop from minting tokens without end.
MAX_LIVE_TOKENS = 25
# last_used_at is written at most this often, so that reading the API stays read-only.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class NewToken:
    raw: str  # shown to its owner once, never stored or logged
    row: ApiToken


def new_token() -> str:
    return PREFIX + new_secret()


def _clean_name(name: str) -> str:
    name = " ".join(name.split())  # newlines and tabs too: the name is shown in tables and logs
    if not name:
        raise FieldErrors.one("name", "Give the token a name, so that you know later what uses it.")
    if len(name) > NAME_MAX:
        raise FieldErrors.one("name", f"Keep the name to {NAME_MAX} characters or fewer.")
    return name


def live_tokens(session: Session, *, viewer: User) -> list[ApiToken]:
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == viewer.id, col(ApiToken.revoked_at).is_(None))
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        ).all()
    )


def create_token(session: Session, *, viewer: User, name: str, client_addr: str | None) -> NewToken:
    """A token for the viewer themselves: it sees exactly what they see."""
    name = _clean_name(name)
    if not viewer.is_active:
        raise FieldErrors.one("name", "This account is disabled.")
    if len(live_tokens(session, viewer=viewer)) >= MAX_LIVE_TOKENS:
        raise FieldErrors.one(
            "name", f"You already have {MAX_LIVE_TOKENS} tokens. Revoke one you no longer use."
        )
    assert viewer.id is not None
    raw = new_token()
    row = ApiToken(token_hash=digest(raw), user_id=viewer.id, name=name)
    session.add(row)
    session.flush()
    _audit(session, "auth.token_created", viewer=viewer, row=row, client_addr=client_addr)
    return NewToken(raw=raw, row=row)


def revoke_token(
    session: Session, *, viewer: User, token_id: int, client_addr: str | None
) -> ApiToken:
    """Only the owner's own live tokens; anything else is not found."""
    row = session.exec(
        select(ApiToken).where(
            col(ApiToken.id) == token_id,
            ApiToken.user_id == viewer.id,
            col(ApiToken.revoked_at).is_(None),
        )
    ).first()
    if row is None:
        raise NotFound("That token is not one of yours, or has already been revoked.")
    row.revoked_at = utcnow()
    session.add(row)
    session.flush()
    _audit(session, "auth.token_revoked", viewer=viewer, row=row, client_addr=client_addr)
    return row


def revoke_all_of(session: Session, *, actor: User, owner: User, client_addr: str | None) -> int:
    """Revokes every live token of owner (an admin disabling them): a later re-enable must
    not bring back a token that may have leaked meanwhile. Returns how many were revoked."""
    rows = live_tokens(session, viewer=owner)
    for row in rows:
        row.revoked_at = utcnow()
        session.add(row)
    session.flush()
    for row in rows:
        _audit(
            session,
            "auth.token_revoked",
            viewer=actor,
            row=row,
            client_addr=client_addr,
            reason="user_disabled",
        )
    return len(rows)


def _audit(
    session: Session,
    action: str,
    *,
    viewer: User,
    row: ApiToken,
    client_addr: str | None,
    reason: str | None = None,
) -> None:
    data: dict[str, object] = {"name": row.name, "owner_id": row.user_id}
    if reason is not None:
        data["reason"] = reason
    audit.record(
        session,
        action=action,
        actor=viewer,
        target_type="api_token",
        target_id=row.id,
        client_addr=client_addr,
        data=data,
    )


# The command line acts for an operator, who names the user by email or the token by id.
def create_token_for(session: Session, *, email: str, name: str) -> NewToken:
    email = normalise_email(email)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        raise NotFound(f"No user has the email {email}.")
    return create_token(session, viewer=user, name=name, client_addr="cli")


def revoke_token_by_id(session: Session, *, token_id: int) -> ApiToken:
    owner = session.exec(
        select(User).join(ApiToken, col(ApiToken.user_id) == User.id).where(ApiToken.id == token_id)
    ).first()
    if owner is None:
        raise NotFound(f"No token has the id {token_id}.")
    return revoke_token(session, viewer=owner, token_id=token_id, client_addr="cli")


def find_token(session: Session, *, raw: str) -> tuple[ApiToken, User] | None:
    """The live token and its active owner; None for anything else."""
    found = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == digest(raw), col(ApiToken.revoked_at).is_(None))
    ).first()
    if found is None or not found[1].is_active:
        return None
    return found


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def needs_touch(row: ApiToken) -> bool:
    return row.last_used_at is None or utcnow() - _aware(row.last_used_at) > TOUCH_EVERY


def touch(session: Session, *, token_id: int) -> None:
    session.execute(
        update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=utcnow())
    )
