"""A small world for evidence tests: one provider, an apprentice with a tutor, and neighbours."""

import hashlib
from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session

from app.evidence.filetypes import sniff
from app.evidence.storage import LocalStorage
from app.evidence.uploads import ReceivedFile
from app.models import Apprenticeship, EvidenceFile, Organisation, User
from app.settings import Settings
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_provider,
    make_standard,
    make_user,
)
from tests.web_client import PASSWORD

START, END = date(2025, 9, 1), date(2027, 9, 1)
KSBS = ("K1", "K2", "K3", "K4", "S1", "S2", "S3", "B1", "B2")
DUTIES = {"D1": ("K1", "S1"), "D2": ("K2", "K3", "B1"), "D3": ("K4", "S2", "S3", "B2")}


@dataclass(frozen=True)
class World:
    provider: Organisation
    apprentice: User
    apprenticeship: Apprenticeship
    tutor: User
    employer_user: User
    iqa: User
    other_apprentice: User  # same employer and tutor, another apprenticeship
    other_apprenticeship: Apprenticeship
    outsider_tutor: User  # another provider


@pytest.fixture
def world(session: Session) -> World:
    standard = make_standard(session, KSBS, DUTIES)
    provider, other_provider = make_provider(session), make_provider(session)
    employer = make_employer(session, provider)
    tutor = make_user(session, provider, "tutor", password=PASSWORD)
    apprentice = make_user(session, employer, "apprentice", password=PASSWORD)
    other = make_user(session, employer, "apprentice", password=PASSWORD)

    def apprenticeship(who: User) -> Apprenticeship:
        return make_apprenticeship(
            session,
            standard=standard,
            provider=provider,
            employer=employer,
            apprentice=who,
            tutor=tutor,
            start=START,
            planned_end=END,
        )

    built = World(
        provider=provider,
        apprentice=apprentice,
        apprenticeship=apprenticeship(apprentice),
        tutor=tutor,
        employer_user=make_user(session, employer, "employer", password=PASSWORD),
        iqa=make_user(session, provider, "iqa", password=PASSWORD),
        other_apprentice=other,
        other_apprenticeship=apprenticeship(other),
        outsider_tutor=make_user(session, other_provider, "tutor", password=PASSWORD),
    )
    session.commit()
    return built


@pytest.fixture
def storage(settings: Settings) -> LocalStorage:
    return LocalStorage(settings.files_dir)


def staged(storage: LocalStorage, data: bytes, name: str = "notes.txt") -> ReceivedFile:
    """A file as the upload reader leaves it: written to a temporary name, its type checked."""
    staging = storage.open_staging(max_bytes=len(data) + 1)
    staging.write(data)
    done = staging.finish()
    return ReceivedFile(name, done, sniff(done.head, done.temp_path, name))


def stored_files(storage: LocalStorage) -> list[str]:
    """Every file under the storage folder (kept and temporary), by name."""
    return sorted(path.name for path in storage.root.glob("*/*") if path.is_file())


def file_row(
    session: Session,
    item_id: int | None,
    key: str,
    data: bytes,
    name: str = "notes.txt",
    content_type: str = "text/plain",
) -> EvidenceFile:
    """The row of a file of these bytes under the key, whatever the storage holds."""
    row = EvidenceFile(
        evidence_id=item_id or 0,
        storage_key=key,
        original_name=name,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(row)
    session.flush()
    return row


def add_file(
    session: Session,
    storage: LocalStorage,
    item_id: int | None,
    data: bytes,
    name: str,
    content_type: str,
) -> EvidenceFile:
    """A stored file and its row, as if uploaded and committed."""
    key = storage.new_key()
    storage.put_bytes(key, data)
    return file_row(session, item_id, key, data, name, content_type)
