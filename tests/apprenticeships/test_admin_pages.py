"""Admin pages for apprenticeships: start and change them, every id checked against scope."""

from datetime import date

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, col, select

from app.models import Apprenticeship, ApprenticeshipStatus, ApprenticeshipSummary
from tests.admin_world import World, events, fresh, make_world, signed_in
from tests.factories import make_evidence, make_standard, make_user
from tests.html_page import alert_text, parse, selected
from tests.web_client import form_values, post

NEW = "/admin/apprenticeships/new"


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def admin(client: TestClient, world: World) -> TestClient:
    return signed_in(client, world.admin)


def valid(world: World, **changes: str) -> dict[str, str]:
    """A second apprenticeship for the home apprentice, with the home tutor."""
    return {
        "apprentice_id": str(world.apprentice.id),
        "employer_id": str(world.employer.id),
        "standard_id": str(world.standard.id),
        "tutor_id": str(world.tutor.id),
        "start_date": "2026-09-01",
        "planned_end_date": "2028-03-31",
        "status": "active",
    } | changes


def create(client: TestClient, data: dict[str, str]) -> Response:
    return post(client, NEW, data, token_from=NEW)


def edit(client: TestClient, apprenticeship: Apprenticeship, data: dict[str, str]) -> Response:
    path = f"/admin/apprenticeships/{apprenticeship.id}"
    return post(client, path, data, token_from="/admin/apprenticeships")


def count(session: Session) -> int:
    session.expire_all()
    return len(session.exec(select(Apprenticeship.id)).all())


def field_error(response: Response, field: str) -> str:
    return parse(response.text).find(id=f"{field}-error").text


# Who may


@pytest.mark.parametrize("role", ["tutor", "apprentice", "manager"])
def test_other_roles_may_not_administer_apprenticeships(
    client: TestClient, world: World, role: str
) -> None:
    signed_in(client, getattr(world, role))
    assert client.get("/admin/apprenticeships").status_code == 403
    assert client.get(f"/admin/apprenticeships/{world.apprenticeship.id}").status_code == 403


def test_a_tutor_cannot_create_one(client: TestClient, world: World, session: Session) -> None:
    signed_in(client, world.tutor)
    assert post(client, NEW, valid(world), token_from="/caseload").status_code == 403
    assert count(session) == 2


# Listing


def test_list_shows_the_providers_apprenticeships_only(admin: TestClient, world: World) -> None:
    rows = parse(admin.get("/admin/apprenticeships").text).find("tbody").find_all("tr")
    assert [row.attrs["data-apprenticeship"] for row in rows] == [str(world.apprenticeship.id)]


def test_form_offers_only_the_providers_people_and_employers(
    admin: TestClient, world: World
) -> None:
    page = parse(admin.get(NEW).text)

    def offered(name: str) -> set[str]:
        return {o.attrs["value"] for o in page.find("select", name=name).find_all("option")} - {""}

    assert offered("apprentice_id") == {str(world.apprentice.id)}
    assert offered("tutor_id") == {str(world.tutor.id)}
    assert offered("employer_id") == {str(world.employer.id)}


# Creating


def test_admin_starts_an_apprenticeship(admin: TestClient, world: World, session: Session) -> None:
    response = create(admin, valid(world))
    assert response.status_code == 303
    row = session.exec(select(Apprenticeship).order_by(col(Apprenticeship.id).desc())).first()
    assert row is not None
    assert (row.provider_id, row.apprentice_id, row.tutor_id) == (
        world.provider.id,
        world.apprentice.id,
        world.tutor.id,
    )
    assert (row.start_date, row.planned_end_date) == (date(2026, 9, 1), date(2028, 3, 31))
    assert [e.target_id for e in events(session, "apprenticeship.created")] == [row.id]
    assert session.get(ApprenticeshipSummary, row.id) is not None


def test_the_tutor_may_be_left_unassigned(
    admin: TestClient, world: World, session: Session
) -> None:
    assert create(admin, valid(world, tutor_id="")).status_code == 303
    assert count(session) == 3


def test_end_before_start_is_refused_and_the_form_keeps_the_choices(
    admin: TestClient, world: World, session: Session
) -> None:
    response = create(admin, valid(world, planned_end_date="2026-08-01", status="gateway"))
    assert response.status_code == 422
    assert "after the start" in field_error(response, "planned_end_date")
    assert alert_text(response.text)
    page = parse(response.text)
    assert selected(page.find("select", name="tutor_id")) == str(world.tutor.id)
    assert selected(page.find("select", name="status")) == "gateway"
    assert form_values(response.text)["planned_end_date"] == "2026-08-01"
    assert count(session) == 2


@pytest.mark.parametrize(
    ("field", "other"),
    [
        ("apprentice_id", "other_apprentice"),
        ("tutor_id", "other_tutor"),
        ("employer_id", "other_employer"),
    ],
)
def test_ids_from_another_provider_are_refused(
    admin: TestClient, world: World, session: Session, field: str, other: str
) -> None:
    response = create(admin, valid(world, **{field: str(getattr(world, other).id)}))
    assert response.status_code == 422
    assert "from the list" in field_error(response, field)
    assert count(session) == 2


def test_the_apprentice_must_work_at_the_chosen_employer(
    admin: TestClient, world: World, session: Session
) -> None:
    from tests.factories import make_employer

    elsewhere = make_employer(session, world.provider, "Elsewhere Ltd")
    session.commit()
    response = create(admin, valid(world, employer_id=str(elsewhere.id)))
    assert response.status_code == 422
    assert "works at another employer" in field_error(response, "employer_id")


def test_the_tutor_must_be_a_tutor(admin: TestClient, world: World, session: Session) -> None:
    iqa = make_user(session, world.provider, "iqa")
    session.commit()
    response = create(admin, valid(world, tutor_id=str(iqa.id)))
    assert "Choose a tutor" in field_error(response, "tutor_id")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("standard_id", "abc"),
        ("standard_id", "99999999999999999999"),
        ("apprentice_id", "-1"),
        ("start_date", "1st September"),
        ("status", "finished"),
    ],
)
def test_nonsense_is_refused_not_crashed_on(
    admin: TestClient, world: World, session: Session, field: str, value: str
) -> None:
    response = create(admin, valid(world, **{field: value}))
    assert response.status_code == 422
    assert field_error(response, field)
    assert count(session) == 2


def test_provider_and_other_fields_sent_with_the_form_are_ignored(
    admin: TestClient, world: World, session: Session
) -> None:
    data = valid(world, provider_id=str(world.other_provider.id), id="1", owner_id="1")
    assert create(admin, data).status_code == 303
    row = session.exec(select(Apprenticeship).order_by(col(Apprenticeship.id).desc())).first()
    assert row is not None and row.provider_id == world.provider.id


# Changing


def test_edit_form_shows_the_current_details(admin: TestClient, world: World) -> None:
    response = admin.get(f"/admin/apprenticeships/{world.apprenticeship.id}")
    page = parse(response.text)
    assert selected(page.find("select", name="apprentice_id")) == str(world.apprentice.id)
    assert form_values(response.text)["start_date"] == "2026-01-05"


def test_admin_changes_status_tutor_and_dates(
    admin: TestClient, world: World, session: Session
) -> None:
    changes = {"status": "break_in_learning", "tutor_id": "", "planned_end_date": "2027-12-31"}
    response = edit(admin, world.apprenticeship, valid(world, start_date="2026-01-05", **changes))
    assert response.status_code == 303
    fresh(session, world.apprenticeship)
    row = world.apprenticeship
    assert (row.status, row.tutor_id) == (ApprenticeshipStatus.BREAK_IN_LEARNING, None)
    assert row.planned_end_date == date(2027, 12, 31)
    [event] = events(session, "apprenticeship.updated")
    assert event.data["changes"]["status"] == ["active", "break_in_learning"]


def test_the_summary_follows_status_tutor_and_dates(
    admin: TestClient, world: World, session: Session
) -> None:
    """The provider overview reads these copies, so a change must reach them at once."""
    changes = {"status": "withdrawn", "tutor_id": "", "planned_end_date": "2026-12-31"}
    edit(admin, world.apprenticeship, valid(world, start_date="2026-01-05", **changes))
    session.expire_all()
    summary = session.get(ApprenticeshipSummary, world.apprenticeship.id)
    assert summary is not None
    assert (summary.status, summary.tutor_id) == (ApprenticeshipStatus.WITHDRAWN, None)
    assert summary.provider_id == world.provider.id
    # Nothing signed off: a 360-day plan is more than 10 points behind from day 37, red past 90.
    assert summary.behind_on == date(2026, 2, 11)
    assert summary.red_on == date(2026, 4, 6)


def test_edit_ignores_provider_sent_with_it(
    admin: TestClient, world: World, session: Session
) -> None:
    data = valid(world, start_date="2026-01-05", provider_id=str(world.other_provider.id))
    edit(admin, world.apprenticeship, data)
    fresh(session, world.apprenticeship)
    assert world.apprenticeship.provider_id == world.provider.id


def test_another_providers_apprenticeship_is_not_found(
    admin: TestClient, world: World, session: Session
) -> None:
    target = world.other_apprenticeship
    assert admin.get(f"/admin/apprenticeships/{target.id}").status_code == 404
    data = {
        "apprentice_id": str(target.apprentice_id),
        "employer_id": str(target.employer_id),
        "standard_id": str(target.standard_id),
        "start_date": "2026-01-05",
        "planned_end_date": "2027-07-30",
        "status": "withdrawn",
    }
    assert edit(admin, target, data).status_code == 404
    fresh(session, target)
    assert target.status == ApprenticeshipStatus.ACTIVE


def test_the_standard_stays_once_evidence_exists(
    admin: TestClient, world: World, session: Session
) -> None:
    make_evidence(session, apprenticeship=world.apprenticeship, state="submitted")
    newer = make_standard(session)
    session.commit()
    response = edit(admin, world.apprenticeship, valid(world, standard_id=str(newer.id)))
    assert response.status_code == 422
    assert "already has evidence" in field_error(response, "standard_id")
    fresh(session, world.apprenticeship)
    assert world.apprenticeship.standard_id == world.standard.id


def test_the_standard_may_change_before_any_work(
    admin: TestClient, world: World, session: Session
) -> None:
    newer = make_standard(session, ksb_codes=("K1", "S1"), duties={"D1": ("K1", "S1")})
    session.commit()
    data = valid(world, start_date="2026-01-05", standard_id=str(newer.id))
    assert edit(admin, world.apprenticeship, data).status_code == 303
    session.expire_all()
    summary = session.get(ApprenticeshipSummary, world.apprenticeship.id)
    assert summary is not None and summary.ksb_total == 2
