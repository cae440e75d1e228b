"""Every dashboard page issues the same number of SQL statements at two cohort sizes."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.dashboards.world import DashWorld, add_apprentice, make_dash_world, on_track, refresh
from tests.factories import bearer, make_api_token
from tests.statements import statements_run
from tests.web_client import sign_in

EMPLOYER_PATHS = (
    "/dashboard",
    "/dashboard?rag=red&q=a",
    "/dashboard/heatmap",
    "/dashboard/cohort.csv",
    "/api/v1/dashboards/employer",
    "/api/v1/dashboards/employer/heatmap",
)
PROVIDER_PATHS = ("/provider", "/api/v1/dashboards/provider")


def grow(session: Session, world: DashWorld, extra: int) -> None:
    """More apprentices at the employer, half of them with evidence and sign-offs."""
    for index in range(extra):
        apprenticeship = add_apprentice(session, world, f"Extra {index}")
        if index % 2:
            on_track(session, world, apprenticeship)
    refresh(session)


def counts(client: TestClient, session: Session, email: str, paths: tuple[str, ...]) -> list[int]:
    from sqlmodel import select

    from app.models import User

    user = session.exec(select(User).where(User.email == email)).one()
    token = make_api_token(session, user)
    session.commit()
    sign_in(client, email)
    engine = client.app.state.engine  # type: ignore[attr-defined]
    found = []
    for path in paths:
        headers = bearer(token) if path.startswith("/api/") else {}
        client.get(path, headers=headers)  # warm: first-request work is not the page's
        with statements_run(engine) as statements:
            assert client.get(path, headers=headers).status_code == 200
        found.append(len(statements))
    return found


@pytest.mark.parametrize("who", ["employer", "provider"])
def test_statement_counts_do_not_grow_with_the_cohort(
    client: TestClient, session: Session, who: str
) -> None:
    world = make_dash_world(session)  # two apprentices at the employer
    email = world.manager.email if who == "employer" else world.admin.email
    paths = EMPLOYER_PATHS if who == "employer" else PROVIDER_PATHS
    small = counts(client, session, email, paths)
    grow(session, world, 6)  # eight apprentices
    assert counts(client, session, email, paths) == small
    assert all(n > 0 for n in small), small
