"""Admin pages for employers: list, add and rename, only within the admin's own provider."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Organisation, OrgKind
from tests.admin_world import World, events, fresh, make_world, signed_in
from tests.html_page import alert_text, links_to, parse
from tests.web_client import form_values, post


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def admin(client: TestClient, world: World) -> TestClient:
    return signed_in(client, world.admin)


def employer_names(html: str) -> list[str]:
    return [row.find("th").text for row in parse(html).find("tbody").find_all("tr")]


@pytest.mark.parametrize("role", ["tutor", "apprentice", "manager"])
def test_other_roles_may_not_see_employer_admin(
    client: TestClient, world: World, role: str
) -> None:
    signed_in(client, getattr(world, role))
    assert client.get("/admin/employers").status_code == 403
    assert client.get(f"/admin/employers/{world.employer.id}").status_code == 403


def test_non_admin_cannot_add_an_employer(
    client: TestClient, world: World, session: Session
) -> None:
    signed_in(client, world.tutor)
    response = post(client, "/admin/employers/new", {"name": "Sneaky Ltd"}, token_from="/caseload")
    assert response.status_code == 403
    assert (
        session.exec(select(Organisation).where(Organisation.name == "Sneaky Ltd")).first() is None
    )


def test_list_shows_only_this_providers_employers(admin: TestClient, world: World) -> None:
    assert employer_names(admin.get("/admin/employers").text) == [world.employer.name]


def test_admin_nav_links_to_administration(admin: TestClient) -> None:
    assert links_to(parse(admin.get("/admin/employers").text), "/admin")


def test_nav_has_no_admin_link_for_tutors(client: TestClient, world: World) -> None:
    signed_in(client, world.tutor)
    assert not links_to(parse(client.get("/caseload").text), "/admin")


def test_admin_adds_an_employer_to_their_provider(
    admin: TestClient, world: World, session: Session
) -> None:
    response = post(
        admin, "/admin/employers/new", {"name": "  Acme   Legal LLP "}, token_from="/admin"
    )
    assert response.status_code == 303
    added = session.exec(select(Organisation).where(Organisation.name == "Acme Legal LLP")).one()
    assert (added.kind, added.provider_id) == (OrgKind.EMPLOYER, world.provider.id)
    assert [e.target_id for e in events(session, "org.employer_added")] == [added.id]


def test_provider_and_kind_sent_with_the_form_are_ignored(
    admin: TestClient, world: World, session: Session
) -> None:
    data = {"name": "Planted Ltd", "provider_id": str(world.other_provider.id), "kind": "provider"}
    assert post(admin, "/admin/employers/new", data, token_from="/admin").status_code == 303
    added = session.exec(select(Organisation).where(Organisation.name == "Planted Ltd")).one()
    assert (added.kind, added.provider_id) == (OrgKind.EMPLOYER, world.provider.id)


def test_an_empty_name_is_refused_beside_the_form(admin: TestClient) -> None:
    response = post(admin, "/admin/employers/new", {"name": "   "}, token_from="/admin")
    assert response.status_code == 422
    assert "employer's name" in alert_text(response.text)


def test_a_duplicate_name_is_refused_and_kept_in_the_form(admin: TestClient, world: World) -> None:
    typed = world.employer.name.upper()
    response = post(admin, "/admin/employers/new", {"name": typed}, token_from="/admin")
    assert response.status_code == 422
    assert "already have an employer" in alert_text(response.text)
    assert form_values(response.text)["name"] == typed


def test_another_providers_employer_name_may_be_reused(admin: TestClient, world: World) -> None:
    data = {"name": world.other_employer.name}
    assert post(admin, "/admin/employers/new", data, token_from="/admin").status_code == 303


def test_admin_renames_an_employer(admin: TestClient, world: World, session: Session) -> None:
    path = f"/admin/employers/{world.employer.id}"
    assert form_values(admin.get(path).text)["name"] == world.employer.name
    response = post(admin, path, {"name": "Renamed Ltd"}, token_from=path)
    assert response.status_code == 303
    old = world.employer.name
    fresh(session, world.employer)
    assert world.employer.name == "Renamed Ltd"
    [event] = events(session, "org.employer_renamed")
    assert event.data == {"old": old, "new": "Renamed Ltd"}


def test_rename_ignores_provider_sent_with_it(
    admin: TestClient, world: World, session: Session
) -> None:
    path = f"/admin/employers/{world.employer.id}"
    data = {"name": "Renamed Ltd", "provider_id": str(world.other_provider.id), "kind": "provider"}
    post(admin, path, data, token_from=path)
    fresh(session, world.employer)
    assert (world.employer.provider_id, world.employer.kind) == (world.provider.id, "employer")


def test_another_providers_employer_is_not_found(
    admin: TestClient, world: World, session: Session
) -> None:
    path = f"/admin/employers/{world.other_employer.id}"
    assert admin.get(path).status_code == 404
    response = post(admin, path, {"name": "Hijacked"}, token_from="/admin")
    assert response.status_code == 404
    fresh(session, world.other_employer)
    assert world.other_employer.name != "Hijacked"


def test_the_provider_itself_is_not_an_employer_to_rename(admin: TestClient, world: World) -> None:
    assert admin.get(f"/admin/employers/{world.provider.id}").status_code == 404
