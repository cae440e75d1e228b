"""Who may see and change which evidence: 404 outside the viewer's scope, 403 for staff edits."""

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.evidence.storage import LocalStorage
from app.models import EvidenceFile, EvidenceItem
from tests.evidence import samples
from tests.evidence.conftest import World, add_file
from tests.evidence.forms import evidence_fields, new_path, post_form
from tests.factories import bearer, make_api_token, make_evidence
from tests.html_page import parse
from tests.web_client import post, sign_in


@dataclass(frozen=True)
class Items:
    draft: EvidenceItem
    draft_file: EvidenceFile
    submitted: EvidenceItem
    submitted_file: EvidenceFile


@pytest.fixture
def items(session: Session, world: World, storage: LocalStorage) -> Items:
    draft = make_evidence(
        session, apprenticeship=world.apprenticeship, state="draft", claims={"K1": "claimed"}
    )
    submitted = make_evidence(
        session, apprenticeship=world.apprenticeship, state="submitted", claims={"S1": "claimed"}
    )
    built = Items(
        draft=draft,
        draft_file=add_file(session, storage, draft.id, samples.PNG, "draft.png", "image/png"),
        submitted=submitted,
        submitted_file=add_file(
            session, storage, submitted.id, samples.PNG, "done.png", "image/png"
        ),
    )
    session.commit()
    return built


def pages_of(world: World, items: Items) -> list[str]:
    """Every page and download about the apprentice's submitted evidence."""
    aid, item, file = world.apprenticeship.id, items.submitted.id, items.submitted_file.id
    return [
        f"/portfolio/{aid}",
        f"/portfolio/{aid}/evidence",
        f"/portfolio/{aid}/ksbs/K1",
        f"/evidence/{item}",
        f"/files/{file}",
        f"/files/{file}/preview",
    ]


@pytest.mark.parametrize("who", ["other_apprentice", "outsider_tutor"])
def test_people_outside_the_scope_get_404_everywhere(
    client: TestClient, world: World, items: Items, who: str
) -> None:
    sign_in(client, getattr(world, who).email)
    for path in pages_of(world, items):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("who", ["other_apprentice", "outsider_tutor"])
def test_the_api_answers_404_outside_the_scope(
    client: TestClient, session: Session, world: World, items: Items, who: str
) -> None:
    token = bearer(make_api_token(session, getattr(world, who)))
    session.commit()
    aid = world.apprenticeship.id
    for path in (
        f"/api/v1/evidence/{items.submitted.id}",
        f"/api/v1/files/{items.submitted_file.id}",
        f"/api/v1/apprenticeships/{aid}/evidence",
        f"/api/v1/apprenticeships/{aid}/coverage",
    ):
        assert client.get(path, headers=token).status_code == 404, path


def test_another_apprentice_cannot_change_the_evidence(
    client: TestClient, world: World, items: Items
) -> None:
    sign_in(client, world.other_apprentice.email)
    own = new_path(world.other_apprenticeship.id)  # a page that gives the other apprentice a token
    draft = items.draft.id
    assert client.get(f"/evidence/{draft}/edit").status_code == 404
    assert (
        post(client, f"/evidence/{draft}/submit", {"version": "1"}, token_from=own).status_code
        == 404
    )
    assert (
        post(client, f"/evidence/{draft}/delete", {"version": "1"}, token_from=own).status_code
        == 404
    )
    path = new_path(world.apprenticeship.id)
    assert post_form(client, path, evidence_fields(), token_from=own).status_code == 404


@pytest.mark.parametrize("who", ["tutor", "employer_user", "iqa"])
def test_staff_see_submitted_evidence_and_its_files(
    client: TestClient, world: World, items: Items, who: str
) -> None:
    sign_in(client, getattr(world, who).email)
    for path in pages_of(world, items):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("who", ["tutor", "employer_user", "iqa"])
def test_drafts_are_invisible_to_staff(
    client: TestClient, world: World, items: Items, who: str
) -> None:
    sign_in(client, getattr(world, who).email)
    for path in (
        f"/evidence/{items.draft.id}",
        f"/files/{items.draft_file.id}",
        f"/evidence/{items.draft.id}/edit",
    ):
        assert client.get(path).status_code == 404, path
    listed = parse(client.get(f"/portfolio/{world.apprenticeship.id}/evidence").text)
    ids = {row.attrs.get("data-evidence") for row in listed.find_all("tr")}
    assert str(items.submitted.id) in ids and str(items.draft.id) not in ids


@pytest.mark.parametrize("who", ["tutor", "employer_user"])
def test_staff_cannot_edit_submit_or_add_evidence(
    client: TestClient, world: World, items: Items, who: str
) -> None:
    sign_in(client, getattr(world, who).email)
    page = f"/evidence/{items.submitted.id}"
    assert client.get(f"{page}/edit").status_code == 403
    assert post(client, f"{page}/submit", {"version": "1"}, token_from=page).status_code == 403
    assert client.get(new_path(world.apprenticeship.id)).status_code == 403
    path = new_path(world.apprenticeship.id)
    files = [("a.txt", samples.TEXT, "text/plain")]
    assert post_form(client, path, evidence_fields(), files, token_from=page).status_code == 403


def test_staff_see_no_edit_buttons(client: TestClient, world: World, items: Items) -> None:
    sign_in(client, world.tutor.email)
    page = parse(client.get(f"/evidence/{items.submitted.id}").text)
    assert not page.find_all("a", href=f"/evidence/{items.submitted.id}/edit")
    assert not page.find_all("form")[1:]  # only the sign-out form


def test_staff_api_changes_are_forbidden(
    client: TestClient, session: Session, world: World, items: Items
) -> None:
    token = bearer(make_api_token(session, world.tutor))
    session.commit()
    item = f"/api/v1/evidence/{items.submitted.id}"
    assert client.get(item, headers=token).status_code == 200
    assert client.patch(item, json={"version": 1, "title": "x"}, headers=token).status_code == 403
    assert client.post(f"{item}/submit", json={"version": 1}, headers=token).status_code == 403
    assert client.get(f"/api/v1/evidence/{items.draft.id}", headers=token).status_code == 404


def test_the_portfolio_home_is_for_apprentices(client: TestClient, world: World) -> None:
    sign_in(client, world.tutor.email)
    assert client.get("/portfolio").status_code == 403
