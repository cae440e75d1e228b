"""The sign-off grid: every KSB in words, sign off and revoke in place (htmx) or by 303."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import KsbSignoff
from tests.factories import make_evidence, sign_off
from tests.html_page import parse
from tests.review.conftest import World, fresh, refresh
from tests.web_client import ORIGIN, post, sign_in


def grid_path(world: World) -> str:
    return f"/portfolio/{world.apprenticeship.id}/signoffs"


@pytest.fixture
def tutor(client: TestClient, world: World) -> TestClient:
    sign_in(client, world.tutor.email)
    return client


def evidenced(session: Session, world: World) -> None:
    claims = {"K1": "confirmed", "S1": "rejected"}
    make_evidence(session, apprenticeship=world.apprenticeship, state="accepted", claims=claims)
    make_evidence(
        session, apprenticeship=world.apprenticeship, state="submitted", claims={"K2": "claimed"}
    )
    refresh(session, world)


def signed_codes(session: Session) -> int:
    fresh(session)
    return len(session.exec(select(KsbSignoff)).all())


def htmx_post(client: TestClient, path: str, token_from: str, data: dict[str, str]) -> object:
    """As htmx posts a row's form: its target is the row, named by the KSB's code."""
    token = parse(client.get(token_from).text).find("input", name="csrf_token").attrs["value"]
    code = path.removesuffix("/revoke").rsplit("/", 1)[-1]
    headers = {"Origin": ORIGIN, "HX-Request": "true", "X-CSRF-Token": token}
    headers["HX-Target"] = f"ksb-{code}"
    return client.post(path, data=data, headers=headers)


def test_every_ksb_is_listed_with_its_state_in_words(
    tutor: TestClient, session: Session, world: World
) -> None:
    evidenced(session, world)
    sign_off(session, world.apprenticeship, "B1", world.tutor)
    refresh(session, world)
    page = parse(tutor.get(grid_path(world)).text)
    rows = {row.attrs["data-ksb"]: row for row in page.find_all("tr") if "data-ksb" in row.attrs}
    assert list(rows) == ["K1", "K2", "K3", "S1", "S2", "B1"]
    words = {
        code: row.find("span", class_=f"badge ksb-state ksb-{row.attrs['data-state']}").text
        for code, row in rows.items()
    }
    assert words == {
        "K1": "Evidenced",
        "K2": "Claimed",
        "K3": "Not started",
        "S1": "Not started",
        "S2": "Not started",
        "B1": "Signed off",
    }


def test_the_grid_shows_evidence_counts(tutor: TestClient, session: Session, world: World) -> None:
    evidenced(session, world)
    row = parse(tutor.get(grid_path(world)).text).find("tr", data_ksb="S1")
    counts = {
        td.attrs["data-count"]: td.text for td in row.find_all("td") if "data-count" in td.attrs
    }
    assert counts == {"pending": "0", "confirmed": "0", "rejected": "1"}


def test_signing_off_without_javascript_goes_back_to_the_grid(
    tutor: TestClient, session: Session, world: World
) -> None:
    evidenced(session, world)
    path = f"{grid_path(world)}/K1"
    response = post(tutor, path, {}, token_from=grid_path(world))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(grid_path(world))
    assert signed_codes(session) == 1


def test_signing_off_with_htmx_answers_the_row_alone(
    tutor: TestClient, session: Session, world: World
) -> None:
    evidenced(session, world)
    response = htmx_post(tutor, f"{grid_path(world)}/K1", grid_path(world), {})
    assert response.status_code == 200  # type: ignore[attr-defined]
    row = parse(response.text).find("tr")  # type: ignore[attr-defined]
    assert (row.attrs["id"], row.attrs["data-state"]) == ("ksb-K1", "signed_off")
    assert "<html" not in response.text  # type: ignore[attr-defined]


def test_without_confirmed_evidence_the_row_asks_for_a_reason(
    tutor: TestClient, session: Session, world: World
) -> None:
    response = htmx_post(tutor, f"{grid_path(world)}/K3", grid_path(world), {})
    assert response.status_code == 422  # type: ignore[attr-defined]
    row = parse(response.text).find("tr")  # type: ignore[attr-defined]
    assert "say why" in row.find(role="alert").text
    assert signed_codes(session) == 0


def test_without_javascript_a_refusal_shows_the_grid_with_the_typed_reason(
    tutor: TestClient, session: Session, world: World
) -> None:
    sign_off(session, world.apprenticeship, "K3", world.tutor)
    session.commit()
    response = post(
        tutor, f"{grid_path(world)}/K3", {"override_reason": "Seen"}, token_from=grid_path(world)
    )
    assert response.status_code == 409
    row = parse(response.text).find("tr", data_ksb="K3")
    assert "already signed off" in row.find(role="alert").text


def test_revoking_needs_a_reason_then_updates_the_row(
    tutor: TestClient, session: Session, world: World
) -> None:
    sign_off(session, world.apprenticeship, "K2", world.tutor)
    refresh(session, world)
    path = f"{grid_path(world)}/K2/revoke"
    refused = htmx_post(tutor, path, grid_path(world), {"reason": ""})
    assert refused.status_code == 422  # type: ignore[attr-defined]
    done = htmx_post(tutor, path, grid_path(world), {"reason": "Wrong KSB"})
    assert parse(done.text).find("tr").attrs["data-state"] == "not_started"  # type: ignore[attr-defined]
    assert signed_codes(session) == 0


def test_the_revoke_form_is_folded_until_a_refusal_opens_it(
    tutor: TestClient, session: Session, world: World
) -> None:
    sign_off(session, world.apprenticeship, "K2", world.tutor)
    refresh(session, world)
    row = parse(tutor.get(grid_path(world)).text).find("tr", data_ksb="K2")
    folded = row.find("details", class_="revoke")
    assert "open" not in folded.attrs
    assert folded.find("summary").text == "Revoke K2…"
    assert folded.has("input", name="reason")
    refused = htmx_post(tutor, f"{grid_path(world)}/K2/revoke", grid_path(world), {"reason": ""})
    assert "open" in parse(refused.text).find("details", class_="revoke").attrs  # type: ignore[attr-defined]


def test_iqa_sees_the_grid_without_the_actions(
    client: TestClient, session: Session, world: World
) -> None:
    sign_in(client, world.iqa.email)
    page = parse(client.get(grid_path(world)).text)
    assert page.find("tr", data_ksb="K1")
    assert not page.has("form", class_="signoff-form")


@pytest.mark.parametrize("who", ["apprentice", "employer_user"])
def test_the_grid_is_for_provider_staff(client: TestClient, world: World, who: str) -> None:
    sign_in(client, getattr(world, who).email)
    assert client.get(grid_path(world)).status_code == 403


def test_iqa_may_not_sign_off(client: TestClient, session: Session, world: World) -> None:
    evidenced(session, world)
    sign_in(client, world.iqa.email)
    response = post(client, f"{grid_path(world)}/K1", {}, token_from=grid_path(world))
    assert response.status_code == 403
    assert signed_codes(session) == 0
