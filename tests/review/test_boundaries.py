"""Who reaches the review pages: 404 outside the viewer's scope, 403 for visible but not theirs."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth import policy
from app.models import Apprenticeship, User, id_of
from tests.factories import make_evidence
from tests.review.conftest import World, refresh
from tests.web_client import post, sign_in


def submitted(session: Session, world: World) -> int:
    item = make_evidence(
        session, apprenticeship=world.apprenticeship, state="submitted", claims={"K1": "claimed"}
    )
    refresh(session, world)
    return id_of(item)


@pytest.mark.parametrize("who", ["outsider_tutor", "colleague"])
def test_tutors_outside_the_caseload_get_404_on_every_review_page(
    client: TestClient, session: Session, world: World, who: str
) -> None:
    item = submitted(session, world)
    sign_in(client, getattr(world, who).email)
    grid = f"/portfolio/{world.apprenticeship.id}/signoffs"
    assert client.get(f"/evidence/{item}/review").status_code == 404
    assert client.get(grid).status_code == 404
    decide = post(client, f"/evidence/{item}/review", {"outcome": "accept", "version": "1"})
    assert decide.status_code == 404
    assert post(client, f"{grid}/K1", {"override_reason": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["apprentice", "employer_user", "iqa", "admin"])
def test_others_who_see_the_item_get_403_on_deciding(
    client: TestClient, session: Session, world: World, who: str
) -> None:
    item = submitted(session, world)
    sign_in(client, getattr(world, who).email)
    assert client.get(f"/evidence/{item}").status_code == 200  # they may see it
    decide = post(client, f"/evidence/{item}/review", {"outcome": "accept", "version": "1"})
    assert decide.status_code == 403


@pytest.mark.parametrize("who", ["apprentice", "employer_user"])
def test_apprentices_and_employers_get_403_on_signing_off(
    client: TestClient, session: Session, world: World, who: str
) -> None:
    sign_in(client, getattr(world, who).email)
    path = f"/portfolio/{world.apprenticeship.id}/signoffs/K1"
    assert post(client, path, {"override_reason": "x"}).status_code == 403


def test_a_batch_naming_an_item_outside_the_caseload_is_refused(
    client: TestClient, session: Session, world: World
) -> None:
    mine = submitted(session, world)
    theirs = make_evidence(
        session, apprenticeship=world.colleague_apprenticeship, state="submitted"
    )
    session.commit()
    sign_in(client, world.tutor.email)
    fields = {"evidence": [str(mine), str(theirs.id)], "outcome": "accept"}
    response = post(client, "/review/queue", fields, token_from="/review/queue")  # type: ignore[arg-type]
    assert response.status_code == 404


@pytest.mark.parametrize(
    "role", ["tutor", "colleague", "iqa", "admin", "apprentice", "outsider_tutor"]
)
def test_the_sql_scopes_agree_with_the_object_checks(
    session: Session, world: World, role: str
) -> None:
    viewer: User = getattr(world, role)
    every = session.exec(select(Apprenticeship)).all()
    for scope, check in (
        (policy.review_scope, policy.can_decide),
        (policy.caseload_scope, policy.in_caseload),
    ):
        in_sql = set(session.exec(select(Apprenticeship.id).where(scope(viewer))).all())
        in_python = {a.id for a in every if check(viewer, a)}
        assert in_sql == in_python, (scope.__name__, role)
