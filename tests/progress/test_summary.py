"""apprenticeship_summary mirrors the rows it summarises, after any refresh."""

from datetime import date

from sqlmodel import Session, select

from app import audit
from app.models import Apprenticeship, ApprenticeshipSummary, id_of
from app.progress.queries import apprenticeship_coverage
from app.progress.summaries import refresh_summaries
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
    sign_off,
)


def setup(session: Session) -> tuple[Apprenticeship, object]:
    provider = make_provider(session)
    employer = make_employer(session, provider)
    tutor = make_user(session, provider, "tutor")
    apprentice = make_user(session, employer, "apprentice")
    standard = make_standard(session)
    apprenticeship = make_apprenticeship(
        session,
        standard=standard,
        provider=provider,
        employer=employer,
        apprentice=apprentice,
        tutor=tutor,
        start=date(2026, 1, 1),
        planned_end=date(2027, 12, 31),
    )
    return apprenticeship, tutor


def summary(session: Session, apprenticeship: Apprenticeship) -> ApprenticeshipSummary:
    return session.exec(
        select(ApprenticeshipSummary).where(
            ApprenticeshipSummary.apprenticeship_id == apprenticeship.id
        )
    ).one()


def test_summary_counts_match_the_coverage_engine(session: Session) -> None:
    apprenticeship, tutor = setup(session)
    make_evidence(
        session, apprenticeship=apprenticeship, state="submitted", claims={"K1": "claimed"}
    )
    make_evidence(
        session,
        apprenticeship=apprenticeship,
        state="accepted",
        claims={"K2": "confirmed", "S1": "confirmed"},
    )
    make_evidence(
        session, apprenticeship=apprenticeship, state="referred", claims={"B1": "rejected"}
    )
    sign_off(session, apprenticeship, "S1", tutor)
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    row = summary(session, apprenticeship)
    overall = apprenticeship_coverage(
        session, apprenticeship=apprenticeship, today=date(2026, 6, 1)
    ).overall
    assert (row.ksb_total, row.not_started, row.claimed, row.evidenced, row.signed_off) == (
        overall.total,
        overall.not_started,
        overall.claimed,
        overall.evidenced,
        overall.signed_off,
    )
    assert (row.claimed, row.evidenced, row.signed_off) == (1, 1, 1)
    assert (row.items_awaiting_review, row.items_referred) == (1, 1)
    assert row.oldest_awaiting_since is not None


def test_refresh_replaces_the_previous_summary(session: Session) -> None:
    apprenticeship, tutor = setup(session)
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    assert summary(session, apprenticeship).signed_off == 0
    sign_off(session, apprenticeship, "K1", tutor)
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    session.commit()
    assert summary(session, apprenticeship).signed_off == 1
    assert len(session.exec(select(ApprenticeshipSummary)).all()) == 1


def test_last_activity_is_the_latest_event(session: Session) -> None:
    apprenticeship, tutor = setup(session)
    event = audit.record(
        session,
        action="evidence.submitted",
        actor=tutor,
        target_type="x",
        apprenticeship_id=apprenticeship.id,
    )
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    assert summary(session, apprenticeship).last_activity_at is not None
    assert event.occurred_at is not None


def test_an_apprenticeship_with_nothing_yet_is_all_not_started(session: Session) -> None:
    apprenticeship, _ = setup(session)
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    row = summary(session, apprenticeship)
    assert row.ksb_total == row.not_started == 4
    assert row.last_activity_at is None and row.oldest_awaiting_since is None


def test_a_sign_off_moves_the_slipping_days_later(session: Session) -> None:
    apprenticeship, tutor = setup(session)  # 2026-01-01 to 2027-12-31: 729 days, 4 KSBs
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    before = summary(session, apprenticeship)
    assert (before.behind_on, before.red_on) == (date(2026, 3, 15), date(2026, 7, 3))
    assert (before.provider_id, before.tutor_id) == (apprenticeship.provider_id, tutor.id)
    sign_off(session, apprenticeship, "K1", tutor)
    refresh_summaries(session, apprenticeship_ids=[id_of(apprenticeship)])
    session.expire_all()
    after = summary(session, apprenticeship)
    assert (after.behind_on, after.red_on) == (date(2026, 9, 14), date(2027, 1, 1))
