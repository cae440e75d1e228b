"""Fifty reviewers signing off the same KSB at once: exactly one sign-off, the rest a 409.

Each attempt runs through the service in its own thread with its own session, as concurrent
requests do, on a SQLite file and on PostgreSQL. Rounds alternate sign-off and revoke.
"""

import threading
from collections import Counter

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.db import open_session
from app.errors import Conflict
from app.models import Apprenticeship, Event, KsbSignoff, User, id_of
from app.review.signoff_service import revoke_signoff, sign_off_ksb
from tests.review.conftest import World

ATTEMPTS = 50
ROUNDS = 20


def attempt(engine: Engine, tutor_id: int, apprenticeship_id: int, code: str) -> str:
    with open_session(engine) as session:
        try:
            sign_off_ksb(
                session,
                viewer=session.get_one(User, tutor_id),
                apprenticeship=session.get_one(Apprenticeship, apprenticeship_id),
                code=code,
                override_reason="Observed at work",
                client_addr="test",
            )
            session.commit()
            return "signed"
        except Conflict:
            session.rollback()
            return "conflict"


def revoke(engine: Engine, tutor_id: int, apprenticeship_id: int, code: str) -> None:
    with open_session(engine) as session:
        revoke_signoff(
            session,
            viewer=session.get_one(User, tutor_id),
            apprenticeship=session.get_one(Apprenticeship, apprenticeship_id),
            code=code,
            reason="Next round",
            client_addr="test",
        )
        session.commit()


def one_round(engine: Engine, world: World, code: str) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []
    start = threading.Barrier(ATTEMPTS)
    lock = threading.Lock()

    def worker() -> None:
        start.wait()
        try:
            result = attempt(engine, id_of(world.tutor), id_of(world.apprenticeship), code)
        except BaseException as exc:  # anything but a Conflict is a failure
            with lock:
                errors.append(exc)
            return
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=worker) for _ in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return outcomes


def test_concurrent_signoffs_of_one_ksb_make_exactly_one(
    engine: Engine, session: Session, world: World
) -> None:
    codes = ["K1", "K2", "K3", "S1", "S2", "B1"]
    total = Counter[str]()
    for number in range(ROUNDS):
        code = codes[number % len(codes)]
        outcomes = one_round(engine, world, code)
        assert outcomes == {"signed": 1, "conflict": ATTEMPTS - 1}, f"round {number}"
        total += outcomes
        # Revoking between rounds lets each KSB be signed off again in a later round.
        if number + len(codes) < ROUNDS:
            revoke(engine, id_of(world.tutor), id_of(world.apprenticeship), code)
    session.rollback()
    assert total["signed"] == ROUNDS
    signed_events = session.exec(select(func.count()).where(Event.action == "ksb.signed_off")).one()
    assert signed_events == ROUNDS
    rows = session.exec(select(KsbSignoff.ksb_id)).all()
    assert len(rows) == len(set(rows)) == len(codes)
