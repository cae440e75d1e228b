"""Admin pages for people: list, invite, change role, disable and enable, within one provider."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from app.auth.tokens import digest
from app.models import ApiToken, OneTimeToken, Role, User
from app.settings import Settings
from tests.admin_world import World, actions, events, fresh, make_world, signed_in
from tests.factories import bearer, make_api_token, make_link_token
from tests.html_page import alert_text, parse, path_of, selected
from tests.mailbox import only_link
from tests.web_client import ORIGIN, PASSWORD, form_values, post, sign_in


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def admin(client: TestClient, world: World) -> TestClient:
    return signed_in(client, world.admin)


def listed_emails(html: str) -> set[str]:
    rows = parse(html).find("tbody").find_all("tr")
    return {row.find_all("td")[0].text for row in rows}


def invite(client: TestClient, world: World, **fields: str) -> Response:
    data = {
        "name": "Sam Patel",
        "email": "sam.patel@example.org",
        "role": "apprentice",
        "organisation_id": str(world.employer.id),
    } | fields
    return post(client, "/admin/users/new", data, token_from="/admin/users/new")


def user_by_email(session: Session, email: str) -> User | None:
    session.expire_all()
    return session.exec(select(User).where(User.email == email)).first()


# Who may


@pytest.mark.parametrize("role", ["tutor", "apprentice", "manager"])
def test_other_roles_may_not_manage_people(client: TestClient, world: World, role: str) -> None:
    signed_in(client, getattr(world, role))
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{world.tutor.id}").status_code == 403


def test_iqa_may_not_manage_people(client: TestClient, world: World, session: Session) -> None:
    from tests.factories import make_user

    iqa = make_user(session, world.provider, "iqa", password=PASSWORD)
    session.commit()
    signed_in(client, iqa)
    response = post(client, f"/admin/users/{world.tutor.id}/disable", {}, token_from="/provider")
    assert response.status_code == 403
    fresh(session, world.tutor)
    assert world.tutor.is_active


# Listing


def test_list_shows_the_providers_people_only(admin: TestClient, world: World) -> None:
    emails = listed_emails(admin.get("/admin/users").text)
    assert {world.admin.email, world.tutor.email, world.apprentice.email} <= emails
    assert not {world.other_admin.email, world.other_apprentice.email} & emails


def test_list_filters_by_role(admin: TestClient, world: World) -> None:
    response = admin.get("/admin/users", params={"role": "tutor"})
    assert listed_emails(response.text) == {world.tutor.email}
    assert selected(parse(response.text).find("select", name="role")) == "tutor"


def test_an_empty_role_filter_shows_everyone(admin: TestClient, world: World) -> None:
    emails = listed_emails(admin.get("/admin/users", params={"role": ""}).text)
    assert world.tutor.email in emails and world.apprentice.email in emails


# Inviting


def test_invite_creates_an_account_without_a_password(
    admin: TestClient, world: World, session: Session
) -> None:
    response = invite(admin, world)
    assert response.status_code == 201
    user = user_by_email(session, "sam.patel@example.org")
    assert user is not None and user.password_hash is None
    assert (user.role, user.organisation_id) == (Role.APPRENTICE, world.employer.id)
    assert [e.target_id for e in events(session, "auth.user_invited")] == [user.id]


def test_invite_shows_the_activation_link_once_and_mails_it(
    admin: TestClient, world: World, settings: Settings, session: Session
) -> None:
    response = invite(admin, world)
    shown = parse(response.text).find("code", id="activation-link").text
    assert path_of(shown) == only_link(settings, "sam.patel@example.org")
    raw = shown.rsplit("/", 1)[1]
    assert session.exec(select(OneTimeToken.token_hash)).all() == [digest(raw)]
    user = user_by_email(session, "sam.patel@example.org")
    assert user is not None
    assert raw not in admin.get(f"/admin/users/{user.id}").text


def test_the_invited_person_activates_and_signs_in(
    admin: TestClient, world: World, app: FastAPI
) -> None:
    link = parse(invite(admin, world).text).find("code", id="activation-link").text
    with TestClient(app, base_url=ORIGIN) as newcomer:
        data = {"password": "my own long passphrase", "confirm": "my own long passphrase"}
        assert post(newcomer, path_of(link), data, token_from=path_of(link)).status_code == 200
        assert (
            sign_in(newcomer, "sam.patel@example.org", "my own long passphrase").status_code == 303
        )


def test_invite_into_another_providers_organisation_is_refused(
    admin: TestClient, world: World, session: Session
) -> None:
    response = invite(admin, world, organisation_id=str(world.other_employer.id))
    assert response.status_code == 422
    assert "Choose an organisation" in alert_text(response.text)
    assert user_by_email(session, "sam.patel@example.org") is None


def test_invite_refuses_a_role_that_does_not_fit_the_organisation(
    admin: TestClient, world: World, session: Session
) -> None:
    response = invite(admin, world, role="tutor")  # tutors work at the provider
    assert response.status_code == 422
    assert user_by_email(session, "sam.patel@example.org") is None


def test_invite_of_an_existing_email_keeps_what_was_typed(admin: TestClient, world: World) -> None:
    response = invite(admin, world, email=world.tutor.email, name="Twice Over")
    assert response.status_code == 422
    assert "already exists" in alert_text(response.text)
    values = form_values(response.text)
    assert (values["name"], values["email"]) == ("Twice Over", world.tutor.email)
    page = parse(response.text)
    assert selected(page.find("select", name="organisation_id")) == str(world.employer.id)


def test_invite_ignores_fields_it_does_not_take(
    admin: TestClient, world: World, session: Session
) -> None:
    invite(admin, world, is_active="false", password_hash="x", provider_id="999")
    user = user_by_email(session, "sam.patel@example.org")
    assert user is not None and user.is_active and user.password_hash is None


# Changing roles


def change_role(client: TestClient, user: User, role: str, **extra: str) -> Response:
    path = f"/admin/users/{user.id}"
    return post(client, f"{path}/role", {"role": role} | extra, token_from=path)


def test_admin_changes_a_role_within_the_provider(
    admin: TestClient, world: World, session: Session
) -> None:
    from tests.factories import make_user

    staff = make_user(session, world.provider, "iqa")
    session.commit()
    assert change_role(admin, staff, "admin").status_code == 303
    fresh(session, staff)
    assert staff.role == Role.ADMIN
    [event] = events(session, "auth.role_changed")
    assert (event.target_id, event.data) == (staff.id, {"old": "iqa", "new": "admin"})


def test_a_role_from_the_other_kind_of_organisation_is_refused(
    admin: TestClient, world: World, session: Session
) -> None:
    response = change_role(admin, world.manager, "tutor")
    assert response.status_code == 422
    assert alert_text(response.text)
    fresh(session, world.manager)
    assert world.manager.role == Role.EMPLOYER


def test_role_form_ignores_organisation_and_ids_sent_with_it(
    admin: TestClient, world: World, session: Session
) -> None:
    extra = {"organisation_id": str(world.other_provider.id), "user_id": str(world.other_admin.id)}
    change_role(admin, world.manager, "employer", **extra)
    fresh(session, world.manager)
    fresh(session, world.other_admin)
    assert world.manager.organisation_id == world.employer.id
    assert world.other_admin.role == Role.ADMIN


def test_a_tutor_with_a_caseload_keeps_their_role(
    admin: TestClient, world: World, session: Session
) -> None:
    response = change_role(admin, world.tutor, "iqa")
    assert response.status_code == 422
    assert "another tutor" in alert_text(response.text)
    fresh(session, world.tutor)
    assert world.tutor.role == Role.TUTOR


def test_an_admin_cannot_demote_themselves(
    admin: TestClient, world: World, session: Session
) -> None:
    assert change_role(admin, world.admin, "tutor").status_code == 403
    fresh(session, world.admin)
    assert world.admin.role == Role.ADMIN


def test_own_page_offers_no_role_change_or_disable(admin: TestClient, world: World) -> None:
    page = parse(admin.get(f"/admin/users/{world.admin.id}").text)
    assert not page.has("select", name="role")
    assert not page.find("main").has("form")


# Disabling


def disable(client: TestClient, user: User) -> Response:
    path = f"/admin/users/{user.id}"
    return post(client, f"{path}/disable", {}, token_from=path)


def test_disabling_signs_the_person_out_everywhere(
    admin: TestClient, world: World, session: Session, app: FastAPI
) -> None:
    with TestClient(app, base_url=ORIGIN) as tutor_browser:
        signed_in(tutor_browser, world.tutor)
        assert tutor_browser.get("/caseload", follow_redirects=False).status_code == 200
        assert disable(admin, world.tutor).status_code == 303
        assert tutor_browser.get("/caseload", follow_redirects=False).status_code == 303
        assert sign_in(tutor_browser, world.tutor.email).status_code == 401
    fresh(session, world.tutor)
    assert not world.tutor.is_active
    assert "auth.user_disabled" in actions(session)


def test_an_admin_cannot_disable_themselves(
    admin: TestClient, world: World, session: Session
) -> None:
    assert disable(admin, world.admin).status_code == 403
    fresh(session, world.admin)
    assert world.admin.is_active
    assert admin.get("/admin/users", follow_redirects=False).status_code == 200


def test_re_enabled_person_can_sign_in_again(
    admin: TestClient, world: World, session: Session, app: FastAPI
) -> None:
    disable(admin, world.tutor)
    path = f"/admin/users/{world.tutor.id}"
    assert post(admin, f"{path}/enable", {}, token_from=path).status_code == 303
    with TestClient(app, base_url=ORIGIN) as tutor_browser:
        assert sign_in(tutor_browser, world.tutor.email).status_code == 303
    assert "auth.user_enabled" in actions(session)


# Another provider's people


def test_another_providers_person_is_not_found(
    admin: TestClient, world: World, session: Session
) -> None:
    target = world.other_tutor
    assert admin.get(f"/admin/users/{target.id}").status_code == 404
    assert change_role(admin, target, "iqa").status_code == 404
    assert (
        post(admin, f"/admin/users/{target.id}/disable", {}, token_from="/admin").status_code == 404
    )
    fresh(session, target)
    assert (target.role, target.is_active) == (Role.TUTOR, True)


# Re-enabling starts afresh: nothing issued before the disable comes back to life


def enable(client: TestClient, user: User) -> Response:
    path = f"/admin/users/{user.id}"
    return post(client, f"{path}/enable", {}, token_from=path)


def test_re_enabling_does_not_revive_api_tokens(
    admin: TestClient, world: World, session: Session, app: FastAPI
) -> None:
    raw = make_api_token(session, world.tutor)
    session.commit()
    with TestClient(app, base_url=ORIGIN) as program:
        assert program.get("/api/v1/me", headers=bearer(raw)).status_code == 200
        disable(admin, world.tutor)
        assert enable(admin, world.tutor).status_code == 303
        assert program.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_disabling_revokes_tokens_with_an_event_each(
    admin: TestClient, world: World, session: Session
) -> None:
    make_api_token(session, world.tutor, "first")
    make_api_token(session, world.tutor, "second")
    session.commit()
    disable(admin, world.tutor)
    session.expire_all()
    tokens = session.exec(select(ApiToken).where(ApiToken.user_id == world.tutor.id)).all()
    assert [token.revoked_at is not None for token in tokens] == [True, True]
    revoked = events(session, "auth.token_revoked")
    assert sorted(event.data["name"] for event in revoked) == ["first", "second"]
    assert {(e.actor_id, e.data["reason"]) for e in revoked} == {(world.admin.id, "user_disabled")}


def test_re_enabling_does_not_revive_sessions(
    admin: TestClient, world: World, app: FastAPI
) -> None:
    with TestClient(app, base_url=ORIGIN) as tutor_browser:
        signed_in(tutor_browser, world.tutor)
        disable(admin, world.tutor)
        assert enable(admin, world.tutor).status_code == 303
        assert tutor_browser.get("/caseload", follow_redirects=False).status_code == 303


def test_re_enabling_does_not_revive_an_open_reset_link(
    admin: TestClient, world: World, session: Session, app: FastAPI
) -> None:
    raw = make_link_token(session, world.tutor, "reset")
    session.commit()
    with TestClient(app, base_url=ORIGIN) as browser:
        assert browser.get(f"/password/reset/{raw}").status_code == 200
        disable(admin, world.tutor)
        enable(admin, world.tutor)
        assert browser.get(f"/password/reset/{raw}").status_code == 404
