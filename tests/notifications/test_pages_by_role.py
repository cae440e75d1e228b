"""The notifications page and nav per role: empty states that fit the role (IQA and admins are
told of nothing and the page says so), a tutor's IQA notification on the page, and the
read-only Caseloads link for IQA and admins."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_decision
from tests.gateway.world import World, signed_in
from tests.html_page import parse, path_of
from tests.notifications.test_iqa_sampled import sampled


def empty_state(client: TestClient) -> str:
    return parse(client.get("/notifications").text).find("p", id="no-notifications").text


@pytest.mark.parametrize("role", ["iqa", "admin"])
def test_iqa_and_admins_are_told_they_get_no_notifications(
    client: TestClient, world: World, role: str
) -> None:
    signed_in(client, world.a.by_role(role))
    assert "not sent notifications" in empty_state(client)


@pytest.mark.parametrize("role", ["iqa", "admin"])
def test_iqa_and_admins_see_no_unread_summary(client: TestClient, world: World, role: str) -> None:
    signed_in(client, world.a.by_role(role))
    assert not parse(client.get("/notifications").text).has("p", id="unread-summary")


@pytest.mark.parametrize(
    ("role", "words"),
    [
        ("tutor", "waits for your review"),
        ("apprentice", "your evidence is accepted or referred back"),
        ("employer", "your apprentices' evidence"),
    ],
)
def test_an_empty_list_says_what_this_role_is_told_of(
    client: TestClient, world: World, role: str, words: str
) -> None:
    signed_in(client, world.a.by_role(role))
    assert words in empty_state(client)


@pytest.mark.parametrize("role", ["apprentice", "employer"])
def test_only_tutors_read_about_waiting_reviews(
    client: TestClient, world: World, role: str
) -> None:
    signed_in(client, world.a.by_role(role))
    assert "review" not in empty_state(client)


def test_the_tutor_sees_the_disagreement_linked_to_the_item(
    client: TestClient, session: Session, world: World
) -> None:
    decision = make_decision(session, world.a.evidence, world.a.tutor, "accepted")
    session.commit()
    sampled(session, world.a, decision, "disagree")
    signed_in(client, world.a.tutor)
    [item] = parse(client.get("/notifications").text).find_all("li", data_action="iqa.sampled")
    assert item.text.startswith("New Quality check: the IQA (Alpha Iqa) disagreed")
    assert path_of(item.find("a").attrs["href"]) == f"/evidence/{world.a.evidence.id}"


@pytest.mark.parametrize("role", ["iqa", "admin"])
def test_iqa_and_admins_have_a_caseloads_link(client: TestClient, world: World, role: str) -> None:
    signed_in(client, world.a.by_role(role))
    link = parse(client.get("/notifications").text).find("a", id="nav-caseloads")
    assert (link.text, path_of(link.attrs["href"])) == ("Caseloads", "/caseload")


@pytest.mark.parametrize("role", ["iqa", "admin"])
def test_the_caseloads_link_opens(client: TestClient, world: World, role: str) -> None:
    signed_in(client, world.a.by_role(role))
    page = parse(client.get("/notifications").text)
    assert client.get(page.find("a", id="nav-caseloads").attrs["href"]).status_code == 200


@pytest.mark.parametrize("role", ["tutor", "apprentice", "employer"])
def test_other_roles_have_no_caseloads_link(client: TestClient, world: World, role: str) -> None:
    signed_in(client, world.a.by_role(role))
    assert not parse(client.get("/notifications").text).has("a", id="nav-caseloads")
