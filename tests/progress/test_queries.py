"""Coverage aggregated in SQL: what counts for each KSB, and a fixed number of statements."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.models import Apprenticeship, Organisation, Role, Standard, User
from app.progress.coverage import Coverage, KsbState, Rag, Tally, progress
from app.progress.queries import apprenticeship_coverage, cohort_coverage
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
    sign_off,
)
from tests.statements import statements_run

START = date(2025, 1, 1)
END = START + timedelta(days=100)  # a 100-day plan: day N means N% of the time gone
TODAY = START + timedelta(days=50)


@dataclass(frozen=True)
class Provider:
    """One provider's people and standard, to enrol apprentices on."""

    provider: Organisation
    employer: Organisation
    tutor: User
    standard: Standard

    def enrol(self, session: Session, standard: Standard | None = None) -> Apprenticeship:
        return make_apprenticeship(
            session,
            standard=standard or self.standard,
            provider=self.provider,
            employer=self.employer,
            apprentice=make_user(session, self.employer, Role.APPRENTICE),
            tutor=self.tutor,
            start=START,
            planned_end=END,
        )


@pytest.fixture
def world(session: Session) -> Provider:
    provider = make_provider(session)
    employer = make_employer(session, provider)
    tutor = make_user(session, provider, Role.TUTOR)
    return Provider(provider, employer, tutor, make_standard(session))


def coverage_of(session: Session, apprenticeship: Apprenticeship) -> Coverage:
    return apprenticeship_coverage(session, apprenticeship=apprenticeship, today=TODAY)


def state_of(session: Session, apprenticeship: Apprenticeship, code: str) -> KsbState:
    ksbs = {ksb.code: ksb for ksb in coverage_of(session, apprenticeship).ksbs}
    return ksbs[code].state


# --- what counts for a KSB ------------------------------------------------------


def test_fresh_apprenticeship_is_all_not_started(session: Session, world: Provider) -> None:
    coverage = coverage_of(session, world.enrol(session))
    assert coverage.overall == Tally(total=4, not_started=4, claimed=0, evidenced=0, signed_off=0)


def test_ksbs_are_listed_k_then_s_then_b_in_position_order(
    session: Session, world: Provider
) -> None:
    standard = make_standard(session, ksb_codes=("B1", "S2", "K2", "S1", "K1"), duties={})
    coverage = coverage_of(session, world.enrol(session, standard))
    assert [ksb.code for ksb in coverage.ksbs] == ["K1", "K2", "S1", "S2", "B1"]


def test_draft_items_claim_counts_for_nothing(session: Session, world: Provider) -> None:
    apprenticeship = world.enrol(session)
    make_evidence(session, apprenticeship=apprenticeship, state="draft", claims={"K1": "claimed"})
    assert state_of(session, apprenticeship, "K1") is KsbState.NOT_STARTED


def test_submitted_items_claim_makes_ksb_claimed(session: Session, world: Provider) -> None:
    apprenticeship = world.enrol(session)
    make_evidence(
        session, apprenticeship=apprenticeship, state="submitted", claims={"K1": "claimed"}
    )
    assert state_of(session, apprenticeship, "K1") is KsbState.CLAIMED


def test_referred_items_open_claim_is_not_pending(session: Session, world: Provider) -> None:
    apprenticeship = world.enrol(session)
    make_evidence(
        session, apprenticeship=apprenticeship, state="referred", claims={"K1": "claimed"}
    )
    assert state_of(session, apprenticeship, "K1") is KsbState.NOT_STARTED


def test_confirmed_claim_makes_ksb_evidenced(session: Session, world: Provider) -> None:
    apprenticeship = world.enrol(session)
    make_evidence(
        session, apprenticeship=apprenticeship, state="accepted", claims={"K1": "confirmed"}
    )
    assert state_of(session, apprenticeship, "K1") is KsbState.EVIDENCED


def test_sign_off_makes_ksb_signed_off(session: Session, world: Provider) -> None:
    apprenticeship = world.enrol(session)
    sign_off(session, apprenticeship, "S1", world.tutor)
    assert state_of(session, apprenticeship, "S1") is KsbState.SIGNED_OFF


def test_rejected_claims_are_counted_but_are_not_evidence(
    session: Session, world: Provider
) -> None:
    apprenticeship = world.enrol(session)
    for _ in range(2):
        make_evidence(
            session, apprenticeship=apprenticeship, state="accepted", claims={"K1": "rejected"}
        )
    (k1,) = [ksb for ksb in coverage_of(session, apprenticeship).ksbs if ksb.code == "K1"]
    assert (k1.state, k1.rejected_claims, k1.confirmed_claims) == (KsbState.NOT_STARTED, 2, 0)


def test_claims_are_counted_per_ksb_across_items(session: Session, world: Provider) -> None:
    apprenticeship = world.enrol(session)
    for claims in ({"K1": "claimed", "K2": "claimed"}, {"K1": "claimed"}):
        make_evidence(session, apprenticeship=apprenticeship, state="submitted", claims=claims)
    pending = {ksb.code: ksb.pending_claims for ksb in coverage_of(session, apprenticeship).ksbs}
    assert pending == {"K1": 2, "K2": 1, "S1": 0, "B1": 0}


def test_another_apprenticeships_evidence_does_not_count(session: Session, world: Provider) -> None:
    mine, theirs = world.enrol(session), world.enrol(session)
    make_evidence(session, apprenticeship=theirs, state="accepted", claims={"K1": "confirmed"})
    sign_off(session, theirs, "K2", world.tutor)
    assert coverage_of(session, mine).overall.not_started == 4


def test_duty_is_covered_when_all_its_ksbs_are_signed_off(
    session: Session, world: Provider
) -> None:
    apprenticeship = world.enrol(session)
    for code in ("K1", "S1", "K2"):  # D1 = K1 + S1, D2 = K2 + B1
        sign_off(session, apprenticeship, code, world.tutor)
    duties = {duty.code: duty for duty in coverage_of(session, apprenticeship).duties}
    assert (duties["D1"].covered, duties["D2"].covered) == (True, False)
    assert duties["D2"].tally.signed_off == 1


def test_progress_compares_sign_offs_with_the_time_gone(session: Session, world: Provider) -> None:
    apprenticeship = world.enrol(session)
    sign_off(session, apprenticeship, "K1", world.tutor)
    coverage = coverage_of(session, apprenticeship)  # day 50 of 100, 1 of 4 signed off
    assert (coverage.progress.expected, coverage.progress.actual) == (0.5, 0.25)
    assert coverage.progress.rag is Rag.AMBER
    assert coverage.progress == progress(
        start=START, planned_end=END, today=TODAY, signed_off=1, total=4
    )


# --- a page of apprenticeships ----------------------------------------------------


def test_empty_page_has_no_coverage(session: Session) -> None:
    assert cohort_coverage(session, apprenticeships=[], today=TODAY) == {}


def test_cohort_coverage_equals_each_apprenticeships_own(session: Session, world: Provider) -> None:
    other = make_standard(session, ksb_codes=("K1", "S1", "S2"), duties={"D9": ("S1", "S2")})
    page = [world.enrol(session) for _ in range(3)] + [world.enrol(session, other) for _ in "ab"]
    ids = [a.id for a in page]
    make_evidence(session, apprenticeship=page[0], state="submitted", claims={"K1": "claimed"})
    make_evidence(session, apprenticeship=page[1], state="accepted", claims={"S1": "confirmed"})
    make_evidence(session, apprenticeship=page[3], state="accepted", claims={"S2": "rejected"})
    sign_off(session, page[3], "S1", world.tutor)
    sign_off(session, page[4], "K1", world.tutor)

    cohort = cohort_coverage(session, apprenticeships=page, today=TODAY)

    assert cohort == {a.id: coverage_of(session, a) for a in page}
    assert [len(coverage.ksbs) for coverage in cohort.values()] == [4, 4, 4, 3, 3]
    assert list(cohort) == ids


# --- a fixed number of statements -------------------------------------------------


def reloaded(session: Session, apprenticeships: Sequence[Apprenticeship]) -> list[Apprenticeship]:
    """Commit, forget every loaded object, and load the page afresh as a request would."""
    ids = [a.id for a in apprenticeships]
    session.commit()
    session.expunge_all()
    statement = select(Apprenticeship).where(col(Apprenticeship.id).in_(ids))
    return list(session.exec(statement.order_by(col(Apprenticeship.id))))


def add_evidence(session: Session, world: Provider, apprenticeship: Apprenticeship) -> None:
    """About ten times the evidence of one item: items in every state, and sign-offs."""
    for state, claim in [("submitted", "claimed"), ("accepted", "confirmed")] * 4:
        claims = dict.fromkeys(("K1", "K2", "S1", "B1"), claim)
        make_evidence(session, apprenticeship=apprenticeship, state=state, claims=claims)
    make_evidence(session, apprenticeship=apprenticeship, state="draft", claims={"K1": "claimed"})
    make_evidence(
        session, apprenticeship=apprenticeship, state="accepted", claims={"S1": "rejected"}
    )
    for code in ("K1", "S1", "B1"):
        sign_off(session, apprenticeship, code, world.tutor)


def count_one(session: Session, engine: Engine, apprenticeship: Apprenticeship) -> int:
    (fresh,) = reloaded(session, [apprenticeship])
    with statements_run(engine) as statements:
        apprenticeship_coverage(session, apprenticeship=fresh, today=TODAY)
    return len(statements)


def count_page(session: Session, engine: Engine, page: Sequence[Apprenticeship]) -> int:
    fresh = reloaded(session, page)
    with statements_run(engine) as statements:
        cohort_coverage(session, apprenticeships=fresh, today=TODAY)
    return len(statements)


def test_one_apprenticeship_takes_the_same_statements_with_ten_times_the_data(
    session: Session, engine: Engine, world: Provider
) -> None:
    apprenticeship = world.enrol(session)
    make_evidence(
        session, apprenticeship=apprenticeship, state="submitted", claims={"K1": "claimed"}
    )
    little = count_one(session, engine, apprenticeship)
    add_evidence(session, world, apprenticeship)
    more = count_one(session, engine, apprenticeship)
    assert (little, more) == (little, little)
    assert little <= 3


def test_cohort_takes_the_same_statements_for_5_or_50_apprenticeships(
    session: Session, engine: Engine, world: Provider
) -> None:
    other = make_standard(session, ksb_codes=("K1", "K2", "S1", "B1", "B2"))
    page = [world.enrol(session, other if i % 2 else None) for i in range(5)]
    make_evidence(session, apprenticeship=page[0], state="submitted", claims={"K1": "claimed"})
    five = count_page(session, engine, page)
    page += [world.enrol(session, other if i % 2 else None) for i in range(45)]
    for apprenticeship in page[::5]:
        add_evidence(session, world, apprenticeship)
    fifty = count_page(session, engine, page)
    assert (five, fifty) == (five, five)
    assert five <= 3
