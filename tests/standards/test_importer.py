"""Importing standard files: both formats, re-imports, new versions, bad files refused whole."""

import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from app.models import Duty, DutyKsb, Ksb, KsbKind, Standard, id_of
from app.standards.importer import StandardFileError, import_standards, load_file

SEED = Path(__file__).parents[2] / "seed" / "standards" / "ST0949-v2.0.json"
TABLES: tuple[type[SQLModel], ...] = (Standard, Ksb, Duty, DutyKsb)
EMPTY = {"standard": 0, "ksb": 0, "duty": 0, "duty_ksb": 0}


def guid(name: str) -> str:
    """A fixed GUID per name, so that a test can write the mapping it means."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://example.org/ksb/{name}"))


def catalogue_standard(version: Any = "1.0") -> dict[str, Any]:
    """A small standard as the national catalogue publishes it: 3 K, 2 S, 1 B, 2 duties."""
    return {
        "referenceNumber": "ST9999",
        "title": "Test technician",
        "level": 3,
        "version": version,
        "status": "Approved for delivery",
        "typicalDuration": 18,
        "knowledges": [{"knowledgeId": guid(f"k{n}"), "detail": f"Knows {n}."} for n in (1, 2, 3)],
        "skills": [{"skillId": guid(f"s{n}"), "detail": f"Can do {n}."} for n in (1, 2)],
        "behaviours": [{"behaviourId": guid("b1"), "detail": "Behaves well."}],
        "duties": [
            {
                "dutyID": guid("d1"),
                "dutyDetail": "Fix the things.",
                "isThisACoreDuty": 1,
                "mappedKnowledge": [guid("k3"), guid("k1")],
                "mappedSkills": [guid("s2")],
                "mappedBehaviour": [guid("b1")],
                "mappedOptions": None,
            },
            {
                "dutyID": guid("d2"),
                "dutyDetail": "Explain the things.",
                "isThisACoreDuty": 1,
                "mappedKnowledge": [guid("k2")],
                "mappedSkills": [guid("s1"), guid("s2")],
                "mappedBehaviour": None,
                "mappedOptions": [],
            },
        ],
        "options": [],
    }


def seed_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    return document


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def import_file(session: Session, path: Path) -> list[Any]:
    return import_standards(session, standards=load_file(path))


def row_counts(session: Session) -> dict[str, int]:
    return {
        str(table.__tablename__): session.exec(select(func.count()).select_from(table)).one()
        for table in TABLES
    }


def ksbs_by_code(session: Session, standard_id: int) -> dict[str, Ksb]:
    return {k.code: k for k in session.exec(select(Ksb).where(Ksb.standard_id == standard_id))}


def duty_links(session: Session, standard_id: int) -> set[tuple[str, str]]:
    statement = (
        select(Duty.code, Ksb.code)
        .join(DutyKsb, col(DutyKsb.duty_id) == Duty.id)
        .join(Ksb, col(Ksb.id) == DutyKsb.ksb_id)
        .where(Duty.standard_id == standard_id)
    )
    return set(session.exec(statement).all())


def test_seed_import_writes_39_ksbs_18_duties_and_73_links(session: Session) -> None:
    import_file(session, SEED)
    assert row_counts(session) == {"standard": 1, "ksb": 39, "duty": 18, "duty_ksb": 73}


def test_seed_import_links_each_duty_to_its_published_ksbs(session: Session) -> None:
    [result] = import_file(session, SEED)
    published = {(d["code"], code) for d in seed_document()["duties"] for code in d["ksbs"]}
    assert duty_links(session, result.standard_id) == published


def test_seed_import_derives_kind_and_position_from_the_code(session: Session) -> None:
    [result] = import_file(session, SEED)
    ksbs = ksbs_by_code(session, result.standard_id)
    assert (ksbs["K20"].kind, ksbs["K20"].position) == (KsbKind.KNOWLEDGE, 20)
    assert (ksbs["S1"].kind, ksbs["S1"].position) == (KsbKind.SKILL, 1)
    assert (ksbs["B4"].kind, ksbs["B4"].position) == (KsbKind.BEHAVIOUR, 4)


def test_seed_import_keeps_the_published_text_exactly(session: Session) -> None:
    [result] = import_file(session, SEED)
    session.expire_all()  # read back from the database, not from the objects just written
    text = ksbs_by_code(session, result.standard_id)["B2"].text
    assert text.startswith("Logical approach \u2013 uses valid reasoning")


def test_first_import_reports_the_standard_created(session: Session) -> None:
    [result] = import_file(session, SEED)
    standard = session.get(Standard, result.standard_id)
    assert standard is not None
    assert (result.reference, result.version, result.created) == ("ST0949", "2.0", True)


def test_importing_twice_changes_nothing(session: Session) -> None:
    [first] = import_file(session, SEED)
    session.commit()
    counts = row_counts(session)
    ids = sorted(id_of(ksb) for ksb in ksbs_by_code(session, first.standard_id).values())
    [second] = import_file(session, SEED)
    session.commit()
    assert (second.standard_id, second.created) == (first.standard_id, False)
    assert row_counts(session) == counts
    assert sorted(id_of(k) for k in ksbs_by_code(session, first.standard_id).values()) == ids


def test_catalogue_ksb_codes_follow_their_list_positions(session: Session, tmp_path: Path) -> None:
    [result] = import_file(session, write_json(tmp_path / "st9999.json", catalogue_standard()))
    ksbs = ksbs_by_code(session, result.standard_id)
    assert sorted(ksbs) == ["B1", "K1", "K2", "K3", "S1", "S2"]
    assert (ksbs["K3"].text, ksbs["K3"].external_id, ksbs["K3"].position) == (
        "Knows 3.",
        guid("k3"),
        3,
    )
    assert (ksbs["S2"].kind, ksbs["S2"].text) == (KsbKind.SKILL, "Can do 2.")


def test_catalogue_duties_are_mapped_through_the_guids(session: Session, tmp_path: Path) -> None:
    [result] = import_file(session, write_json(tmp_path / "st9999.json", catalogue_standard()))
    assert duty_links(session, result.standard_id) == {
        ("D1", "K3"),
        ("D1", "K1"),
        ("D1", "S2"),
        ("D1", "B1"),
        ("D2", "K2"),
        ("D2", "S1"),
        ("D2", "S2"),
    }


def test_catalogue_duties_keep_their_guid_and_text(session: Session, tmp_path: Path) -> None:
    [result] = import_file(session, write_json(tmp_path / "st9999.json", catalogue_standard()))
    duties = session.exec(select(Duty).where(Duty.standard_id == result.standard_id)).all()
    assert sorted((d.code, d.text, d.external_id) for d in duties) == [
        ("D1", "Fix the things.", guid("d1")),
        ("D2", "Explain the things.", guid("d2")),
    ]


def test_catalogue_header_fields_are_stored(session: Session, tmp_path: Path) -> None:
    [result] = import_file(session, write_json(tmp_path / "st9999.json", catalogue_standard()))
    standard = session.get(Standard, result.standard_id)
    assert standard is not None
    assert (standard.title, standard.level, standard.status, standard.typical_duration_months) == (
        "Test technician",
        3,
        "Approved for delivery",
        18,
    )


@pytest.mark.parametrize("version", [1.0, 1, "1.0"], ids=["float", "int", "text"])
def test_catalogue_version_number_is_stored_as_text(
    session: Session, tmp_path: Path, version: Any
) -> None:
    path = write_json(tmp_path / "st9999.json", catalogue_standard(version))
    [result] = import_file(session, path)
    assert result.version == "1.0"


def test_catalogue_list_of_two_versions_imports_both(session: Session, tmp_path: Path) -> None:
    document = [catalogue_standard("1.0"), catalogue_standard("1.1")]
    results = import_file(session, write_json(tmp_path / "st9999.json", document))
    assert [(r.version, r.created) for r in results] == [("1.0", True), ("1.1", True)]
    assert row_counts(session) == {"standard": 2, "ksb": 12, "duty": 4, "duty_ksb": 14}


def test_project_format_list_imports_each_standard(session: Session, tmp_path: Path) -> None:
    second = seed_document() | {"version": "2.1"}
    results = import_file(session, write_json(tmp_path / "two.json", [seed_document(), second]))
    assert [(r.reference, r.version) for r in results] == [("ST0949", "2.0"), ("ST0949", "2.1")]


def test_new_version_is_a_new_standard_row(session: Session, tmp_path: Path) -> None:
    [old] = import_file(session, write_json(tmp_path / "v1.json", catalogue_standard("1.0")))
    changed = catalogue_standard("1.1")
    changed["knowledges"][0]["detail"] = "Knows 1, revised."
    [new] = import_file(session, write_json(tmp_path / "v2.json", changed))
    assert new.created and new.standard_id != old.standard_id
    assert ksbs_by_code(session, old.standard_id)["K1"].text == "Knows 1."


def test_changed_content_under_the_same_version_is_refused(
    session: Session, tmp_path: Path
) -> None:
    import_file(session, SEED)
    session.commit()
    changed = seed_document()
    changed["ksbs"][0]["text"] = "Something else."
    with pytest.raises(StandardFileError, match=r"never changed in place.*new version number"):
        import_file(session, write_json(tmp_path / "changed.json", changed))


def test_refused_change_writes_nothing_from_the_same_file(session: Session, tmp_path: Path) -> None:
    import_file(session, SEED)
    session.commit()
    before = row_counts(session)
    changed = seed_document()
    changed["duties"][0]["ksbs"] = ["K3"]
    # The new standard comes first in the file: the whole file is refused, not just the change.
    document = [catalogue_standard(), changed]
    with pytest.raises(StandardFileError, match=r"ST0949 version 2\.0 is already imported"):
        import_file(session, write_json(tmp_path / "mixed.json", document))
    assert row_counts(session) == before


def test_same_version_twice_in_one_file_is_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path / "twice.json", [catalogue_standard(), catalogue_standard(1.0)])
    with pytest.raises(
        StandardFileError,
        match=r"at \[1\]: duplicate standard 'ST9999 version 1.0': already at \[0\]",
    ):
        load_file(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(StandardFileError, match=re.escape("absent.json: cannot read the file")):
        load_file(tmp_path / "absent.json")


Mutation = Callable[[Any], Any]


def set_at(*path: str | int, value: Any) -> Mutation:
    """A change to a document: put value at path (a key or index per step)."""

    def mutate(document: Any) -> Any:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return document

    return mutate


def delete_at(*path: str | int) -> Mutation:
    def mutate(document: Any) -> Any:
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
        return document

    return mutate


def as_list_after_a_good_one(mutation: Mutation) -> Mutation:
    return lambda document: [catalogue_standard("0.9"), mutation(document)]


# (id, base document, change, fragments the message must hold: the problem and its place)
BAD_FILES: list[tuple[str, str, Mutation, tuple[str, ...]]] = [
    (
        "invalid-json",
        "catalogue",
        lambda _: '{"referenceNumber": "ST9999", "title": }',
        ("not valid JSON", "line 1 column"),
    ),
    (
        "not-a-standard",
        "catalogue",
        delete_at("referenceNumber"),
        ("not a standard", "'format'", "'referenceNumber'"),
    ),
    (
        "missing-title",
        "catalogue",
        delete_at("title"),
        ("standard ST9999", "at title", "required field is missing"),
    ),
    (
        "missing-ksb-text",
        "project",
        delete_at("ksbs", 3, "text"),
        ("standard ST0949", "at ksbs[3].text", "required field is missing"),
    ),
    (
        "level-not-a-number",
        "project",
        set_at("level", value="four"),
        ("at level", "expected a whole number", "'four'"),
    ),
    (
        "level-is-true",
        "catalogue",
        set_at("level", value=True),
        ("at level", "expected a whole number", "true or false"),
    ),
    (
        "ksbs-not-a-list",
        "project",
        set_at("ksbs", value={"K1": "text"}),
        ("at ksbs", "expected a list", "an object"),
    ),
    (
        "unknown-mapped-guid",
        "catalogue",
        set_at("duties", 1, "mappedSkills", 0, value=guid("nowhere")),
        ("at duties[1].mappedSkills[0]", "unknown skill id", guid("nowhere")),
    ),
    (
        "skill-guid-mapped-as-knowledge",
        "catalogue",
        set_at("duties", 0, "mappedKnowledge", 1, value=guid("s1")),
        ("at duties[0].mappedKnowledge[1]", "unknown knowledge id"),
    ),
    (
        "unknown-mapped-code",
        "project",
        set_at("duties", 2, "ksbs", 1, value="K99"),
        ("at duties[2].ksbs[1]", "unknown KSB code 'K99'"),
    ),
    (
        "duplicate-ksb-code",
        "project",
        set_at("ksbs", 1, "code", value="K1"),
        ("at ksbs[1].code", "duplicate KSB code 'K1'", "already at ksbs[0].code"),
    ),
    (
        "duplicate-duty-code",
        "project",
        set_at("duties", 17, "code", value="D1"),
        ("at duties[17].code", "duplicate duty code 'D1'"),
    ),
    (
        "duplicate-guid",
        "catalogue",
        set_at("skills", 1, "skillId", value=guid("s1")),
        ("at skills[1].skillId", "duplicate id", guid("s1")),
    ),
    (
        "duplicate-mapping",
        "project",
        set_at("duties", 0, "ksbs", value=["K3", "S2", "K3"]),
        ("at duties[0].ksbs[2]", "duplicate mapping to 'K3'"),
    ),
    (
        "empty-ksb-text",
        "catalogue",
        set_at("knowledges", 2, "detail", value="   "),
        ("at knowledges[2].detail", "text is empty"),
    ),
    (
        "wrong-code-prefix",
        "project",
        set_at("ksbs", 0, "code", value="X1"),
        ("at ksbs[0].code", "'X1' is not a KSB code"),
    ),
    (
        "unknown-format",
        "project",
        set_at("format", value="ksb-portfolio/standard@9"),
        ("at format", "unknown format"),
    ),
    (
        "bad-core-flag",
        "catalogue",
        set_at("duties", 0, "isThisACoreDuty", value="yes"),
        ("at duties[0].isThisACoreDuty", "expected 1 or 0"),
    ),
    (
        "reference-too-long",
        "catalogue",
        set_at("referenceNumber", value="ST" + "9" * 30),
        ("at referenceNumber", "longer than 20 characters"),
    ),
    (
        "second-of-a-list-is-bad",
        "catalogue",
        as_list_after_a_good_one(set_at("behaviours", 0, "detail", value="")),
        ("standard ST9999", "at [1].behaviours[0].detail", "text is empty"),
    ),
]


@pytest.mark.parametrize(
    ("base", "mutation", "fragments"),
    [
        pytest.param(base, mutation, fragments, id=name)
        for name, base, mutation, fragments in BAD_FILES
    ],
)
def test_bad_file_is_refused_with_what_and_where_and_nothing_is_written(
    session: Session, tmp_path: Path, base: str, mutation: Mutation, fragments: tuple[str, ...]
) -> None:
    document = mutation(catalogue_standard() if base == "catalogue" else seed_document())
    path = tmp_path / "bad-standard.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    with pytest.raises(StandardFileError) as caught:
        import_file(session, path)
    message = str(caught.value)
    assert "bad-standard.json" in message
    for fragment in fragments:
        assert fragment in message
    assert row_counts(session) == EMPTY
