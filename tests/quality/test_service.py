"""sample_decision checks policy.can_sample itself, whoever calls it."""

import pytest
from sqlmodel import Session, select

from app.errors import Forbidden
from app.models import IqaSample, id_of
from app.quality.queries import get_decision
from app.quality.service import sample_decision
from tests.factories import make_decision
from tests.gateway.world import World


@pytest.mark.parametrize("who", ["tutor", "admin", "other_iqa"])
def test_only_the_decisions_own_iqa_may_sample_it(session: Session, world: World, who: str) -> None:
    decision_id = id_of(make_decision(session, world.a.evidence, world.a.tutor))
    found = get_decision(session, viewer=world.a.iqa, decision_id=decision_id)
    assert found is not None
    viewer = world.b.iqa if who == "other_iqa" else getattr(world.a, who)
    with pytest.raises(Forbidden):
        sample_decision(
            session, viewer=viewer, decision=found, verdict="agree", comment="", client_addr="test"
        )
    assert session.exec(select(IqaSample)).all() == []
