"""Notifications on both databases: derived from the event log through the viewer's scope, with
an unread count from the viewer's marker, in the nav, the list page and the API."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.models import User
from app.notifications.queries import list_notifications, unread_count
from app.notifications.service import mark_read
from tests.factories import bearer, make_api_token, make_event
from tests.gateway.world import Tenant, World, signed_in
from tests.html_page import parse
from tests.statements import statements_run
from tests.web_client import ORIGIN, post

# What happen() tells an apprentice and their employer, newest first.
TOLD_NEWEST_FIRST = ["ksb.signed_off", "evidence.accepted", "evidence.referred"]


def happen(session: Session, tenant: Tenant) -> None:
    """A day in the life of one apprenticeship, as the services record it."""
    item_id = tenant.evidence.id
    where = {"apprenticeship": tenant.apprenticeship}
    make_event(session, "evidence.submitted", actor=tenant.apprentice, target_id=item_id, **where)
    make_event(
        session,
        "evidence.referred",
        actor=tenant.tutor,
        target_id=item_id,
        data={"feedback": "Say more about K1.", "confirmed": [], "rejected": ["K1"]},
        **where,
    )
    make_event(session, "evidence.accepted", actor=tenant.tutor, target_id=item_id, **where)
    make_event(
        session,
        "ksb.signed_off",
        actor=tenant.tutor,
        target_type="ksb",
        target_id=1,
        data={"code": "K1", "override_reason": None},
        **where,
    )
    make_event(session, "gateway.check_ticked", actor=tenant.tutor, **where)  # never notified
    session.commit()


def actions(session: Session, user: User) -> list[str]:
    return [n.action for n in list_notifications(session, viewer=user)]


@pytest.fixture
def busy(session: Session, world: World) -> World:
    happen(session, world.a)
    happen(session, world.b)
    return world


def test_apprentice_is_told_of_decisions_and_signoffs(session: Session, busy: World) -> None:
    assert actions(session, busy.a.apprentice) == TOLD_NEWEST_FIRST


def test_employer_is_told_of_the_same(session: Session, busy: World) -> None:
    assert actions(session, busy.a.manager) == TOLD_NEWEST_FIRST


def test_tutor_is_told_of_items_awaiting_review(session: Session, busy: World) -> None:
    assert actions(session, busy.a.tutor) == ["evidence.submitted"]


@pytest.mark.parametrize("role", ["colleague", "iqa", "admin"])
def test_others_are_told_nothing(session: Session, busy: World, role: str) -> None:
    assert actions(session, busy.a.by_role(role)) == []


def test_nobody_is_told_of_their_own_actions(session: Session, world: World) -> None:
    make_event(
        session,
        "evidence.accepted",
        apprenticeship=world.a.apprenticeship,
        actor=world.a.apprentice,
    )
    session.commit()
    assert actions(session, world.a.apprentice) == []


def test_referral_words_carry_the_feedback(session: Session, busy: World) -> None:
    [referred] = [
        n
        for n in list_notifications(session, viewer=busy.a.apprentice)
        if n.action == "evidence.referred"
    ]
    assert referred.text == (
        f"Alpha Tutor referred “{busy.a.evidence.title}” from Alpha Apprentice back for "
        "changes. Feedback: Say more about K1."
    )


def test_everything_is_unread_at_first(session: Session, busy: World) -> None:
    assert unread_count(session, viewer=busy.a.apprentice) == 3


def test_marking_read_up_to_an_id_leaves_newer_unread(session: Session, busy: World) -> None:
    oldest = list_notifications(session, viewer=busy.a.apprentice)[-1]
    mark_read(session, viewer=busy.a.apprentice, up_to=oldest.id)
    assert unread_count(session, viewer=busy.a.apprentice) == 2


def test_the_marker_never_moves_back(session: Session, busy: World) -> None:
    mark_read(session, viewer=busy.a.apprentice, up_to=None)
    mark_read(session, viewer=busy.a.apprentice, up_to=1)
    assert unread_count(session, viewer=busy.a.apprentice) == 0


def test_one_users_marker_is_theirs_alone(session: Session, busy: World) -> None:
    mark_read(session, viewer=busy.a.apprentice, up_to=None)
    assert unread_count(session, viewer=busy.a.manager) == 3


def test_the_list_and_count_are_one_statement_each_whatever_the_numbers(
    session: Session, engine: Engine, world: World
) -> None:
    for _ in range(20):
        happen(session, world.a)
    session.expunge_all()
    with statements_run(engine) as statements:
        rows = list_notifications(session, viewer=world.a.apprentice)
        unread = unread_count(session, viewer=world.a.apprentice)
    assert (len(rows), unread) == (50, 60)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 2


# --- Pages: the nav badge, the list, marking read ---
def badge(html: str) -> str | None:
    found = parse(html).find_all("span", id="unread-count")
    return found[0].text if found else None


def test_the_nav_shows_the_unread_count(client: TestClient, busy: World) -> None:
    signed_in(client, busy.a.apprentice)
    assert badge(client.get("/notifications").text) == "3 unread"


def test_the_nav_stops_counting_at_a_hundred(
    client: TestClient, session: Session, world: World
) -> None:
    """However long the backlog, the badge reads at most 100 events: every page shows it."""
    for _ in range(34):
        happen(session, world.a)  # 3 notices for the apprentice each: 102
    signed_in(client, world.a.apprentice)
    page = client.get("/notifications").text
    assert badge(page) == "99+ unread"
    assert "102 unread." in page  # the list page still gives the whole figure
    assert unread_count(session, viewer=world.a.apprentice, at_most=100) == 100
    assert unread_count(session, viewer=world.a.apprentice, at_most=200) == 102


def test_the_nav_count_reads_through_the_request_connection(
    client: TestClient, busy: World
) -> None:
    """A second connection per page would exhaust the pool under concurrent load."""
    signed_in(client, busy.a.apprentice)
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    checkouts = 0

    def count(*_args: Any) -> None:
        nonlocal checkouts
        checkouts += 1

    event.listen(engine, "checkout", count)
    try:
        html = client.get("/portfolio").text
    finally:
        event.remove(engine, "checkout", count)
    assert badge(html) == "3 unread"
    assert checkouts == 1


def test_iqa_has_no_notifications_link(client: TestClient, busy: World) -> None:
    signed_in(client, busy.a.iqa)
    assert not parse(client.get("/account/tokens").text).has("a", id="nav-notifications")


def test_the_list_marks_unread_items(client: TestClient, busy: World) -> None:
    signed_in(client, busy.a.manager)
    items = parse(client.get("/notifications").text).find_all("li", data_unread="yes")
    assert [li.attrs["data-action"] for li in items] == TOLD_NEWEST_FIRST


def test_mark_all_read_clears_the_badge(client: TestClient, busy: World) -> None:
    signed_in(client, busy.a.apprentice)
    page = parse(client.get("/notifications").text)
    up_to = page.find("input", name="up_to").attrs["value"]
    response = post(client, "/notifications/read", {"up_to": up_to}, token_from="/notifications")
    assert response.status_code == 303
    after = client.get("/notifications").text
    assert badge(after) is None
    assert parse(after).find_all("li", data_unread="yes") == []


def test_marking_read_needs_the_csrf_token(client: TestClient, busy: World) -> None:
    signed_in(client, busy.a.apprentice)
    response = client.post("/notifications/read", data={}, headers={"Origin": ORIGIN})
    assert response.status_code == 403


def test_another_tenants_events_never_show(client: TestClient, busy: World) -> None:
    signed_in(client, busy.b.apprentice)
    text = parse(client.get("/notifications").text).find("main").text
    assert busy.a.evidence.title not in text
    assert "Alpha" not in text


# --- API ---
def test_api_lists_with_the_unread_count(client: TestClient, session: Session, busy: World) -> None:
    raw = make_api_token(session, busy.a.tutor)
    session.commit()
    body = client.get("/api/v1/notifications", headers=bearer(raw)).json()
    assert body["unread"] == 1
    assert [n["action"] for n in body["items"]] == ["evidence.submitted"]
    assert body["items"][0]["evidence_id"] == busy.a.evidence.id


def test_api_marks_read(client: TestClient, session: Session, busy: World) -> None:
    raw = make_api_token(session, busy.a.apprentice)
    session.commit()
    marked = client.post("/api/v1/notifications/read", json={}, headers=bearer(raw)).json()
    assert marked["unread"] == 0
    assert client.get("/api/v1/notifications", headers=bearer(raw)).json()["unread"] == 0
