"""The standards API: reference data for anyone signed in, with KSBs and mapped duties."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Standard
from tests.factories import (
    bearer,
    make_api_token,
    make_employer,
    make_provider,
    make_standard,
    make_user,
)


@pytest.fixture
def standard(session: Session) -> Standard:
    standard = make_standard(session)
    session.commit()
    return standard


@pytest.fixture
def headers(session: Session) -> dict[str, str]:
    """An apprentice of an unrelated provider: standards are not tenant data."""
    apprentice = make_user(session, make_employer(session, make_provider(session)), "apprentice")
    raw = make_api_token(session, apprentice)
    session.commit()
    return bearer(raw)


def test_list_has_each_standard_with_its_counts(
    client: TestClient, standard: Standard, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/standards", headers=headers)
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": standard.id,
            "reference": standard.reference,
            "version": "1.0",
            "title": standard.title,
            "level": 4,
            "ksb_count": 4,
            "duty_count": 2,
        }
    ]


def test_detail_has_the_ksbs_in_published_order(
    client: TestClient, standard: Standard, headers: dict[str, str]
) -> None:
    body = client.get(f"/api/v1/standards/{standard.id}", headers=headers).json()
    assert [ksb["code"] for ksb in body["ksbs"]] == ["K1", "K2", "S1", "B1"]
    assert body["ksbs"][2] == {"code": "S1", "kind": "skill", "text": "The text of S1"}
    assert (body["reference"], body["version"]) == (standard.reference, "1.0")


def test_detail_maps_each_duty_to_its_ksbs(
    client: TestClient, standard: Standard, headers: dict[str, str]
) -> None:
    body = client.get(f"/api/v1/standards/{standard.id}", headers=headers).json()
    assert body["duties"] == [
        {"code": "D1", "text": "Duty D1", "is_core": True, "ksbs": ["K1", "S1"]},
        {"code": "D2", "text": "Duty D2", "is_core": True, "ksbs": ["K2", "B1"]},
    ]


def test_unknown_standard_is_not_found(client: TestClient, headers: dict[str, str]) -> None:
    response = client.get("/api/v1/standards/424242", headers=headers)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("path", ["/api/v1/standards", "/api/v1/standards/1"])
def test_standards_need_signing_in(client: TestClient, standard: Standard, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
