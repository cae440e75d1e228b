"""Fixtures of the notification tests."""

import pytest
from sqlmodel import Session

from tests.gateway.world import World, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)
