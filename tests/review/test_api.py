"""The review API: decisions, sign-offs, the queue and the caseload, with their errors."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import User, id_of
from tests.factories import bearer, make_api_token, make_evidence, sign_off
from tests.review.conftest import World, refresh

API = "/api/v1"


def token(session: Session, user: User) -> dict[str, str]:
    headers = bearer(make_api_token(session, user))
    session.commit()
    return headers


def submitted(session: Session, world: World) -> int:
    item = make_evidence(
        session,
        apprenticeship=world.apprenticeship,
        state="submitted",
        claims={"K1": "claimed", "S1": "claimed"},
    )
    refresh(session, world)
    return id_of(item)


def test_a_decision_answers_the_item_with_its_claims_decided(
    client: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    body = {"outcome": "accept", "version": 1, "claims": [{"ksb_code": "S1", "decision": "reject"}]}
    response = client.post(
        f"{API}/evidence/{item}/decision", json=body, headers=token(session, world.tutor)
    )
    assert response.status_code == 200, response.text
    found = response.json()
    assert (found["state"], found["version"]) == ("accepted", 2)
    assert {c["ksb_code"]: c["state"] for c in found["claims"]} == {
        "K1": "confirmed",
        "S1": "rejected",
    }
    assert found["decisions"][0]["outcome"] == "accepted"


def test_referring_without_feedback_answers_422_naming_the_field(
    client: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    response = client.post(
        f"{API}/evidence/{item}/decision",
        json={"outcome": "refer", "version": 1},
        headers=token(session, world.tutor),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "feedback"]


def test_a_stale_decision_answers_409(client: TestClient, session: Session, world: World) -> None:
    item = submitted(session, world)
    response = client.post(
        f"{API}/evidence/{item}/decision",
        json={"outcome": "accept", "version": 3},
        headers=token(session, world.tutor),
    )
    assert response.status_code == 409
    assert "changed since you opened it" in response.json()["detail"]


@pytest.mark.parametrize("who", ["apprentice", "employer_user", "iqa"])
def test_others_who_see_the_item_may_not_decide(
    client: TestClient, session: Session, world: World, who: str
) -> None:
    item = submitted(session, world)
    response = client.post(
        f"{API}/evidence/{item}/decision",
        json={"outcome": "accept", "version": 1},
        headers=token(session, getattr(world, who)),
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["outsider_tutor", "colleague"])
def test_tutors_outside_the_caseload_get_404(
    client: TestClient, session: Session, world: World, who: str
) -> None:
    item = submitted(session, world)
    headers = token(session, getattr(world, who))
    decision = client.post(
        f"{API}/evidence/{item}/decision", json={"outcome": "accept", "version": 1}, headers=headers
    )
    assert decision.status_code == 404
    signoffs = f"{API}/apprenticeships/{world.apprenticeship.id}/signoffs"
    assert (
        client.post(
            signoffs, json={"ksb_code": "K1", "override_reason": "x"}, headers=headers
        ).status_code
        == 404
    )
    assert client.delete(f"{signoffs}/K1?reason=x", headers=headers).status_code == 404


def test_signing_off_answers_201_with_the_row(
    client: TestClient, session: Session, world: World
) -> None:
    path = f"{API}/apprenticeships/{world.apprenticeship.id}/signoffs"
    response = client.post(
        path,
        json={"ksb_code": "k2", "override_reason": "Observed"},
        headers=token(session, world.tutor),
    )
    assert response.status_code == 201, response.text
    row = response.json()
    assert (row["code"], row["state"], row["override_reason"]) == ("K2", "signed_off", "Observed")


def test_signing_off_twice_answers_409(client: TestClient, session: Session, world: World) -> None:
    sign_off(session, world.apprenticeship, "K2", world.tutor)
    path = f"{API}/apprenticeships/{world.apprenticeship.id}/signoffs"
    response = client.post(
        path,
        json={"ksb_code": "K2", "override_reason": "Observed"},
        headers=token(session, world.tutor),
    )
    assert response.status_code == 409


def test_signing_off_without_evidence_or_reason_answers_422(
    client: TestClient, session: Session, world: World
) -> None:
    path = f"{API}/apprenticeships/{world.apprenticeship.id}/signoffs"
    response = client.post(path, json={"ksb_code": "K2"}, headers=token(session, world.tutor))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "override_reason"]


@pytest.mark.parametrize("who", ["apprentice", "employer_user"])
def test_apprentices_and_employers_may_not_sign_off(
    client: TestClient, session: Session, world: World, who: str
) -> None:
    path = f"{API}/apprenticeships/{world.apprenticeship.id}/signoffs"
    headers = token(session, getattr(world, who))
    assert (
        client.post(
            path, json={"ksb_code": "K2", "override_reason": "x"}, headers=headers
        ).status_code
        == 403
    )
    assert client.get(path, headers=headers).status_code == 403


def test_revoking_answers_204_then_409(client: TestClient, session: Session, world: World) -> None:
    sign_off(session, world.apprenticeship, "K2", world.tutor)
    headers = token(session, world.tutor)
    path = f"{API}/apprenticeships/{world.apprenticeship.id}/signoffs/K2"
    assert client.delete(path, headers=headers).status_code == 422  # no reason
    assert client.delete(f"{path}?reason=Mistake", headers=headers).status_code == 204
    assert client.delete(f"{path}?reason=Mistake", headers=headers).status_code == 409


def test_the_grid_lists_every_ksb(client: TestClient, session: Session, world: World) -> None:
    sign_off(session, world.apprenticeship, "B1", world.tutor)
    path = f"{API}/apprenticeships/{world.apprenticeship.id}/signoffs"
    found = client.get(path, headers=token(session, world.iqa)).json()
    states = {row["code"]: row["state"] for row in found["ksbs"]}
    assert states["B1"] == "signed_off" and len(states) == 6


def test_the_queue_lists_submitted_items_with_their_wait(
    client: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    found = client.get(f"{API}/review/queue", headers=token(session, world.tutor)).json()
    assert found["total"] == 1
    (row,) = found["items"]
    assert (row["evidence_id"], row["ksb_codes"], row["can_decide"]) == (item, ["K1", "S1"], True)
    assert row["waited_seconds"] >= 0


def test_the_caseload_answers_rows_with_rag(
    client: TestClient, session: Session, world: World
) -> None:
    headers = token(session, world.tutor)
    found = client.get(f"{API}/caseload?sort=name&order=desc", headers=headers).json()
    assert [row["apprentice_name"] for row in found] == ["Bea Learner", "Alex Apprentice"]
    assert found[0]["rag"] in ("green", "amber", "red") and found[0]["rag_reason"]
    assert found[0]["ksbs"]["total"] == 6


def test_the_caseload_is_refused_to_apprentices(
    client: TestClient, session: Session, world: World
) -> None:
    response = client.get(f"{API}/caseload", headers=token(session, world.apprentice))
    assert response.status_code == 403
