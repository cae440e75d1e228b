"""The ST0949 v2.0 seed file says exactly what the published standard says."""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).parents[2]
SEED = REPO / "seed" / "standards" / "ST0949-v2.0.json"
# The published text, kept beside the seed it was transcribed from.
PUBLISHED = REPO / "seed" / "standards" / "published" / "ST0949-applications-support-lead-v2.0.txt"


@dataclass(frozen=True)
class Published:
    ksbs: dict[str, str]  # code -> text, in published order
    duties: dict[str, tuple[str, list[str]]]  # "D1" -> (text, KSB codes)
    lines: list[str]


def parse_published(text: str) -> Published:
    """A parser of its own for the published text, so the seed is checked, not echoed."""
    lines = [line.strip() for line in text.splitlines()]
    ksbs = {}
    # The KSB sections run from the "KSBs" heading to "Qualifications".
    for line in lines[lines.index("KSBs") : lines.index("Qualifications")]:
        if match := re.fullmatch(r"([KSB]\d+): (.+)", line):
            ksbs[match[1]] = match[2].strip()
    table = lines[lines.index("DUTY\tKSBS") + 1 : lines.index("KSBs")]
    duties = dict(parse_duty_row(row) for row in table if row)
    return Published(ksbs, duties, lines)


def parse_duty_row(row: str) -> tuple[str, tuple[str, list[str]]]:
    # Rows are "<p>Duty 1 ...</p>\t<p>K3</p> <p>S2 S11</p>" or plain "Duty 9 ...\tK6 K10 S5".
    duty_cell, ksb_cell = (re.sub(r"</?p>", " ", cell).strip() for cell in row.split("\t"))
    match = re.fullmatch(r"Duty (\d+) (.+)", duty_cell)
    assert match, f"unexpected duty row: {row!r}"
    return f"D{match[1]}", (match[2].strip(), ksb_cell.split())


@pytest.fixture(scope="module")
def published() -> Published:
    return parse_published(PUBLISHED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    return data


def codes_of_kind(seed: dict[str, Any], prefix: str) -> list[str]:
    return [ksb["code"] for ksb in seed["ksbs"] if ksb["code"].startswith(prefix)]


def test_published_text_has_39_ksbs_and_18_duties(published: Published) -> None:
    assert (len(published.ksbs), len(published.duties)) == (39, 18)


@pytest.mark.parametrize(("prefix", "count"), [("K", 20), ("S", 15), ("B", 4)])
def test_seed_has_each_kind_numbered_from_one(
    seed: dict[str, Any], prefix: str, count: int
) -> None:
    assert codes_of_kind(seed, prefix) == [f"{prefix}{n}" for n in range(1, count + 1)]


def test_seed_has_39_ksbs(seed: dict[str, Any]) -> None:
    assert len(seed["ksbs"]) == 39


def test_seed_ksb_texts_are_the_published_texts(seed: dict[str, Any], published: Published) -> None:
    assert {ksb["code"]: ksb["text"] for ksb in seed["ksbs"]} == published.ksbs


def test_seed_ksbs_are_in_published_order(seed: dict[str, Any], published: Published) -> None:
    assert [ksb["code"] for ksb in seed["ksbs"]] == list(published.ksbs)


def test_seed_duties_are_the_published_18_in_order(
    seed: dict[str, Any], published: Published
) -> None:
    assert [duty["code"] for duty in seed["duties"]] == list(published.duties)


def test_seed_duty_texts_are_the_published_texts(
    seed: dict[str, Any], published: Published
) -> None:
    seeded = {duty["code"]: duty["text"] for duty in seed["duties"]}
    assert seeded == {code: text for code, (text, _) in published.duties.items()}


def test_seed_duty_mappings_are_the_published_mappings(
    seed: dict[str, Any], published: Published
) -> None:
    seeded = {duty["code"]: duty["ksbs"] for duty in seed["duties"]}
    assert seeded == {code: ksbs for code, (_, ksbs) in published.duties.items()}


def answer_to(published: Published, question: str) -> str:
    # Key information is a question line, a blank line, then the answer.
    return published.lines[published.lines.index(question) + 2]


def test_seed_header_matches_the_published_key_information(
    seed: dict[str, Any], published: Published
) -> None:
    assert answer_to(published, "Title of occupation") == seed["title"]
    assert answer_to(published, "UOS reference number") == seed["reference"]
    assert answer_to(published, "Level of occupation") == f"Level {seed['level']}"
    assert f"Version {seed['version']}" in published.lines
    duration = answer_to(published, "Typical duration of apprenticeship")
    assert duration == f"{seed['typical_duration_months']} months"
