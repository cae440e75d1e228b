"""The bench data generator, on SQLite and PostgreSQL: shape of the data and who can sign in."""

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from app.auth.passwords import verify_password
from app.errors import Conflict
from app.models import (
    Apprenticeship,
    ApprenticeshipSummary,
    EvidenceItem,
    KsbClaim,
    KsbSignoff,
    Organisation,
    User,
)
from bench.generate import generate
from bench.people import PASSWORD, Shape, apprentice_email, layout, manager_email, staff_email
from bench.targets import look_up

TODAY = date(2026, 11, 29)
SHAPE = Shape(
    apprenticeships=30,
    per_provider=15,
    per_employer=5,
    per_tutor=5,
    big_employer=2,
    items=(3, 5),
    claims=(2, 4),
)


@pytest.fixture
def generated(engine: Engine, session: Session) -> Session:
    generate(engine, shape=SHAPE, today=TODAY)
    return session


def count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


# --- sizes, without a database --------------------------------------------------------------


def test_providers_share_the_apprenticeships_evenly() -> None:
    assert Shape(apprenticeships=10_001, per_provider=2_500).provider_sizes() == [2001] + [2000] * 4


def test_ten_thousand_give_tutors_and_employers_of_about_fifty() -> None:
    plan = layout(2_500, Shape())
    assert (plan.tutors, plan.employers) == (50, 50)


def test_the_first_employer_holds_the_heatmap_cohort_of_500() -> None:
    plan = layout(2_500, Shape())
    assert sum(plan.employer_of(n) == 0 for n in range(2_500)) == 500


def test_the_other_employers_share_the_rest() -> None:
    plan = layout(2_500, Shape())
    sizes = Counter(plan.employer_of(n) for n in range(500, 2_500))
    assert max(sizes.values()) - min(sizes.values()) <= 1


# --- the generated database -----------------------------------------------------------------


def test_generates_the_apprenticeships_asked_for(generated: Session) -> None:
    assert count(generated, Apprenticeship) == 30


def test_apprenticeships_are_spread_over_providers(generated: Session) -> None:
    providers = generated.scalars(select(col(Apprenticeship.provider_id))).all()
    assert sorted(Counter(providers).values()) == [15, 15]


def test_each_apprenticeship_has_items_in_the_asked_range(generated: Session) -> None:
    owners = Counter(generated.scalars(select(col(EvidenceItem.apprenticeship_id))).all())
    assert len(owners) == 30 and set(owners.values()) <= {3, 4, 5}


def test_each_item_claims_ksbs_in_the_asked_range(generated: Session) -> None:
    claims = Counter(generated.scalars(select(col(KsbClaim.evidence_id))).all())
    assert len(claims) == count(generated, EvidenceItem) and set(claims.values()) <= {2, 3, 4}


def test_some_but_not_all_ksbs_are_signed_off(generated: Session) -> None:
    assert 0 < count(generated, KsbSignoff) < 30 * 39


def test_every_apprenticeship_has_a_summary_matching_its_sign_offs(generated: Session) -> None:
    signed = Counter(generated.scalars(select(col(KsbSignoff.apprenticeship_id))).all())
    summaries = generated.scalars(select(ApprenticeshipSummary)).all()
    assert len(summaries) == 30
    assert all(s.signed_off == signed[s.apprenticeship_id] for s in summaries)


def test_items_are_in_every_state(generated: Session) -> None:
    states = set(generated.scalars(select(col(EvidenceItem.state))).all())
    assert {"draft", "submitted", "accepted"} <= states


def test_the_first_employer_is_the_big_one(generated: Session) -> None:
    big = generated.scalars(
        select(col(User.organisation_id)).where(col(User.email) == manager_email(1, 1))
    ).one()
    assert count_at_employer(generated, big) == 2


def count_at_employer(session: Session, employer_id: int) -> int:
    statement = select(func.count()).where(col(Apprenticeship.employer_id) == employer_id)
    return session.execute(statement).scalar_one()


def test_employers_belong_to_their_provider(generated: Session) -> None:
    employers = generated.scalars(select(Organisation).where(col(Organisation.kind) == "employer"))
    assert all(e.provider_id is not None for e in employers)


@pytest.mark.parametrize(
    "email", [apprentice_email(30), staff_email("tutor", 2, 1), staff_email("admin", 1)]
)
def test_generated_people_sign_in_with_the_known_password(generated: Session, email: str) -> None:
    user = generated.scalars(select(User).where(col(User.email) == email)).one()
    assert verify_password(PASSWORD, user.password_hash)[0]


def test_the_harness_finds_its_viewers_in_the_data(generated: Session) -> None:
    facts = look_up(generated)
    assert facts.ids["apprenticeship_id"] and facts.ids["big_employer_id"]


def test_a_database_with_users_is_refused(engine: Engine, generated: Session) -> None:
    with pytest.raises(Conflict):
        generate(engine, shape=SHAPE, today=TODAY)
