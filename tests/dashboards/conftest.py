import pytest
from sqlmodel import Session

from tests.dashboards.world import DashWorld, make_dash_world


@pytest.fixture
def world(session: Session) -> DashWorld:
    return make_dash_world(session)
