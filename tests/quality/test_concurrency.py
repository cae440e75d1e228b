"""Several IQAs sampling one decision at the same moment: exactly one sample, the rest 409."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.db import open_session
from app.errors import Conflict
from app.models import IqaSample, id_of
from app.quality.queries import get_decision
from app.quality.service import sample_decision
from tests.factories import make_decision
from tests.gateway.world import World

ATTEMPTS = 8


def test_one_sample_per_decision_under_concurrency(
    engine: Engine, session: Session, world: World
) -> None:
    decision_id = id_of(make_decision(session, world.a.evidence, world.a.tutor))
    session.commit()
    iqa = world.a.iqa
    found = get_decision(session, viewer=iqa, decision_id=decision_id)
    assert found is not None
    session.commit()
    barrier = Barrier(ATTEMPTS)

    def attempt(_: int) -> str:
        # Wait before opening the transaction: on SQLite a writer holds the lock from BEGIN.
        barrier.wait()
        with open_session(engine) as own:
            try:
                sample_decision(
                    own, viewer=iqa, decision=found, verdict="agree", comment="", client_addr="test"
                )
                own.commit()
                return "sampled"
            except Conflict:
                own.rollback()
                return "conflict"

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        outcomes = sorted(pool.map(attempt, range(ATTEMPTS)))
    assert outcomes == ["conflict"] * (ATTEMPTS - 1) + ["sampled"]
    assert len(session.exec(select(IqaSample)).all()) == 1
