"""The evidence pages as an apprentice uses them: the form, the list, an item, a KSB."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Event, EvidenceFile, EvidenceItem, EvidenceState, KsbClaim, ReviewDecision
from app.models.base import id_of
from tests.evidence import samples
from tests.evidence.conftest import World
from tests.evidence.forms import evidence_fields, new_path, post_form
from tests.factories import make_evidence
from tests.html_page import alert_text, links_to, main_text, parse, path_of
from tests.web_client import ORIGIN, csrf_token, post, sign_in


@pytest.fixture
def signed_in(client: TestClient, world: World) -> TestClient:
    sign_in(client, world.apprentice.email)
    return client


def create(client: TestClient, world: World, **changes: object) -> str:
    """Add evidence through the form; returns the new item's page."""
    path = new_path(world.apprenticeship.id)
    response = post_form(client, path, evidence_fields(**changes), token_from=path)
    assert response.status_code == 303, response.text
    return path_of(response.headers["Location"])


def only_item(session: Session) -> EvidenceItem:
    session.rollback()  # a fresh snapshot of what the app committed
    session.expire_all()  # rollback expires nothing when no transaction had begun
    return session.exec(select(EvidenceItem)).one()


def test_the_form_works_without_javascript(signed_in: TestClient, world: World) -> None:
    form = parse(signed_in.get(new_path(world.apprenticeship.id)).text).find(
        "form", id="evidence-form"
    )
    assert form.attrs["method"] == "post" and form.attrs["enctype"] == "multipart/form-data"
    assert "csrf_token=" in form.attrs["action"]
    assert {b.attrs["value"] for b in form.find_all("button")} == {"draft", "submit"}


def test_every_input_of_the_form_has_a_label(signed_in: TestClient, world: World) -> None:
    page = parse(signed_in.get(new_path(world.apprenticeship.id)).text)
    form = page.find("form", id="evidence-form")
    labelled = {label.attrs.get("for") for label in form.find_all("label")}
    fields = form.find_all("input") + form.find_all("textarea") + form.find_all("select")
    visible = [f for f in fields if f.attrs.get("type") != "hidden"]
    assert visible and all(field.attrs.get("id") in labelled for field in visible)


def test_the_checklist_shows_every_ksb_in_full_grouped_by_kind(
    signed_in: TestClient, world: World
) -> None:
    checklist = parse(signed_in.get(new_path(world.apprenticeship.id)).text).find(
        id="ksb-checklist"
    )
    groups = [group.find("legend").text for group in checklist.find_all("fieldset")]
    assert groups == ["Knowledge", "Skills", "Behaviours"]
    assert "The text of S2" in checklist.find("label", for_="claim-S2").text


def test_saving_a_draft_shows_the_item(
    signed_in: TestClient, world: World, session: Session
) -> None:
    page = create(signed_in, world)
    assert only_item(session).state == EvidenceState.DRAFT
    assert parse(signed_in.get(page).text).find("h1").text == "Fixed the payroll login fault"


def test_submitting_from_the_form_sends_it_for_review(
    signed_in: TestClient, world: World, session: Session
) -> None:
    create(signed_in, world, action="submit")
    assert only_item(session).state == EvidenceState.SUBMITTED


def test_htmx_gets_a_redirect_header_instead_of_a_303(signed_in: TestClient, world: World) -> None:
    path = new_path(world.apprenticeship.id)
    response = post_form(
        signed_in, path, evidence_fields(), token_from=path, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204 and "/evidence/" in response.headers["HX-Redirect"]


def test_a_refused_form_keeps_everything_typed(signed_in: TestClient, world: World) -> None:
    path = new_path(world.apprenticeship.id)
    fields = evidence_fields(title="", reflection="My long account", claim=["K1", "B1"])
    response = post_form(signed_in, path, fields | {"justification-B1": "calm"}, token_from=path)
    assert response.status_code == 422
    page = parse(response.text)
    assert page.find("textarea", name="reflection").text == "My long account"
    assert page.find("textarea", name="justification-B1").text == "calm"
    assert page.find("input", name="title").attrs["aria-invalid"] == "true"
    assert "Give your evidence a title" in alert_text(response.text)


def test_a_refused_htmx_form_comes_back_as_the_form_alone(
    signed_in: TestClient, world: World
) -> None:
    path = new_path(world.apprenticeship.id)
    response = post_form(
        signed_in,
        path,
        evidence_fields(kind=""),
        token_from=path,
        headers={"HX-Request": "true", "HX-Target": "evidence-form"},
    )
    assert response.status_code == 422
    assert "<html" not in response.text and parse(response.text).has("form", id="evidence-form")


def test_claiming_more_than_six_ksbs_warns_but_saves(
    signed_in: TestClient, world: World, session: Session
) -> None:
    codes = ["K1", "K2", "K3", "K4", "S1", "S2", "S3"]
    page = create(signed_in, world, claim=codes)
    assert len(session.exec(select(KsbClaim)).all()) == 7
    warning = parse(signed_in.get(page).text).find(class_="warning")
    assert "Over-claiming weakens a portfolio" in warning.text


def test_the_form_warns_when_it_comes_back_with_more_than_six_claims(
    signed_in: TestClient, world: World
) -> None:
    path = new_path(world.apprenticeship.id)
    fields = evidence_fields(title="", claim=["K1", "K2", "K3", "K4", "S1", "S2", "S3"])
    page = parse(post_form(signed_in, path, fields, token_from=path).text)
    assert "hidden" not in page.find(attrs_overclaim := "p", class_="warning").attrs, (
        attrs_overclaim
    )


def edit_path(item: EvidenceItem) -> str:
    return f"/evidence/{item.id}/edit"


def test_editing_a_draft_changes_it(signed_in: TestClient, world: World, session: Session) -> None:
    create(signed_in, world)
    item = only_item(session)
    fields = evidence_fields(title="A clearer title", version=str(item.version))
    response = post_form(signed_in, edit_path(item), fields, token_from=edit_path(item))
    assert response.status_code == 303
    assert only_item(session).title == "A clearer title"


def test_a_stale_edit_answers_409_and_keeps_the_text(
    signed_in: TestClient, world: World, session: Session
) -> None:
    create(signed_in, world)
    item = only_item(session)
    stale = evidence_fields(title="Mine", reflection="My careful words", version="1")
    post_form(signed_in, edit_path(item), evidence_fields(version="1"), token_from=edit_path(item))
    response = post_form(signed_in, edit_path(item), stale, token_from=edit_path(item))
    assert response.status_code == 409
    assert "changed this evidence" in alert_text(response.text)
    assert parse(response.text).find("textarea", name="reflection").text == "My careful words"


def test_a_submitted_item_cannot_be_edited(
    signed_in: TestClient, world: World, session: Session
) -> None:
    create(signed_in, world, action="submit")
    response = signed_in.get(edit_path(only_item(session)))
    assert response.status_code == 409 and "waiting for review" in response.text


def test_files_can_be_removed_while_editing(
    signed_in: TestClient, world: World, session: Session
) -> None:
    path = new_path(world.apprenticeship.id)
    post_form(
        signed_in, path, evidence_fields(), [("a.txt", samples.TEXT, "text/plain")], token_from=path
    )
    item = only_item(session)
    file_id = session.exec(select(EvidenceFile.id)).one()
    fields = evidence_fields(version="1", remove_file=str(file_id))
    post_form(signed_in, edit_path(item), fields, token_from=edit_path(item))
    session.rollback()
    assert session.exec(select(EvidenceFile)).all() == []


def test_submitting_from_the_item_page(
    signed_in: TestClient, world: World, session: Session
) -> None:
    page = create(signed_in, world)
    item = only_item(session)
    response = post(signed_in, f"/evidence/{item.id}/submit", {"version": "1"}, token_from=page)
    assert response.status_code == 303 and only_item(session).state == EvidenceState.SUBMITTED


def test_submitting_without_justifications_shows_what_is_missing(
    signed_in: TestClient, world: World, session: Session
) -> None:
    page = create(signed_in, world, **{"justification-S1": ""})
    item = only_item(session)
    response = post(signed_in, f"/evidence/{item.id}/submit", {"version": "1"}, token_from=page)
    assert response.status_code == 422 and "how this evidence shows S1" in alert_text(response.text)


def test_deleting_a_draft_asks_first_then_removes_it(
    signed_in: TestClient, world: World, session: Session
) -> None:
    create(signed_in, world)
    item = only_item(session)
    confirm = f"/evidence/{item.id}/delete"
    assert "cannot be undone" in main_text(signed_in.get(confirm).text)
    response = post(signed_in, confirm, {"version": "1"}, token_from=confirm)
    assert response.status_code == 303
    session.rollback()
    assert session.exec(select(EvidenceItem)).all() == []
    assert "evidence.deleted" in session.exec(select(Event.action)).all()


def test_a_submitted_item_cannot_be_deleted(
    signed_in: TestClient, world: World, session: Session
) -> None:
    create(signed_in, world, action="submit")
    assert signed_in.get(f"/evidence/{only_item(session).id}/delete").status_code == 409


def list_path(world: World, query: str = "") -> str:
    return f"/portfolio/{world.apprenticeship.id}/evidence{query}"


def listed(client: TestClient, path: str, **headers: str) -> list[str]:
    page = parse(client.get(path, headers=headers).text)
    return [row.find("a").text for row in page.find_all("tr") if row.attrs.get("data-evidence")]


@pytest.fixture
def three_items(signed_in: TestClient, world: World) -> TestClient:
    create(signed_in, world, title="Old draft", occurred_on="2025-10-01", claim=["K1"])
    create(
        signed_in,
        world,
        title="Middle photo",
        occurred_on="2025-12-01",
        kind="photo",
        claim=["S2"],
        action="submit",
        **{"justification-S2": "x"},
    )
    create(
        signed_in,
        world,
        title="New draft",
        occurred_on="2026-02-01",
        claim=["K1", "B1"],
        **{"justification-B1": "y"},
    )
    return signed_in


def test_the_list_is_newest_first_by_default(three_items: TestClient, world: World) -> None:
    assert listed(three_items, list_path(world)) == ["New draft", "Middle photo", "Old draft"]


def test_the_list_can_be_oldest_first(three_items: TestClient, world: World) -> None:
    assert listed(three_items, list_path(world, "?sort=oldest"))[0] == "Old draft"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?state=submitted", ["Middle photo"]),
        ("?kind=photo", ["Middle photo"]),
        ("?kind=reflective_account", []),
        ("?ksb=K1", ["New draft", "Old draft"]),
        ("?ksb=b1&state=draft", ["New draft"]),
        ("?state=nonsense", ["New draft", "Middle photo", "Old draft"]),
    ],
)
def test_the_list_filters_by_state_kind_and_ksb(
    three_items: TestClient, world: World, query: str, expected: list[str]
) -> None:
    assert listed(three_items, list_path(world, query)) == expected


def test_htmx_filtering_swaps_only_the_results(three_items: TestClient, world: World) -> None:
    headers = {"HX-Request": "true", "HX-Target": "evidence-results"}
    response = three_items.get(list_path(world, "?state=draft"), headers=headers)
    assert "<html" not in response.text and response.headers["Vary"] == "HX-Request, HX-Target"
    assert listed(three_items, list_path(world, "?state=draft"), **headers) == [
        "New draft",
        "Old draft",
    ]


def test_the_filter_form_keeps_the_url(three_items: TestClient, world: World) -> None:
    form = parse(three_items.get(list_path(world, "?kind=photo")).text).find("form", role="search")
    assert form.attrs["method"] == "get" and form.attrs["hx-push-url"] == "true"
    assert "selected" in form.find("option", value="photo").attrs


def test_the_item_page_shows_files_claims_feedback_and_history(
    signed_in: TestClient, world: World, session: Session
) -> None:
    path = new_path(world.apprenticeship.id)
    files = [("site.png", samples.PNG, "image/png"), ("plan.pdf", samples.PDF, "application/pdf")]
    post_form(signed_in, path, evidence_fields(action="submit"), files, token_from=path)
    item = only_item(session)
    item.state = EvidenceState.REFERRED
    session.add(item)
    session.add(
        ReviewDecision(
            evidence_id=id_of(item),
            reviewer_id=id_of(world.tutor),
            outcome="referred",
            feedback="Say what you did yourself.",
        )
    )
    session.commit()
    page = parse(signed_in.get(f"/evidence/{item.id}").text)
    file_ids = dict(session.exec(select(EvidenceFile.original_name, EvidenceFile.id)).all())
    assert page.find("img").attrs["src"].endswith(f"/files/{file_ids['site.png']}/preview")
    assert links_to(page, f"/files/{file_ids['plan.pdf']}")
    assert not page.find_all("img", src=f"/files/{file_ids['plan.pdf']}/preview")
    assert [
        row.attrs["data-claim"]
        for row in page.find(id="claims").find_all("tr")
        if "data-claim" in row.attrs
    ] == ["K1", "S1"]
    assert "Say what you did yourself." in page.find(id="feedback").text
    assert "Submitted for review" in page.find(id="history").text


def test_the_ksb_page_shows_its_text_duties_and_evidence(
    signed_in: TestClient, world: World
) -> None:
    create(signed_in, world, title="Claims K1")
    page = parse(signed_in.get(f"/portfolio/{world.apprenticeship.id}/ksbs/K1").text)
    assert "The text of K1" in page.find("main").text
    assert [li.attrs["data-duty"] for li in page.find(id="ksb-duties").find_all("li")] == ["D1"]
    rows = [row for row in page.find(id="ksb-items").find_all("tr") if "data-evidence" in row.attrs]
    assert len(rows) == 1 and "Claims K1" in rows[0].text and "Draft" in rows[0].text


def test_an_unknown_ksb_is_404(signed_in: TestClient, world: World) -> None:
    assert signed_in.get(f"/portfolio/{world.apprenticeship.id}/ksbs/K99").status_code == 404


def test_submitting_a_referred_item_again(
    signed_in: TestClient, world: World, session: Session
) -> None:
    item = make_evidence(
        session, apprenticeship=world.apprenticeship, state="referred", claims={"K1": "rejected"}
    )
    session.commit()
    fields = evidence_fields(version=str(item.version), action="submit")
    response = post_form(signed_in, edit_path(item), fields, token_from=edit_path(item))
    assert response.status_code == 303
    assert only_item(session).state == EvidenceState.SUBMITTED


def test_csrf_token_is_required_for_the_upload(signed_in: TestClient, world: World) -> None:
    response = signed_in.post(
        new_path(world.apprenticeship.id),
        data=evidence_fields(),  # type: ignore[arg-type]
        files=[("files", ("a.txt", samples.TEXT, "text/plain"))],
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 403


def test_csrf_token_in_the_header_works_for_htmx(signed_in: TestClient, world: World) -> None:
    path = new_path(world.apprenticeship.id)
    response = signed_in.post(
        path,
        data=evidence_fields(),  # type: ignore[arg-type]
        files=[("files", ("", b"", "application/octet-stream"))],
        headers={
            "Origin": ORIGIN,
            "X-CSRF-Token": csrf_token(signed_in, path),
            "HX-Request": "true",
        },
    )
    assert response.status_code == 204
