"""IQA pages and API on both databases: the provider's decisions, sampling, rates per tutor;
404 for every other role and for another provider's decisions."""

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from app.models import Event, IqaSample, ReviewDecision
from tests.factories import bearer, make_api_token, make_decision, make_evidence
from tests.gateway.world import World, signed_in
from tests.html_page import alert_text, parse
from tests.web_client import post


def decide(session: Session, world: World) -> tuple[ReviewDecision, ReviewDecision]:
    """One decision by A's tutor, one by A's colleague (on A's item), one in tenant B."""
    a, b = world.a, world.b
    mine = make_decision(session, a.evidence, a.tutor, "accepted")
    other_item = make_evidence(session, apprenticeship=a.apprenticeship, state="referred")
    colleague = make_decision(session, other_item, a.colleague, "referred", "More detail please.")
    make_decision(session, b.evidence, b.tutor, "accepted")
    session.commit()
    return mine, colleague


def listed(html: str) -> list[int]:
    table = parse(html).find_all("table", id="decision-list")
    rows = table[0].find_all("tr") if table else []
    return sorted(int(r.attrs["data-decision"]) for r in rows if "data-decision" in r.attrs)


def test_iqa_sees_every_decision_of_their_provider(
    client: TestClient, session: Session, world: World
) -> None:
    mine, colleague = decide(session, world)
    signed_in(client, world.a.iqa)
    response = client.get("/iqa/decisions")
    assert response.status_code == 200
    assert listed(response.text) == sorted([mine.id, colleague.id])


def test_iqa_filters_by_tutor(client: TestClient, session: Session, world: World) -> None:
    _, colleague = decide(session, world)
    signed_in(client, world.a.iqa)
    response = client.get(f"/iqa/decisions?tutor={world.a.colleague.id}")
    assert listed(response.text) == [colleague.id]


@pytest.mark.parametrize("role", ["tutor", "admin", "employer", "apprentice"])
@pytest.mark.parametrize("path", ["/iqa/decisions", "/iqa/sampling"])
def test_other_roles_get_404(client: TestClient, world: World, role: str, path: str) -> None:
    signed_in(client, world.a.by_role(role))
    assert client.get(path).status_code == 404


def test_another_providers_iqa_gets_404_on_a_decision(
    client: TestClient, session: Session, world: World
) -> None:
    mine, _ = decide(session, world)
    signed_in(client, world.b.iqa)
    assert client.get(f"/iqa/decisions/{mine.id}").status_code == 404
    response = post(
        client,
        f"/iqa/decisions/{mine.id}/sample",
        {"verdict": "agree"},
        token_from="/iqa/decisions",
    )
    assert response.status_code == 404


def sample(client: TestClient, decision_id: int | None, data: dict[str, str]) -> Response:
    url = f"/iqa/decisions/{decision_id}"
    return post(client, url + "/sample", data, token_from=url)


def test_agreeing_records_the_sample_and_an_event(
    client: TestClient, session: Session, world: World
) -> None:
    mine, _ = decide(session, world)
    signed_in(client, world.a.iqa)
    assert sample(client, mine.id, {"verdict": "agree"}).status_code == 303
    stored = session.exec(select(IqaSample)).one()
    assert (stored.decision_id, stored.verdict, stored.sampled_by_id) == (
        mine.id,
        "agree",
        world.a.iqa.id,
    )
    [event] = session.exec(select(Event).where(col(Event.action) == "iqa.sampled")).all()
    assert (event.target_id, event.apprenticeship_id, event.provider_id) == (
        mine.id,
        world.a.apprenticeship.id,
        world.a.provider.id,
    )


def test_disagreeing_needs_a_comment_and_keeps_the_choice(
    client: TestClient, session: Session, world: World
) -> None:
    mine, _ = decide(session, world)
    signed_in(client, world.a.iqa)
    response = sample(client, mine.id, {"verdict": "disagree", "comment": "  "})
    assert response.status_code == 422
    assert "Say why you disagree" in alert_text(response.text)
    radio = parse(response.text).find("input", value="disagree")
    assert "checked" in radio.attrs
    assert session.exec(select(IqaSample)).all() == []


def test_disagreeing_with_a_comment_is_shown(
    client: TestClient, session: Session, world: World
) -> None:
    mine, _ = decide(session, world)
    signed_in(client, world.a.iqa)
    sample(client, mine.id, {"verdict": "disagree", "comment": "K1 is not shown."})
    shown = parse(client.get(f"/iqa/decisions/{mine.id}").text).find("p", id="sample")
    assert shown.attrs["data-verdict"] == "disagree"
    assert "K1 is not shown." in shown.text


def test_a_second_sample_is_409(client: TestClient, session: Session, world: World) -> None:
    mine, _ = decide(session, world)
    signed_in(client, world.a.iqa)
    sample(client, mine.id, {"verdict": "agree"})
    response = sample(client, mine.id, {"verdict": "disagree", "comment": "Changed my mind"})
    assert response.status_code == 409
    assert len(session.exec(select(IqaSample)).all()) == 1


def test_sampling_page_counts_per_tutor(client: TestClient, session: Session, world: World) -> None:
    mine, _ = decide(session, world)
    make_decision(session, world.a.evidence, world.a.tutor, "accepted")
    session.commit()
    signed_in(client, world.a.iqa)
    sample(client, mine.id, {"verdict": "disagree", "comment": "Not enough."})
    page = parse(client.get("/iqa/sampling").text)
    row = page.find("tr", data_tutor=str(world.a.tutor.id))
    cells = {td.attrs["data-col"]: td.text for td in row.find_all("td")}
    assert cells == {
        "decisions": "2",
        "sampled": "1",
        "sample_rate": "50%",
        "disagreed": "1",
        "disagreement_rate": "100%",
    }
    other = page.find("tr", data_tutor=str(world.a.colleague.id))
    assert other.find("td", data_col="disagreement_rate").text == "no data"


def test_sampling_chart_has_a_title_and_bars_per_tutor(
    client: TestClient, session: Session, world: World
) -> None:
    decide(session, world)
    signed_in(client, world.a.iqa)
    svg = parse(client.get("/iqa/sampling").text).find("svg", id="sampling-chart")
    assert svg.find("title").text == "Sample rate and disagreement rate per tutor"
    assert len(svg.find_all("g", class_="bar")) == 2  # A's two tutors; B's never


# --- The API ---
def headers(session: Session, world: World, role: str, tenant: str = "a") -> dict[str, str]:
    raw = make_api_token(session, getattr(world, tenant).by_role(role))
    session.commit()
    return bearer(raw)


def test_api_lists_and_samples(client: TestClient, session: Session, world: World) -> None:
    mine, colleague = decide(session, world)
    auth = headers(session, world, "iqa")
    listed_ids = sorted(d["id"] for d in client.get("/api/v1/iqa/decisions", headers=auth).json())
    assert listed_ids == sorted([mine.id, colleague.id])
    url = f"/api/v1/iqa/decisions/{mine.id}/sample"
    first = client.post(url, json={"verdict": "agree"}, headers=auth)
    assert (first.status_code, first.json()["verdict"]) == (201, "agree")
    assert client.post(url, json={"verdict": "agree"}, headers=auth).status_code == 409


def test_api_disagree_without_comment_is_422(
    client: TestClient, session: Session, world: World
) -> None:
    mine, _ = decide(session, world)
    url = f"/api/v1/iqa/decisions/{mine.id}/sample"
    response = client.post(
        url, json={"verdict": "disagree"}, headers=headers(session, world, "iqa")
    )
    assert response.status_code == 422


def test_api_sampling_rates(client: TestClient, session: Session, world: World) -> None:
    decide(session, world)
    body = client.get("/api/v1/iqa/sampling", headers=headers(session, world, "iqa")).json()
    assert sorted(r["tutor_id"] for r in body) == sorted([world.a.tutor.id, world.a.colleague.id])


@pytest.mark.parametrize("role", ["tutor", "employer", "apprentice", "admin"])
def test_api_other_roles_404(client: TestClient, session: Session, world: World, role: str) -> None:
    assert (
        client.get("/api/v1/iqa/decisions", headers=headers(session, world, role)).status_code
        == 404
    )


def test_api_other_providers_iqa_404(client: TestClient, session: Session, world: World) -> None:
    mine, _ = decide(session, world)
    auth = headers(session, world, "iqa", tenant="b")
    assert client.get(f"/api/v1/iqa/decisions/{mine.id}", headers=auth).status_code == 404
