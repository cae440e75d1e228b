"""Reading standards: the list with counts, KSBs in published order, duties with their KSBs."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from app.models import KsbKind
from app.standards.formats import DutyData, KsbData, StandardData
from app.standards.importer import import_standards, load_file
from app.standards.queries import (
    StandardSummary,
    get_standard,
    list_standards,
    standard_duties,
    standard_ksbs,
)

SEED = Path(__file__).parents[2] / "seed" / "standards" / "ST0949-v2.0.json"


def small_standard(reference: str = "ST0001", version: str = "1.0") -> StandardData:
    """2 K, 1 S, 1 B; D1 maps K2 and B1, D2 maps nothing."""
    return StandardData(
        reference=reference,
        version=version,
        title="Small standard",
        level=2,
        status="",
        typical_duration_months=None,
        ksbs=(
            KsbData("B1", KsbKind.BEHAVIOUR, "Behaves.", 1),
            KsbData("K1", KsbKind.KNOWLEDGE, "Knows one.", 1),
            KsbData("S1", KsbKind.SKILL, "Does.", 1),
            KsbData("K2", KsbKind.KNOWLEDGE, "Knows two.", 2),
        ),
        duties=(
            DutyData("D1", "First duty.", 1, ("B1", "K2")),
            DutyData("D2", "Second duty.", 2, ()),
        ),
    )


def import_seed(session: Session) -> int:
    [result] = import_standards(session, standards=load_file(SEED))
    return result.standard_id


def import_small(session: Session, reference: str = "ST0001", version: str = "1.0") -> int:
    [result] = import_standards(session, standards=[small_standard(reference, version)])
    return result.standard_id


@contextmanager
def counting_queries(session: Session) -> Iterator[list[str]]:
    """The SELECT statements sent while inside (SQLite's BEGIN is not a query)."""
    statements: list[str] = []
    engine = session.get_bind()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_list_standards_counts_ksbs_and_duties(session: Session) -> None:
    seed_id = import_seed(session)
    small_id = import_small(session)
    assert list_standards(session) == [
        StandardSummary(small_id, "ST0001", "1.0", "Small standard", 2, 4, 2),
        StandardSummary(seed_id, "ST0949", "2.0", "Applications support lead", 4, 39, 18),
    ]


def test_list_standards_is_one_statement(session: Session) -> None:
    import_seed(session)
    import_small(session)
    import_small(session, "ST0002")
    with counting_queries(session) as statements:
        list_standards(session)
    assert len(statements) == 1


def test_list_standards_orders_versions_as_numbers(session: Session) -> None:
    for version in ("10.0", "2.0", "9.1"):
        import_small(session, version=version)
    assert [s.version for s in list_standards(session)] == ["2.0", "9.1", "10.0"]


def test_list_standards_is_empty_without_standards(session: Session) -> None:
    assert list_standards(session) == []


def test_get_standard_returns_the_row(session: Session) -> None:
    standard_id = import_seed(session)
    standard = get_standard(session, standard_id)
    assert standard is not None
    assert (standard.reference, standard.version) == ("ST0949", "2.0")


def test_get_standard_returns_none_for_an_unknown_id(session: Session) -> None:
    assert get_standard(session, 999_999) is None


def test_standard_ksbs_are_knowledge_skills_behaviours_in_order(session: Session) -> None:
    standard_id = import_seed(session)
    codes = [ksb.code for ksb in standard_ksbs(session, standard_id)]
    expected = [f"K{n}" for n in range(1, 21)] + [f"S{n}" for n in range(1, 16)]
    assert codes == [*expected, "B1", "B2", "B3", "B4"]


def test_standard_ksbs_order_by_kind_not_file_order(session: Session) -> None:
    standard_id = import_small(session)
    assert [ksb.code for ksb in standard_ksbs(session, standard_id)] == ["K1", "K2", "S1", "B1"]


def test_standard_ksbs_hold_only_that_standards_ksbs(session: Session) -> None:
    import_seed(session)
    standard_id = import_small(session)
    assert len(standard_ksbs(session, standard_id)) == 4


def test_standard_duties_have_their_published_ksbs(session: Session) -> None:
    standard_id = import_seed(session)
    published = json.loads(SEED.read_text(encoding="utf-8"))["duties"]
    duties = standard_duties(session, standard_id)
    assert [(duty.code, codes) for duty, codes in duties] == [
        (duty["code"], duty["ksbs"]) for duty in published
    ]


def test_standard_duties_list_codes_in_kind_order(session: Session) -> None:
    standard_id = import_small(session)
    [(first, codes), _] = standard_duties(session, standard_id)
    assert (first.code, codes) == ("D1", ["K2", "B1"])


def test_standard_duty_without_ksbs_has_an_empty_list(session: Session) -> None:
    standard_id = import_small(session)
    [_, (second, codes)] = standard_duties(session, standard_id)
    assert (second.code, codes) == ("D2", [])


def test_standard_duties_take_two_statements(session: Session) -> None:
    standard_id = import_seed(session)
    session.expire_all()
    with counting_queries(session) as statements:
        standard_duties(session, standard_id)
    assert len(statements) <= 2
