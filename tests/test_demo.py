"""Demo data: the documented accounts, apprentices at different stages, realistic evidence."""

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app import demo
from app.db import open_session
from app.errors import Conflict
from app.evidence.storage import LocalStorage
from app.models import (
    Apprenticeship,
    Event,
    EvidenceFile,
    EvidenceItem,
    GatewayCheck,
    IqaSample,
    KsbClaim,
    KsbSignoff,
    ReviewDecision,
    User,
)
from app.progress.queries import apprenticeship_coverage
from app.settings import Settings

TODAY = date(2026, 11, 29)


@pytest.fixture
def seeded(engine: Engine, settings: Settings) -> Iterator[Session]:
    demo.seed_demo(engine, settings=settings, apprentices=6, today=TODAY)
    # Closed at teardown: an open PostgreSQL transaction would block the next test's TRUNCATE.
    with open_session(engine) as session:
        yield session


def count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_demo_creates_the_documented_accounts(seeded: Session) -> None:
    emails = set(seeded.exec(select(User.email)).all())
    staff = {"admin", "tutor", "iqa"}
    assert {f"{who}@provider.example.org" for who in staff} <= emails
    assert {"manager@employer-a.example.org", "manager@employer-b.example.org"} <= emails
    for employer in "ab":
        assert {f"apprentice{n}@employer-{employer}.example.org" for n in (1, 2)} <= emails


def test_demo_apprentices_are_at_different_stages(seeded: Session) -> None:
    apprenticeships = seeded.exec(select(Apprenticeship)).all()
    shares = {
        apprenticeship_coverage(seeded, apprenticeship=a, today=TODAY).overall.signed_off
        for a in apprenticeships
    }
    assert len(shares) >= 3, f"signed-off counts should differ by stage, got {shares}"


def test_demo_evidence_has_claims_decisions_sign_offs_and_files(
    seeded: Session, settings: Settings
) -> None:
    assert count(seeded, EvidenceItem) > 20
    states = set(seeded.exec(select(EvidenceItem.state)).all())
    assert {"draft", "submitted", "accepted", "referred"} <= states
    assert all(seeded.exec(select(KsbClaim.justification)).all())
    assert count(seeded, KsbSignoff) > 0
    storage = LocalStorage(settings.files_dir)
    keys = seeded.exec(select(EvidenceFile.storage_key)).all()
    assert keys and all(storage.exists(key) for key in keys)


def test_demo_refuses_a_database_that_has_users(
    seeded: Session, engine: Engine, settings: Settings
) -> None:
    with pytest.raises(Conflict):
        demo.seed_demo(engine, settings=settings, apprentices=1)


def test_demo_keeps_every_summary_current(seeded: Session) -> None:
    from app.models import ApprenticeshipSummary

    assert count(seeded, ApprenticeshipSummary) == count(seeded, Apprenticeship)


def test_demo_ticks_gateway_requirements_of_the_most_advanced_apprentice(seeded: Session) -> None:
    advanced = seeded.exec(select(Apprenticeship).order_by(col(Apprenticeship.start_date))).first()
    assert advanced is not None
    checks = seeded.exec(select(GatewayCheck)).all()
    assert len(checks) == 2
    assert {check.apprenticeship_id for check in checks} == {advanced.id}
    for check in checks:
        item = seeded.get(EvidenceItem, check.evidence_id)
        assert item is not None and item.apprenticeship_id == advanced.id
        assert item.state == "accepted"
    ticked = seeded.exec(select(Event).where(Event.action == "gateway.check_ticked")).all()
    assert sorted(e.data["requirement"] for e in ticked) == sorted(c.requirement for c in checks)


def test_demo_iqa_agrees_with_one_decision_and_disagrees_with_another(seeded: Session) -> None:
    iqa = seeded.exec(select(User).where(User.email == "iqa@provider.example.org")).one()
    samples = seeded.exec(select(IqaSample)).all()
    assert {s.verdict for s in samples} == {"agree", "disagree"}
    assert all(s.sampled_by_id == iqa.id for s in samples)
    disagree = next(s for s in samples if s.verdict == "disagree")
    assert disagree.comment.strip()
    sampled = seeded.exec(select(Event).where(Event.action == "iqa.sampled")).all()
    assert {e.target_id for e in sampled} == {s.decision_id for s in samples}
    assert count(seeded, ReviewDecision) > len(samples), "some decisions are left to sample"


def test_demo_referral_events_carry_the_feedback(seeded: Session) -> None:
    referred = seeded.exec(select(Event).where(Event.action == "evidence.referred")).all()
    assert referred
    assert all(e.data["feedback"] and e.data["rejected"] for e in referred)
