"""Two tenants with every role, for the role x action test over every route (test_access_matrix).

Tenant A is the one whose objects fill the path parameters; its viewers are the five roles plus a
second tutor without A's apprenticeship on their caseload. Tenant B has the five roles and its own
objects, so that its people have working homes but nothing of A's.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.auth import api_tokens, sessions
from app.evidence.storage import LocalStorage
from app.models import (
    Apprenticeship,
    EvidenceFile,
    EvidenceItem,
    Organisation,
    Standard,
    User,
    id_of,
)
from tests.factories import (
    make_apprenticeship,
    make_decision,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
)
from tests.web_client import PASSWORD, form_values, sign_in

ROLES = ("admin", "tutor", "iqa", "employer", "apprentice")
# Provider A's tutor who does NOT have A's apprenticeship on their caseload.
OTHER_TUTOR = "tutor_elsewhere"
OWN_VIEWERS = (*ROLES, OTHER_TUTOR)
# A one-pixel PNG: the preview route serves pictures only.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}")


@dataclass
class Tenant:
    label: str
    provider: Organisation
    employer: Organisation
    people: dict[str, User]
    apprenticeship: Apprenticeship
    evidence: EvidenceItem
    file: EvidenceFile
    spare: User  # the target of /admin/users/{user_id}: changing them disturbs no viewer
    spare_session_id: int
    spare_token_id: int
    # Text that appears only in this tenant's data: another tenant must never be shown it.
    markers: tuple[str, ...] = field(default=())
    decision_id: int = 0  # a review decision on `evidence` (the IQA routes' {decision_id})


def _add_file(
    session: Session, storage: LocalStorage, item_id: int, data: bytes, name: str
) -> EvidenceFile:
    """A stored picture and its row, as if uploaded and committed."""
    key = storage.new_key()
    storage.put_bytes(key, data)
    row = EvidenceFile(
        evidence_id=item_id,
        storage_key=key,
        original_name=name,
        content_type="image/png",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(row)
    session.flush()
    return row


def _named(session: Session, user: User, name: str) -> User:
    user.name = name
    session.add(user)
    session.flush()
    return user


def make_tenant(session: Session, storage: LocalStorage, standard: Standard, label: str) -> Tenant:
    provider = make_provider(session, f"{label} Provider Zq")
    employer = make_employer(session, provider, f"{label} Employer Zq")
    people = {
        role: _named(
            session,
            make_user(
                session,
                employer if role in ("employer", "apprentice") else provider,
                role,
                password=PASSWORD,
            ),
            f"{label} {role} Zq",
        )
        for role in ROLES
    }
    people[OTHER_TUTOR] = make_user(session, provider, "tutor", password=PASSWORD)
    apprenticeship = make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=people["apprentice"],
        tutor=people["tutor"],
        start=date(2026, 1, 5),
        planned_end=date(2027, 7, 30),
    )
    item = make_evidence(
        session,
        apprenticeship=apprenticeship,
        state="submitted",
        claims={"K1": "claimed", "S1": "claimed"},
    )
    item.title = f"{label} evidence title Zq"
    session.add(item)
    file = _add_file(session, storage, id_of(item), PNG, f"{label.lower()}-diagram-zq.png")
    spare = _named(session, make_user(session, employer, "employer"), f"{label} spare person Zq")
    _, spare_session = sessions.start_session(
        session, user=spare, client_addr="203.0.113.9", user_agent="test"
    )
    token = api_tokens.create_token(session, viewer=spare, name="spare token", client_addr=None)
    decision = make_decision(session, item, people["tutor"], "accepted")
    markers = (
        provider.name,
        employer.name,
        item.title,
        file.original_name,
        spare.name,
        *(user.name for user in people.values() if user.name.endswith("Zq")),
    )
    return Tenant(
        label,
        provider,
        employer,
        people,
        apprenticeship,
        item,
        file,
        spare,
        id_of(spare_session),
        id_of(token.row),
        markers,
        id_of(decision),
    )


@dataclass
class AccessWorld:
    standard: Standard
    own: Tenant  # "A": its objects fill the paths
    other: Tenant  # "B"


def make_access_world(session: Session, storage: LocalStorage) -> AccessWorld:
    standard = make_standard(session)
    world = AccessWorld(
        standard,
        make_tenant(session, storage, standard, "Alpha"),
        make_tenant(session, storage, standard, "Bravo"),
    )
    session.commit()
    return world


# Path parameters, by name, filled with tenant A's objects. Parameters that name shared reference
# data (standards, KSB codes) do not make a route tenant-scoped; every other one does.
FILLERS = {
    "apprenticeship_id": lambda w: w.own.apprenticeship.id,
    "evidence_id": lambda w: w.own.evidence.id,
    "file_id": lambda w: w.own.file.id,
    "user_id": lambda w: w.own.spare.id,
    "employer_id": lambda w: w.own.employer.id,
    "token_id": lambda w: w.own.spare_token_id,
    "session_id": lambda w: w.own.spare_session_id,
    "standard_id": lambda w: w.standard.id,
    "code": lambda w: "K1",
    "ksb_code": lambda w: "K1",
    "decision_id": lambda w: w.own.decision_id,
}
SHARED_PARAMS = frozenset({"standard_id", "code", "ksb_code"})


def path_params(path: str) -> list[str]:
    return PARAM.findall(path)


def unknown_params(path: str) -> list[str]:
    return [name for name in path_params(path) if name not in FILLERS]


def is_tenant_scoped(path: str) -> bool:
    return any(name not in SHARED_PARAMS for name in path_params(path))


def fill(path: str, world: AccessWorld) -> str:
    return PARAM.sub(lambda m: str(FILLERS[m.group(1)](world)), path)


@dataclass(frozen=True)
class Browser:
    """A signed-in viewer: their session cookie and CSRF token, to put on a shared client."""

    key: str
    cookies: dict[str, str]
    csrf: str


def signed_in(client: TestClient, key: str, user: User) -> Browser:
    client.cookies.clear()
    assert sign_in(client, user.email).status_code == 303, key
    csrf = form_values(client.get("/account/tokens").text)["csrf_token"]
    browser = Browser(key, dict(client.cookies.items()), csrf)
    client.cookies.clear()
    return browser


def use(client: TestClient, browser: Browser) -> None:
    client.cookies.clear()
    for name, value in browser.cookies.items():
        client.cookies.set(name, value)
