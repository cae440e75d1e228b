"""Evidence reads: a fixed number of statements whatever the page holds; scope applied in SQL."""

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.evidence import queries
from app.evidence.queries import Filters
from app.models import id_of
from tests.evidence.conftest import World
from tests.factories import make_evidence
from tests.statements import statements_run


def listing_statements(session: Session, engine: Engine, world: World, items: int) -> int:
    for _ in range(items):
        make_evidence(
            session,
            apprenticeship=world.apprenticeship,
            state="submitted",
            claims={"K1": "claimed", "S1": "claimed"},
        )
    session.commit()
    with statements_run(engine) as statements:
        rows = queries.list_items(
            session,
            viewer=world.apprentice,
            apprenticeship_id=id_of(world.apprenticeship),
            filters=Filters(),
        )
    assert all(row.ksb_codes == ["K1", "S1"] for row in rows)
    return len(statements)


def test_the_list_costs_the_same_statements_for_2_or_20_items(
    session: Session, engine: Engine, world: World
) -> None:
    few = listing_statements(session, engine, world, 2)
    many = listing_statements(session, engine, world, 18)
    assert few == many <= 3


def test_the_list_never_shows_staff_a_draft(session: Session, world: World) -> None:
    make_evidence(session, apprenticeship=world.apprenticeship, state="draft")
    shown = make_evidence(session, apprenticeship=world.apprenticeship, state="submitted")
    rows = queries.list_items(
        session,
        viewer=world.tutor,
        apprenticeship_id=id_of(world.apprenticeship),
        filters=Filters(),
    )
    assert [row.id for row in rows] == [shown.id]
