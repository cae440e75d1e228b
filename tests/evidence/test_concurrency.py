"""Evidence added to one portfolio from several requests at once: every change lands.

On PostgreSQL the insert's foreign key takes a share lock on the apprenticeship row, and the
summary refresh then locks that row too: a lock the share lock conflicts with would deadlock.
"""

import threading
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import func, select

from app.db import open_session
from app.evidence import service
from app.evidence.service import FileChanges
from app.evidence.storage import LocalStorage
from app.models import Apprenticeship, ApprenticeshipSummary, EvidenceItem, User
from tests.evidence.conftest import World
from tests.evidence.test_service import form

THREADS = 8
ITEMS_EACH = 5


def add_items(engine: Engine, world: World, storage: LocalStorage) -> None:
    for _ in range(ITEMS_EACH):
        with open_session(engine) as session:
            service.create_evidence(
                session,
                viewer=session.get_one(User, world.apprentice.id),
                apprenticeship=session.get_one(Apprenticeship, world.apprenticeship.id),
                form=form(),
                files=FileChanges(storage=storage, max_files=20),
                submit=True,
                client_addr="test",
            )
            session.commit()


def test_concurrent_additions_to_one_portfolio_all_land(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    storage = LocalStorage(tmp_path / "files")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker() -> None:
        start.wait()
        try:
            add_items(engine, world, storage)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with open_session(engine, read_only=True) as session:
        items = session.exec(select(func.count()).select_from(EvidenceItem)).one()
        summary = session.get_one(ApprenticeshipSummary, world.apprenticeship.id)
    assert items == THREADS * ITEMS_EACH
    assert summary.items_awaiting_review == THREADS * ITEMS_EACH
