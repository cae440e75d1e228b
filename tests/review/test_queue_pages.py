"""The review queue and one item's review page, as a tutor uses them (and others may not)."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import EvidenceItem, EvidenceState, ReviewDecision, utcnow
from app.models.base import id_of
from tests.factories import make_evidence
from tests.html_page import alert_text, main_text, parse
from tests.review.conftest import World, fresh, refresh
from tests.web_client import ORIGIN, post, sign_in


def submitted(session: Session, world: World, *, days_ago: int = 0, second: bool = False) -> int:
    item = make_evidence(
        session,
        apprenticeship=world.second_apprenticeship if second else world.apprenticeship,
        state="submitted",
        claims={"K1": "claimed", "S1": "claimed"},
    )
    item.submitted_at = utcnow() - timedelta(days=days_ago, minutes=5)
    item.reflection = "I rebuilt the server."
    session.add(item)
    refresh(session, world)
    return id_of(item)


def state_of(session: Session, item_id: int) -> EvidenceState:
    fresh(session)
    return EvidenceState(session.get_one(EvidenceItem, item_id).state)


@pytest.fixture
def tutor(client: TestClient, world: World) -> TestClient:
    sign_in(client, world.tutor.email)
    return client


def queue_ids(client: TestClient) -> list[str]:
    page = parse(client.get("/review/queue").text)
    return [
        row.attrs["data-evidence"] for row in page.find_all("tr") if "data-evidence" in row.attrs
    ]


def test_the_queue_lists_the_caseloads_submitted_items_oldest_first(
    tutor: TestClient, session: Session, world: World
) -> None:
    newer = submitted(session, world, days_ago=1)
    older = submitted(session, world, days_ago=6, second=True)
    make_evidence(session, apprenticeship=world.colleague_apprenticeship, state="submitted")
    make_evidence(session, apprenticeship=world.apprenticeship, state="accepted")
    session.commit()
    assert queue_ids(tutor) == [str(older), str(newer)]


def test_the_queue_says_how_long_each_item_has_waited(
    tutor: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world, days_ago=3)
    row = parse(tutor.get("/review/queue").text).find("tr", data_evidence=str(item))
    assert "3 days" in row.text


def test_the_tutor_sees_a_review_queue_link(tutor: TestClient) -> None:
    nav = parse(tutor.get("/review/queue").text).find("nav")
    assert "Review queue" in nav.text


def test_ticked_items_are_accepted_together(
    tutor: TestClient, session: Session, world: World
) -> None:
    first, second = submitted(session, world), submitted(session, world, second=True)
    fields = {
        "evidence": [str(first), str(second)],
        f"version-{first}": "1",
        f"version-{second}": "1",
        "outcome": "accept",
    }
    response = post(tutor, "/review/queue", fields, token_from="/review/queue")  # type: ignore[arg-type]
    assert response.status_code == 303
    assert {state_of(session, first), state_of(session, second)} == {EvidenceState.ACCEPTED}
    assert queue_ids(tutor) == []


def test_referring_ticked_items_needs_feedback_and_keeps_the_ticks(
    tutor: TestClient, session: Session, world: World
) -> None:
    first, second = submitted(session, world), submitted(session, world)
    fields = {"evidence": [str(first)], f"version-{first}": "1", "outcome": "refer"}
    response = post(tutor, "/review/queue", fields, token_from="/review/queue")  # type: ignore[arg-type]
    assert response.status_code == 422
    page = parse(response.text)
    assert "feedback" in alert_text(response.text).lower()
    assert "checked" in page.find("input", id=f"choose-{first}").attrs
    assert "checked" not in page.find("input", id=f"choose-{second}").attrs
    assert state_of(session, first) == EvidenceState.SUBMITTED


def test_ticked_items_are_referred_back_with_one_feedback(
    tutor: TestClient, session: Session, world: World
) -> None:
    first, second = submitted(session, world), submitted(session, world)
    fields = {
        "evidence": [str(first), str(second)],
        f"version-{first}": "1",
        f"version-{second}": "1",
        "outcome": "refer",
        "feedback": "Add dates.",
    }
    assert post(tutor, "/review/queue", fields, token_from="/review/queue").status_code == 303  # type: ignore[arg-type]
    fresh(session)
    feedback = session.exec(select(ReviewDecision.feedback)).all()
    assert feedback == ["Add dates.", "Add dates."]


def test_the_review_page_shows_everything_the_apprentice_sent(
    tutor: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    page = parse(tutor.get(f"/evidence/{item}/review").text)
    assert "I rebuilt the server." in page.find("main").text
    claims = page.find("table", id="claims")
    assert [row.attrs["data-claim"] for row in claims.find("tbody").find_all("tr")] == ["K1", "S1"]
    assert page.find("input", id="claim-K1-confirm").attrs.get("checked") is not None


def decide(client: TestClient, item: int, **fields: str) -> object:
    path = f"/evidence/{item}/review"
    return post(client, path, {"version": "1"} | fields, token_from=path)


def test_referring_without_feedback_is_shown_inline_and_keeps_the_input(
    tutor: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    response = decide(tutor, item, outcome="refer", feedback=" ", **{"claim-S1": "reject"})
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = parse(response.text)  # type: ignore[attr-defined]
    assert "Write feedback" in page.find(id="feedback-error").text
    assert "checked" in page.find("input", id="claim-S1-reject").attrs
    assert state_of(session, item) == EvidenceState.SUBMITTED


def test_referring_with_feedback_shows_it_to_the_apprentice(
    client: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    sign_in(client, world.tutor.email)
    response = decide(client, item, outcome="refer", feedback="Please add the change log.")
    assert response.status_code == 303  # type: ignore[attr-defined]
    client.cookies.clear()
    sign_in(client, world.apprentice.email)
    page = parse(client.get(f"/evidence/{item}").text)
    assert page.find(id="item-state").text == "Referred back"
    assert "Please add the change log." in page.find(id="feedback").text


def test_deciding_an_item_already_decided_answers_409(
    tutor: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    assert decide(tutor, item, outcome="accept").status_code == 303  # type: ignore[attr-defined]
    again = decide(tutor, item, outcome="refer", feedback="More")
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "not waiting for review" in alert_text(again.text)  # type: ignore[attr-defined]


def test_a_stale_version_answers_409_with_a_clear_message(
    tutor: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    response = decide(tutor, item, outcome="accept", version="7")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "changed since you opened it" in alert_text(response.text)  # type: ignore[attr-defined]
    assert state_of(session, item) == EvidenceState.SUBMITTED


def test_htmx_gets_the_decision_section_back_on_a_refusal(
    tutor: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    path = f"/evidence/{item}/review"
    token = parse(tutor.get(path).text).find("input", type="hidden", name="csrf_token")
    response = tutor.post(
        path,
        data={"version": "1", "outcome": "refer", "feedback": ""},
        headers={
            "Origin": ORIGIN,
            "HX-Request": "true",
            "HX-Target": "decision",
            "X-CSRF-Token": token.attrs["value"],
        },
    )
    assert response.status_code == 422
    assert "<html" not in response.text
    assert parse(response.text).find("section").attrs["id"] == "decision"


def test_htmx_gets_a_redirect_to_the_item_after_deciding(
    tutor: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    path = f"/evidence/{item}/review"
    token = parse(tutor.get(path).text).find("input", type="hidden", name="csrf_token")
    response = tutor.post(
        path,
        data={"version": "1", "outcome": "accept"},
        headers={"Origin": ORIGIN, "HX-Request": "true", "X-CSRF-Token": token.attrs["value"]},
    )
    assert response.headers["HX-Redirect"].endswith(f"/evidence/{item}")


def test_iqa_sees_the_providers_queue_read_only(
    client: TestClient, session: Session, world: World
) -> None:
    item = submitted(session, world)
    sign_in(client, world.iqa.email)
    page = parse(client.get("/review/queue").text)
    assert page.find("tr", data_evidence=str(item))
    assert not page.has("input", name="evidence")
    assert "Review queue" in main_text(client.get("/review/queue").text)
