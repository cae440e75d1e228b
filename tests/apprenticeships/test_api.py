"""The apprenticeships API: a token sees exactly what its user sees, and 404 outside that."""

from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Apprenticeship, Organisation, Standard, User
from tests.factories import (
    bearer,
    make_api_token,
    make_apprenticeship,
    make_employer,
    make_provider,
    make_standard,
    make_user,
)

START, END = date(2025, 9, 1), date(2027, 3, 1)


@dataclass(frozen=True)
class World:
    """Provider A with two employers and two tutors; provider B beside it."""

    tokens: dict[str, str]
    own: Apprenticeship  # the apprentice's: employer A1, tutor 1
    colleague: Apprenticeship  # another apprentice at employer A1, tutor 2
    elsewhere: Apprenticeship  # employer A2, tutor 1
    other_provider: Apprenticeship  # provider B

    def ids(self, *names: str) -> set[int | None]:
        return {getattr(self, name).id for name in names}


def _apprenticeship(
    session: Session,
    standard: Standard,
    provider: Organisation,
    employer: Organisation,
    tutor: User,
    apprentice: User | None = None,
) -> Apprenticeship:
    return make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=apprentice or make_user(session, employer, "apprentice"),
        tutor=tutor,
        start=START,
        planned_end=END,
    )


@pytest.fixture
def world(session: Session) -> World:
    standard = make_standard(session)
    provider_a, provider_b = make_provider(session), make_provider(session)
    a1, a2, b1 = (make_employer(session, p) for p in (provider_a, provider_a, provider_b))
    tutor1, tutor2 = (
        make_user(session, provider_a, "tutor"),
        make_user(session, provider_a, "tutor"),
    )
    apprentice = make_user(session, a1, "apprentice")
    users = {
        "apprentice": apprentice,
        "employer": make_user(session, a1, "employer"),
        "tutor": tutor1,
        "iqa": make_user(session, provider_a, "iqa"),
        "admin": make_user(session, provider_a, "admin"),
    }
    world = World(
        tokens={role: make_api_token(session, user) for role, user in users.items()},
        own=_apprenticeship(session, standard, provider_a, a1, tutor1, apprentice),
        colleague=_apprenticeship(session, standard, provider_a, a1, tutor2),
        elsewhere=_apprenticeship(session, standard, provider_a, a2, tutor1),
        other_provider=_apprenticeship(
            session, standard, provider_b, b1, make_user(session, provider_b, "tutor")
        ),
    )
    session.commit()
    return world


VISIBLE = {
    "apprentice": ("own",),
    "employer": ("own", "colleague"),
    "tutor": ("own", "elsewhere"),
    "iqa": ("own", "colleague", "elsewhere"),
    "admin": ("own", "colleague", "elsewhere"),
}
ROLES = list(VISIBLE)


@pytest.mark.parametrize("role", ROLES)
def test_list_holds_exactly_the_users_scope(client: TestClient, world: World, role: str) -> None:
    response = client.get("/api/v1/apprenticeships", headers=bearer(world.tokens[role]))
    assert response.status_code == 200
    assert {item["id"] for item in response.json()["items"]} == world.ids(*VISIBLE[role])


@pytest.mark.parametrize("role", ROLES)
def test_each_visible_apprenticeship_opens(client: TestClient, world: World, role: str) -> None:
    for apprenticeship_id in world.ids(*VISIBLE[role]):
        response = client.get(
            f"/api/v1/apprenticeships/{apprenticeship_id}", headers=bearer(world.tokens[role])
        )
        assert response.status_code == 200
        assert response.json()["id"] == apprenticeship_id


@pytest.mark.parametrize("role", ROLES)
def test_anything_else_is_not_found(client: TestClient, world: World, role: str) -> None:
    everything = world.ids("own", "colleague", "elsewhere", "other_provider")
    hidden = everything - world.ids(*VISIBLE[role])
    for apprenticeship_id in hidden:
        response = client.get(
            f"/api/v1/apprenticeships/{apprenticeship_id}", headers=bearer(world.tokens[role])
        )
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}


def test_a_missing_id_is_not_found_like_a_hidden_one(client: TestClient, world: World) -> None:
    missing = client.get("/api/v1/apprenticeships/999999", headers=bearer(world.tokens["admin"]))
    hidden = client.get(
        f"/api/v1/apprenticeships/{world.other_provider.id}", headers=bearer(world.tokens["admin"])
    )
    assert (missing.status_code, missing.json()) == (hidden.status_code, hidden.json())


@pytest.mark.parametrize("bad", ["0", "-1", "abc", str(2**70)])
def test_an_impossible_id_is_refused_cleanly(client: TestClient, world: World, bad: str) -> None:
    response = client.get(f"/api/v1/apprenticeships/{bad}", headers=bearer(world.tokens["admin"]))
    assert response.status_code in (404, 422)
    assert set(response.json()) == {"detail"}


def test_detail_describes_the_apprenticeship(client: TestClient, world: World) -> None:
    own = world.own
    body = client.get(
        f"/api/v1/apprenticeships/{own.id}", headers=bearer(world.tokens["apprentice"])
    ).json()
    assert body == {
        "id": own.id,
        "apprentice_id": own.apprentice_id,
        "standard_id": own.standard_id,
        "provider_id": own.provider_id,
        "employer_id": own.employer_id,
        "tutor_id": own.tutor_id,
        "start_date": "2025-09-01",
        "planned_end_date": "2027-03-01",
        "status": "active",
    }


def test_list_items_name_the_people_and_the_standard(client: TestClient, world: World) -> None:
    body = client.get("/api/v1/apprenticeships", headers=bearer(world.tokens["apprentice"])).json()
    [item] = body["items"]
    assert item["apprentice_name"] == "Test apprentice" and item["tutor_name"] == "Test tutor"
    assert item["standard_version"] == "1.0" and item["status"] == "active"
    assert "password_hash" not in str(body)


def test_list_is_paged(client: TestClient, world: World) -> None:
    headers = bearer(world.tokens["admin"])
    first = client.get("/api/v1/apprenticeships?limit=2", headers=headers).json()
    assert (len(first["items"]), first["limit"], first["offset"], first["next_offset"]) == (
        2,
        2,
        0,
        2,
    )
    rest = client.get("/api/v1/apprenticeships?limit=2&offset=2", headers=headers).json()
    assert len(rest["items"]) == 1 and rest["next_offset"] is None
    seen = {item["id"] for item in first["items"] + rest["items"]}
    assert seen == world.ids(*VISIBLE["admin"])


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "offset=-1", "limit=x"])
def test_paging_outside_the_limits_is_refused(client: TestClient, world: World, query: str) -> None:
    response = client.get(f"/api/v1/apprenticeships?{query}", headers=bearer(world.tokens["admin"]))
    assert response.status_code == 422


def test_anonymous_list_is_refused(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/apprenticeships")
    assert response.status_code == 401
    assert response.json() == {"detail": "Please sign in."}
