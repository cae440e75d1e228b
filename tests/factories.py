"""Small typed factories that write rows straight to the database for tests; each flushes."""

import functools
import itertools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TypeVar

from sqlmodel import Session, SQLModel, select

from app.auth.passwords import hash_password
from app.models import (
    Apprenticeship,
    ClaimState,
    Duty,
    DutyKsb,
    Event,
    EvidenceItem,
    EvidenceKind,
    EvidenceState,
    Ksb,
    KsbClaim,
    KsbKind,
    KsbSignoff,
    Organisation,
    OrgKind,
    ReviewDecision,
    Role,
    Standard,
    User,
)

# Emails, names and standard references are unique in the schema; a counter keeps them so.
_serial = itertools.count(1)
_KINDS = {"K": KsbKind.KNOWLEDGE, "S": KsbKind.SKILL, "B": KsbKind.BEHAVIOUR}
DEFAULT_KSBS = ("K1", "K2", "S1", "B1")
DEFAULT_DUTIES: Mapping[str, Sequence[str]] = {"D1": ("K1", "S1"), "D2": ("K2", "B1")}

Row = TypeVar("Row", bound=SQLModel)


def _saved(session: Session, row: Row) -> Row:
    session.add(row)
    session.flush()
    return row


def _id(row: SQLModel) -> int:
    value = getattr(row, "id", None)
    assert isinstance(value, int), f"{type(row).__name__} has not been flushed"
    return value


def make_provider(session: Session, name: str | None = None) -> Organisation:
    name = name or f"Provider {next(_serial)}"
    return _saved(session, Organisation(name=name, kind=OrgKind.PROVIDER))


def make_employer(
    session: Session, provider: Organisation, name: str | None = None
) -> Organisation:
    name = name or f"Employer {next(_serial)}"
    employer = Organisation(name=name, kind=OrgKind.EMPLOYER, provider_id=_id(provider))
    return _saved(session, employer)


def make_user(
    session: Session,
    org: Organisation,
    role: Role | str,
    email: str | None = None,
    password: str | None = None,
) -> User:
    role = Role(role)
    email = email or f"{role.value}{next(_serial)}@example.org"
    password_hash = _hash(password) if password else None
    user = User(
        email=email,
        name=f"Test {role.value}",
        role=role,
        organisation_id=_id(org),
        password_hash=password_hash,
    )
    return _saved(session, user)


@functools.cache
def _hash(password: str) -> str:
    return hash_password(password)  # once per password: Argon2 is slow on purpose


def make_standard(
    session: Session,
    ksb_codes: Sequence[str] = DEFAULT_KSBS,
    duties: Mapping[str, Sequence[str]] = DEFAULT_DUTIES,
) -> Standard:
    """A standard whose KSB kinds and positions come from their codes (S3: skill, third)."""
    serial = next(_serial)
    standard = Standard(
        reference=f"ST{serial:04d}",
        version="1.0",
        title=f"Test standard {serial}",
        level=4,
        content_hash=f"{serial:064d}",
    )
    standard_id = _id(_saved(session, standard))
    ksb_ids = {code: _id(_saved(session, _ksb(standard_id, code))) for code in ksb_codes}
    for position, (code, ksb_codes_of_duty) in enumerate(duties.items(), start=1):
        duty = Duty(standard_id=standard_id, code=code, text=f"Duty {code}", position=position)
        duty_id = _id(_saved(session, duty))
        for ksb_code in ksb_codes_of_duty:
            session.add(DutyKsb(duty_id=duty_id, ksb_id=ksb_ids[ksb_code]))
    session.flush()
    return standard


def _ksb(standard_id: int, code: str) -> Ksb:
    return Ksb(
        standard_id=standard_id,
        code=code,
        kind=_KINDS[code[0]],
        text=f"The text of {code}",
        position=int(code[1:]),
    )


def make_apprenticeship(
    session: Session,
    *,
    standard: Standard,
    provider: Organisation,
    employer: Organisation,
    apprentice: User,
    tutor: User | None,
    start: date,
    planned_end: date,
) -> Apprenticeship:
    apprenticeship = Apprenticeship(
        apprentice_id=_id(apprentice),
        standard_id=_id(standard),
        provider_id=_id(provider),
        employer_id=_id(employer),
        tutor_id=_id(tutor) if tutor else None,
        start_date=start,
        planned_end_date=planned_end,
    )
    return _saved(session, apprenticeship)


def make_evidence(
    session: Session,
    *,
    apprenticeship: Apprenticeship,
    state: EvidenceState | str,
    claims: Mapping[str, ClaimState | str] | None = None,
) -> EvidenceItem:
    """An item with claims on the apprenticeship's KSBs, by code ({"K1": "confirmed"})."""
    item = EvidenceItem(
        apprenticeship_id=_id(apprenticeship),
        title=f"Evidence {next(_serial)}",
        occurred_on=apprenticeship.start_date,
        kind=EvidenceKind.DOCUMENT,
        state=EvidenceState(state),
        created_by_id=apprenticeship.apprentice_id,
    )
    item_id = _id(_saved(session, item))
    ksb_ids = _ksb_ids(session, apprenticeship) if claims else {}
    for code, claim_state in (claims or {}).items():
        claim = KsbClaim(evidence_id=item_id, ksb_id=ksb_ids[code], state=ClaimState(claim_state))
        session.add(claim)
    session.flush()
    return item


def sign_off(session: Session, apprenticeship: Apprenticeship, code: str, by: User) -> KsbSignoff:
    signoff = KsbSignoff(
        apprenticeship_id=_id(apprenticeship),
        ksb_id=_ksb_ids(session, apprenticeship)[code],
        signed_by_id=_id(by),
    )
    return _saved(session, signoff)


def _ksb_ids(session: Session, apprenticeship: Apprenticeship) -> dict[str, int]:
    statement = select(Ksb.code, Ksb.id).where(Ksb.standard_id == apprenticeship.standard_id)
    return {code: ksb_id for code, ksb_id in session.exec(statement) if ksb_id is not None}


# --- API tokens (JSON API foundation) ---
def make_api_token(session: Session, user: User, name: str = "Test token") -> str:
    """A live personal access token for user; returns the raw token (only its hash is stored)."""
    from app.auth.api_tokens import new_token
    from app.auth.tokens import digest
    from app.models import ApiToken

    raw = new_token()
    _saved(session, ApiToken(token_hash=digest(raw), user_id=_id(user), name=name))
    return raw


def bearer(raw_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw_token}"}


# --- Account lifecycle (activation and reset links) ---
def make_link_token(
    session: Session,
    user: User,
    purpose: str = "activate",
    *,
    expires_in_hours: float = 72,
    used: bool = False,
) -> str:
    """A one-time link token for user; returns the raw token (only its hash is stored).
    A negative expires_in_hours makes a link that has run out."""
    from datetime import timedelta

    from app.auth.tokens import digest, new_secret
    from app.models import OneTimeToken, utcnow

    raw = new_secret()
    now = utcnow()
    token = OneTimeToken(
        token_hash=digest(raw),
        user_id=_id(user),
        purpose=purpose,
        expires_at=now + timedelta(hours=expires_in_hours),
        used_at=now if used else None,
    )
    _saved(session, token)
    return raw


# --- Review decisions and events (gateway, IQA and notification tests) ---
def make_decision(
    session: Session, item: EvidenceItem, by: User, outcome: str = "accepted", feedback: str = ""
) -> ReviewDecision:
    """A decision row only: the item's own state is left as the caller made it."""
    if outcome == "referred" and not feedback:
        feedback = "Please add more detail."
    decision = ReviewDecision(
        evidence_id=_id(item), reviewer_id=_id(by), outcome=outcome, feedback=feedback
    )
    return _saved(session, decision)


def make_event(
    session: Session,
    action: str,
    *,
    apprenticeship: Apprenticeship,
    actor: User | None,
    target_type: str = "evidence_item",
    target_id: int | None = None,
    data: dict[str, object] | None = None,
) -> Event:
    """An event as the services write it (who, what, which apprenticeship and provider)."""
    event = Event(
        action=action,
        actor_id=_id(actor) if actor else None,
        target_type=target_type,
        target_id=target_id,
        apprenticeship_id=_id(apprenticeship),
        provider_id=apprenticeship.provider_id,
        data=dict(data or {}),
    )
    return _saved(session, event)
