"""Downloads: authorised like the item, stored type, attachment, nosniff, sandboxed, streamed."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.evidence.downloads import content_disposition
from app.evidence.storage import LocalStorage
from app.models import EvidenceFile
from tests.evidence import samples
from tests.evidence.conftest import World, add_file
from tests.factories import make_evidence
from tests.web_client import sign_in


@pytest.fixture
def pdf(session: Session, world: World, storage: LocalStorage) -> EvidenceFile:
    item = make_evidence(session, apprenticeship=world.apprenticeship, state="draft")
    row = add_file(session, storage, item.id, samples.PDF, "Plan für “Q3”.pdf", "application/pdf")
    session.commit()
    return row


@pytest.fixture
def picture(session: Session, world: World, storage: LocalStorage) -> EvidenceFile:
    item = make_evidence(session, apprenticeship=world.apprenticeship, state="draft")
    row = add_file(session, storage, item.id, samples.PNG, "screen.png", "image/png")
    session.commit()
    return row


def test_a_download_is_the_stored_file_with_safe_headers(
    client: TestClient, world: World, pdf: EvidenceFile
) -> None:
    sign_in(client, world.apprentice.email)
    response = client.get(f"/files/{pdf.id}")
    assert response.status_code == 200 and response.content == samples.PDF
    headers = response.headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=UTF-8''Plan%20f%C3%BCr%20%E2%80%9CQ3%E2%80%9D.pdf"
        in headers["Content-Disposition"]
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "sandbox"


def test_the_ascii_fallback_name_cannot_break_the_header() -> None:
    header = content_disposition('bad"name\\\r\n;x.pdf')
    fallback = header.split('filename="')[1].split('"')[0]
    assert fallback == "bad_name____x.pdf"
    assert "\r" not in header and "\n" not in header


def test_a_picture_can_be_previewed_inline(
    client: TestClient, world: World, picture: EvidenceFile
) -> None:
    sign_in(client, world.apprentice.email)
    response = client.get(f"/files/{picture.id}/preview")
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Content-Security-Policy"] == "sandbox"


def test_other_files_are_never_shown_inline(
    client: TestClient, world: World, pdf: EvidenceFile
) -> None:
    sign_in(client, world.apprentice.email)
    assert client.get(f"/files/{pdf.id}/preview").status_code == 404


def test_a_file_missing_from_storage_is_a_clear_404(
    client: TestClient, world: World, pdf: EvidenceFile, storage: LocalStorage
) -> None:
    storage.delete(pdf.storage_key)
    sign_in(client, world.apprentice.email)
    response = client.get(f"/files/{pdf.id}")
    assert response.status_code == 404 and "missing from storage" in response.text


def test_the_api_download_has_the_same_headers(
    client: TestClient, session: Session, world: World, pdf: EvidenceFile
) -> None:
    from tests.factories import bearer, make_api_token

    token = bearer(make_api_token(session, world.apprentice))
    session.commit()
    response = client.get(f"/api/v1/files/{pdf.id}", headers=token)
    assert response.status_code == 200 and response.content == samples.PDF
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["Content-Disposition"].startswith("attachment;")
