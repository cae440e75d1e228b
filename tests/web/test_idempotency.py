"""Writes that happen once: an Idempotency-Key on the API, a one-time token on page forms."""

import threading
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.models import EvidenceFile, EvidenceItem, KsbSignoff
from tests.evidence import samples
from tests.evidence.conftest import World
from tests.evidence.conftest import world as world  # the fixture
from tests.factories import bearer, make_api_token
from tests.html_page import parse
from tests.web_client import ORIGIN, sign_in

NEW = {"title": "Wrote the outage runbook", "occurred_on": "2026-02-10", "kind": "project_work"}


@pytest.fixture
def apprentice_token(session: Session, world: World) -> dict[str, str]:
    raw = make_api_token(session, world.apprentice)
    session.commit()
    return bearer(raw)


def _items(session: Session) -> int:
    session.rollback()  # a fresh snapshot on PostgreSQL too
    return int(session.exec(select(func.count()).select_from(EvidenceItem)).one())


def _create(client: TestClient, world: World, headers: dict[str, str], body: dict[str, Any]) -> Any:
    path = f"/api/v1/apprenticeships/{world.apprenticeship.id}/evidence"
    return client.post(path, json=body, headers=headers)


def test_a_retry_with_the_same_key_gets_the_first_answer_and_writes_nothing(
    client: TestClient, session: Session, world: World, apprentice_token: dict[str, str]
) -> None:
    headers = apprentice_token | {"Idempotency-Key": "create-runbook-1"}
    first = _create(client, world, headers, NEW)
    again = _create(client, world, headers, NEW)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert _items(session) == 1


def test_the_same_key_with_another_body_is_refused(
    client: TestClient, session: Session, world: World, apprentice_token: dict[str, str]
) -> None:
    headers = apprentice_token | {"Idempotency-Key": "create-runbook-2"}
    assert _create(client, world, headers, NEW).status_code == 201
    other = _create(client, world, headers, NEW | {"title": "Something else"})
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["body", "Idempotency-Key"]
    assert _items(session) == 1


def test_without_a_key_each_request_writes(
    client: TestClient, session: Session, world: World, apprentice_token: dict[str, str]
) -> None:
    _create(client, world, apprentice_token, NEW)
    _create(client, world, apprentice_token, NEW)
    assert _items(session) == 2


def test_a_refused_write_keeps_nothing_and_can_be_retried(
    client: TestClient, session: Session, world: World, apprentice_token: dict[str, str]
) -> None:
    headers = apprentice_token | {"Idempotency-Key": "fix-and-retry"}
    bad = NEW | {"title": ""}
    assert _create(client, world, headers, bad).status_code == 422
    assert _create(client, world, headers, bad).status_code == 422  # refused again, not replayed
    assert _items(session) == 0


def test_a_key_that_is_not_printable_text_is_refused(
    client: TestClient, world: World, apprentice_token: dict[str, str]
) -> None:
    for key in ("x" * 256, "tab\there"):
        response = _create(client, world, apprentice_token | {"Idempotency-Key": key}, NEW)
        assert response.status_code == 422


def test_concurrent_repeats_write_once(
    app: FastAPI, session: Session, world: World, apprentice_token: dict[str, str]
) -> None:
    headers = apprentice_token | {"Idempotency-Key": "sent-eight-times-at-once"}
    answers: list[Any] = []
    start = threading.Barrier(8)

    def send() -> None:
        with TestClient(app, base_url="http://127.0.0.1:8000") as client:
            start.wait()
            answers.append(_create(client, world, headers, NEW))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert _items(session) == 1


def test_a_retried_upload_adds_its_files_once(
    client: TestClient, session: Session, world: World, apprentice_token: dict[str, str]
) -> None:
    item = _create(client, world, apprentice_token, NEW).json()
    headers = apprentice_token | {"Idempotency-Key": "upload-plan"}
    files = [("files", ("plan.pdf", samples.PDF, "application/pdf"))]
    path = f"/api/v1/evidence/{item['id']}/files"
    first = client.post(path, files=files, headers=headers)
    again = client.post(path, files=files, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    session.rollback()
    assert len(session.exec(select(EvidenceFile)).all()) == 1
    other = client.post(
        path, files=[("files", ("b.png", samples.PNG, "image/png"))], headers=headers
    )
    assert other.status_code == 422


def _form_fields(page_html: str, action: str) -> dict[str, str]:
    form = next(f for f in parse(page_html).find_all("form") if f.attrs.get("action") == action)
    return {
        i.attrs["name"]: i.attrs.get("value", "")
        for i in form.find_all("input")
        if i.attrs.get("type") == "hidden"
    }


def test_a_page_form_sent_twice_writes_once_and_answers_alike(
    app: FastAPI, session: Session, world: World
) -> None:
    with TestClient(app, base_url=ORIGIN) as tutor:
        sign_in(tutor, world.tutor.email)
        grid = f"/portfolio/{world.apprenticeship.id}/signoffs"
        action = f"{grid}/K1"
        fields = _form_fields(tutor.get(grid).text, action)
        assert fields["form_token"]
        form = fields | {"override_reason": "Seen doing it at work"}
        post = {"headers": {"Origin": ORIGIN}, "follow_redirects": False}
        first = tutor.post(action, data=form, **post)  # type: ignore[arg-type]
        again = tutor.post(action, data=form, **post)  # type: ignore[arg-type]
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    session.rollback()
    assert len(session.exec(select(KsbSignoff)).all()) == 1


def test_each_render_of_a_form_has_a_new_token(app: FastAPI, world: World) -> None:
    with TestClient(app, base_url=ORIGIN) as tutor:
        sign_in(tutor, world.tutor.email)
        grid = f"/portfolio/{world.apprenticeship.id}/signoffs"
        tokens = {_form_fields(tutor.get(grid).text, f"{grid}/K1")["form_token"] for _ in range(3)}
    assert len(tokens) == 3


def test_the_evidence_form_sent_twice_makes_one_item(
    app: FastAPI, session: Session, world: World
) -> None:
    with TestClient(app, base_url=ORIGIN) as apprentice:
        sign_in(apprentice, world.apprentice.email)
        new = f"/portfolio/{world.apprenticeship.id}/evidence/new"
        action = parse(apprentice.get(new).text).find("form", id="evidence-form").attrs["action"]
        assert "form_token=" in action
        body = {"title": "Runbook", "occurred_on": "2026-02-10", "kind": "document"}
        files = [("files", ("plan.pdf", samples.PDF, "application/pdf"))]
        post = {"headers": {"Origin": ORIGIN}, "follow_redirects": False}
        first = apprentice.post(action, data=body, files=files, **post)  # type: ignore[arg-type]
        again = apprentice.post(action, data=body, files=files, **post)  # type: ignore[arg-type]
    assert first.status_code == again.status_code == 303, first.text
    assert again.headers["Location"] == first.headers["Location"]
    session.rollback()
    assert (
        len(session.exec(select(EvidenceItem).where(col(EvidenceItem.title) == "Runbook")).all())
        == 1
    )
    assert len(session.exec(select(EvidenceFile)).all()) == 1
