"""The gateway page and API on both databases: readiness in words, tick, untick, move, and
who may see (404 outside the tenant) or change it (403 for everyone but the own tutor)."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.gateway.readiness import REQUIREMENTS
from app.models import Apprenticeship, GatewayCheck
from app.models.base import id_of
from tests.factories import bearer, make_api_token, sign_off
from tests.gateway.world import KSBS, World, signed_in
from tests.html_page import alert_text, parse
from tests.web_client import ORIGIN, csrf_token, post


def page_url(world: World) -> str:
    return f"/portfolio/{world.a.apprenticeship.id}/gateway"


def blockers(html: str) -> list[str]:
    return [li.text for li in parse(html).find("ul", id="gateway-blockers").find_all("li")]


def ready_world(session: Session, world: World) -> None:
    for code in KSBS:
        sign_off(session, world.a.apprenticeship, code, world.a.tutor)
    for requirement in REQUIREMENTS:
        session.add(
            GatewayCheck(
                apprenticeship_id=id_of(world.a.apprenticeship),
                requirement=requirement,
                evidence_id=id_of(world.a.evidence),
                ticked_by_id=id_of(world.a.tutor),
            )
        )
    session.commit()


@pytest.mark.parametrize("role", ["tutor", "iqa", "admin", "employer", "apprentice"])
def test_who_sees_the_apprenticeship_sees_its_blockers(
    client: TestClient, world: World, role: str
) -> None:
    signed_in(client, world.a.by_role(role))
    response = client.get(page_url(world))
    assert response.status_code == 200
    assert blockers(response.text) == [
        "4 KSBs not signed off: K1, K2, S1, B1",
        "No employer declaration",
        "No English evidence",
        "No maths evidence",
        "Time on programme not confirmed by a tutor",
    ]


@pytest.mark.parametrize("role", ["tutor", "iqa", "admin", "employer", "apprentice"])
def test_another_tenant_gets_404(client: TestClient, world: World, role: str) -> None:
    signed_in(client, world.b.by_role(role))
    assert client.get(page_url(world)).status_code == 404


def test_only_the_own_tutor_gets_the_tick_forms(client: TestClient, world: World) -> None:
    signed_in(client, world.a.tutor)
    assert parse(client.get(page_url(world)).text).has("select", id="evidence-english")
    signed_in(client, world.a.apprentice)
    assert not parse(client.get(page_url(world)).text).has("select", id="evidence-english")


def test_ticking_by_form_redirects_and_shows_the_tick(client: TestClient, world: World) -> None:
    signed_in(client, world.a.tutor)
    data = {"requirement": "english", "evidence_id": str(world.a.evidence.id)}
    response = post(client, page_url(world) + "/tick", data, token_from=page_url(world))
    assert response.status_code == 303
    row = parse(client.get(page_url(world)).text).find("tr", data_requirement="english")
    assert row.attrs["data-ticked"] == "yes"
    assert world.a.evidence.title in row.text


def test_ticking_with_htmx_answers_the_checklist_alone(client: TestClient, world: World) -> None:
    signed_in(client, world.a.tutor)
    data = {"requirement": "maths", "evidence_id": str(world.a.evidence.id)}
    response = client.post(
        page_url(world) + "/tick",
        data=data,
        headers={
            "Origin": ORIGIN,
            "HX-Request": "true",
            "HX-Target": "gateway",
            "X-CSRF-Token": _csrf(client, world),
        },
    )
    assert response.status_code == 200
    page = parse(response.text)
    assert not page.has("main")
    assert page.find("tr", data_requirement="maths").attrs["data-ticked"] == "yes"
    assert "No maths evidence" not in page.find("ul", id="gateway-blockers").text


def _csrf(client: TestClient, world: World) -> str:
    return csrf_token(client, page_url(world))


def test_ticking_without_evidence_is_422_and_keeps_the_choice(
    client: TestClient, world: World
) -> None:
    signed_in(client, world.a.tutor)
    response = post(
        client,
        page_url(world) + "/tick",
        {"requirement": "english", "evidence_id": ""},
        token_from=page_url(world),
    )
    assert response.status_code == 422
    assert "Choose the evidence" in alert_text(response.text)


def test_ticking_twice_by_form_is_409(client: TestClient, world: World) -> None:
    signed_in(client, world.a.tutor)
    data = {"requirement": "english", "evidence_id": str(world.a.evidence.id)}
    post(client, page_url(world) + "/tick", data, token_from=page_url(world))
    response = post(client, page_url(world) + "/tick", data, token_from=page_url(world))
    assert response.status_code == 409
    assert "already ticked" in alert_text(response.text)


def test_unticking_by_form(client: TestClient, session: Session, world: World) -> None:
    ready_world(session, world)
    signed_in(client, world.a.tutor)
    response = post(
        client, page_url(world) + "/untick", {"requirement": "maths"}, token_from=page_url(world)
    )
    assert response.status_code == 303
    assert blockers(client.get(page_url(world)).text) == ["No maths evidence"]


def test_moving_while_blocked_is_409_with_the_blockers(client: TestClient, world: World) -> None:
    signed_in(client, world.a.tutor)
    response = post(client, page_url(world) + "/move", {}, token_from=page_url(world))
    assert response.status_code == 409
    assert "4 KSBs not signed off: K1, K2, S1, B1" in alert_text(response.text)


def test_moving_when_ready(client: TestClient, session: Session, world: World) -> None:
    ready_world(session, world)
    signed_in(client, world.a.tutor)
    response = post(client, page_url(world) + "/move", {}, token_from=page_url(world))
    assert response.status_code == 303
    status = parse(client.get(page_url(world)).text).find("p", id="gateway-status")
    assert status.attrs["data-ready"] == "gateway"
    session.expire_all()
    found = session.exec(
        select(Apprenticeship).where(Apprenticeship.id == world.a.apprenticeship.id)
    ).one()
    assert found.status == "gateway"


@pytest.mark.parametrize("role", ["colleague", "iqa", "admin", "employer", "apprentice"])
def test_others_may_not_tick(client: TestClient, world: World, role: str) -> None:
    viewer = world.a.by_role(role)
    signed_in(client, viewer)
    data = {"requirement": "english", "evidence_id": str(world.a.evidence.id)}
    response = post(client, page_url(world) + "/tick", data, token_from="/account/tokens")
    # The colleague does not see this apprenticeship at all; the others see it but may not act.
    assert response.status_code == (404 if role == "colleague" else 403)


def test_ticking_needs_the_csrf_token(client: TestClient, world: World) -> None:
    signed_in(client, world.a.tutor)
    data = {"requirement": "english", "evidence_id": str(world.a.evidence.id)}
    response = client.post(page_url(world) + "/tick", data=data, headers={"Origin": ORIGIN})
    assert response.status_code == 403


# --- The API ---
def api_url(world: World) -> str:
    return f"/api/v1/apprenticeships/{world.a.apprenticeship.id}/gateway"


def token(session: Session, world: World, role: str, tenant: str = "a") -> dict[str, str]:
    user = getattr(world, tenant).by_role(role)
    raw = make_api_token(session, user)
    session.commit()
    return bearer(raw)


def test_api_reports_readiness(client: TestClient, session: Session, world: World) -> None:
    body = client.get(api_url(world), headers=token(session, world, "apprentice")).json()
    assert body["ready"] is False
    assert body["blockers"][0] == "4 KSBs not signed off: K1, K2, S1, B1"
    assert [r["code"] for r in body["requirements"]] == list(REQUIREMENTS)


def test_api_ticks_and_unticks(client: TestClient, session: Session, world: World) -> None:
    headers = token(session, world, "tutor")
    sent = {"requirement": "english", "evidence_id": world.a.evidence.id}
    ticked = client.post(api_url(world) + "/checks", json=sent, headers=headers)
    assert ticked.status_code == 200
    english = next(r for r in ticked.json()["requirements"] if r["code"] == "english")
    assert (english["ticked"], english["evidence_id"]) == (True, world.a.evidence.id)
    unticked = client.post(
        api_url(world) + "/checks/untick", json={"requirement": "english"}, headers=headers
    )
    assert "No English evidence" in unticked.json()["blockers"]


def test_api_move_blocked_is_409_with_blockers(
    client: TestClient, session: Session, world: World
) -> None:
    response = client.post(api_url(world) + "/move", headers=token(session, world, "tutor"))
    assert response.status_code == 409
    assert response.json()["blockers"][0] == "4 KSBs not signed off: K1, K2, S1, B1"


def test_api_move_when_ready(client: TestClient, session: Session, world: World) -> None:
    ready_world(session, world)
    response = client.post(api_url(world) + "/move", headers=token(session, world, "tutor"))
    assert (response.status_code, response.json()["status"]) == (200, "gateway")


def test_api_tick_by_the_apprentice_is_403(
    client: TestClient, session: Session, world: World
) -> None:
    sent = {"requirement": "english", "evidence_id": world.a.evidence.id}
    headers = token(session, world, "apprentice")
    assert client.post(api_url(world) + "/checks", json=sent, headers=headers).status_code == 403


@pytest.mark.parametrize("role", ["tutor", "apprentice", "employer"])
def test_api_other_tenant_is_404(
    client: TestClient, session: Session, world: World, role: str
) -> None:
    headers = token(session, world, role, tenant="b")
    assert client.get(api_url(world), headers=headers).status_code == 404
    assert client.post(api_url(world) + "/move", headers=headers).status_code == 404
