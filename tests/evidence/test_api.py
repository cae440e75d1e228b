"""The evidence JSON API: the same rules as the pages, JSON in and out, documented in OpenAPI."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.evidence.storage import LocalStorage
from app.models import EvidenceFile
from tests.evidence import samples
from tests.evidence.conftest import World, stored_files
from tests.factories import bearer, make_api_token

NEW = {
    "title": "Wrote the outage runbook",
    "occurred_on": "2026-02-10",
    "kind": "project_work",
    "reflection": "I wrote it after the March outage.",
    "claims": [{"ksb_code": "K2", "justification": "It explains the escalation path."}],
}


@pytest.fixture
def token(session: Session, world: World) -> dict[str, str]:
    raw = make_api_token(session, world.apprentice)
    session.commit()
    return bearer(raw)


def evidence_url(world: World) -> str:
    return f"/api/v1/apprenticeships/{world.apprenticeship.id}/evidence"


@pytest.fixture
def created(client: TestClient, world: World, token: dict[str, str]) -> dict[str, object]:
    response = client.post(evidence_url(world), json=NEW, headers=token)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_creating_makes_a_draft_with_its_claims(created: dict[str, object]) -> None:
    assert created["state"] == "draft" and created["version"] == 1
    assert created["claims"] == [
        {
            "ksb_code": "K2",
            "ksb_kind": "knowledge",
            "ksb_text": "The text of K2",
            "justification": "It explains the escalation path.",
            "state": "claimed",
        }
    ]


def test_unknown_fields_are_refused(
    client: TestClient, world: World, token: dict[str, str]
) -> None:
    response = client.post(evidence_url(world), json=NEW | {"state": "accepted"}, headers=token)
    assert response.status_code == 422


def test_field_problems_come_back_per_field(
    client: TestClient, world: World, token: dict[str, str]
) -> None:
    body = NEW | {"claims": [{"ksb_code": "Z9", "justification": ""}]}
    response = client.post(evidence_url(world), json=body, headers=token)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "claims"]


def test_the_list_filters_like_the_page(
    client: TestClient, world: World, token: dict[str, str], created: dict[str, object]
) -> None:
    found = client.get(evidence_url(world) + "?ksb=k2&state=draft", headers=token).json()
    assert [item["id"] for item in found["items"]] == [created["id"]]
    assert found["items"][0]["ksb_codes"] == ["K2"] and found["next_offset"] is None
    none = client.get(evidence_url(world) + "?state=submitted", headers=token).json()
    assert none["items"] == []


def test_patch_needs_the_current_version(
    client: TestClient, token: dict[str, str], created: dict[str, object]
) -> None:
    url = f"/api/v1/evidence/{created['id']}"
    changed = client.patch(url, json={"version": 1, "title": "Better"}, headers=token)
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert changed.json()["reflection"] == NEW["reflection"]  # untouched fields stay
    stale = client.patch(url, json={"version": 1, "title": "Late"}, headers=token)
    assert stale.status_code == 409 and "changed this evidence" in stale.json()["detail"]


def test_claims_are_replaced_as_a_set(
    client: TestClient, token: dict[str, str], created: dict[str, object]
) -> None:
    body = {"version": 1, "claims": [{"ksb_code": "b1", "justification": "Calm under pressure."}]}
    response = client.put(f"/api/v1/evidence/{created['id']}/claims", json=body, headers=token)
    assert response.status_code == 200
    assert [claim["ksb_code"] for claim in response.json()["claims"]] == ["B1"]


def test_submit_then_it_is_locked(
    client: TestClient, token: dict[str, str], created: dict[str, object]
) -> None:
    url = f"/api/v1/evidence/{created['id']}"
    submitted = client.post(f"{url}/submit", json={"version": 1}, headers=token)
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    locked = client.patch(url, json={"version": 2, "title": "x"}, headers=token)
    assert locked.status_code == 409 and "waiting for review" in locked.json()["detail"]


def test_files_are_uploaded_streamed_and_downloaded(
    client: TestClient,
    token: dict[str, str],
    created: dict[str, object],
    session: Session,
    storage: LocalStorage,
) -> None:
    files = [
        ("files", ("plan.pdf", samples.PDF, "application/pdf")),
        ("files", ("n.csv", samples.CSV, "text/plain")),
    ]
    response = client.post(f"/api/v1/evidence/{created['id']}/files", files=files, headers=token)
    assert response.status_code == 201, response.text
    listed = {f["name"]: f["content_type"] for f in response.json()["files"]}
    assert listed == {"plan.pdf": "application/pdf", "n.csv": "text/csv; charset=utf-8"}
    file_id = response.json()["files"][0]["id"]
    download = client.get(f"/api/v1/files/{file_id}", headers=token)
    assert download.content == samples.PDF
    assert len(stored_files(storage)) == 2


def test_a_refused_file_adds_nothing(
    client: TestClient,
    token: dict[str, str],
    created: dict[str, object],
    session: Session,
    storage: LocalStorage,
) -> None:
    files = [
        ("files", ("ok.pdf", samples.PDF, "application/pdf")),
        ("files", ("bad.pdf", samples.EXE, "application/pdf")),
    ]
    response = client.post(f"/api/v1/evidence/{created['id']}/files", files=files, headers=token)
    assert response.status_code == 422 and "bad.pdf" in response.json()["detail"][0]["msg"]
    assert session.exec(select(EvidenceFile)).all() == [] and stored_files(storage) == []


def test_deleting_a_draft(
    client: TestClient, token: dict[str, str], created: dict[str, object]
) -> None:
    url = f"/api/v1/evidence/{created['id']}"
    assert client.delete(url + "?version=2", headers=token).status_code == 409
    assert client.delete(url + "?version=1", headers=token).status_code == 204
    assert client.get(url, headers=token).status_code == 404


def test_coverage_counts_submitted_claims(
    client: TestClient, world: World, token: dict[str, str], created: dict[str, object]
) -> None:
    url = f"/api/v1/apprenticeships/{world.apprenticeship.id}/coverage"
    before = client.get(url, headers=token).json()
    client.post(f"/api/v1/evidence/{created['id']}/submit", json={"version": 1}, headers=token)
    after = client.get(url, headers=token).json()
    assert (before["overall"]["claimed"], after["overall"]["claimed"]) == (0, 1)
    assert after["by_kind"]["knowledge"]["claimed"] == 1
    assert {duty["code"] for duty in after["duties"]} == {"D1", "D2", "D3"}
    assert after["progress"]["reason"]


def test_the_openapi_document_describes_bodies_and_errors(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    patch = paths["/api/v1/evidence/{evidence_id}"]["patch"]
    assert {"403", "404", "409", "422"} <= set(patch["responses"])
    assert "requestBody" in patch
    upload = paths["/api/v1/evidence/{evidence_id}/files"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "/api/v1/apprenticeships/{apprenticeship_id}/coverage" in paths
    assert (
        "application/octet-stream"
        in paths["/api/v1/files/{file_id}"]["get"]["responses"]["200"]["content"]
    )
