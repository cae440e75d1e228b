"""Property: for random worlds and viewers, the SQL scopes and the object checks agree."""

from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.auth import policy
from app.models import (
    Apprenticeship,
    ApprenticeshipSummary,
    EvidenceItem,
    Organisation,
    Role,
    User,
)
from app.progress.summaries import refresh_summaries
from tests.factories import (
    make_apprenticeship,
    make_employer,
    make_evidence,
    make_provider,
    make_standard,
    make_user,
)


@dataclass
class People:
    providers: list[Organisation]
    employers: list[Organisation]  # two per provider
    users: list[User]  # every role at every organisation


@pytest.fixture
def people(session: Session) -> People:
    providers = [make_provider(session) for _ in range(2)]
    employers = [make_employer(session, p) for p in providers for _ in range(2)]
    users = [make_user(session, p, role) for p in providers for role in ("tutor", "iqa", "admin")]
    users += [make_user(session, e, role) for e in employers for role in ("apprentice", "employer")]
    session.commit()
    return People(providers, employers, users)


apprenticeship_specs = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(0, 99),
        st.integers(0, 99),
        st.booleans(),
        st.sampled_from(["draft", "submitted", "accepted", "referred"]),
    ),
    min_size=1,
    max_size=8,
)


def build(session: Session, people: People, specs: list[tuple[int, int, int, bool, str]]) -> None:
    standard = make_standard(session)
    for employer_no, apprentice_pick, tutor_pick, has_tutor, state in specs:
        employer = people.employers[employer_no]
        provider = next(p for p in people.providers if p.id == employer.provider_id)
        apprentices = [u for u in people.users if u.role == Role.APPRENTICE]
        tutors = [u for u in people.users if u.role == Role.TUTOR]  # any provider's, on purpose
        apprenticeship = make_apprenticeship(
            session,
            standard=standard,
            provider=provider,
            employer=employer,
            apprentice=apprentices[apprentice_pick % len(apprentices)],
            tutor=tutors[tutor_pick % len(tutors)] if has_tutor else None,
            start=date(2026, 1, 1),
            planned_end=date(2027, 1, 1),
        )
        make_evidence(session, apprenticeship=apprenticeship, state=state)


def check_agreement(session: Session, viewer: User) -> None:
    everything = session.exec(select(Apprenticeship)).all()
    listed = set(
        session.exec(
            select(col(Apprenticeship.id)).where(policy.apprenticeship_scope(viewer))
        ).all()
    )
    assert listed == {a.id for a in everything if policy.can_see_apprenticeship(viewer, a)}
    sampled = set(
        session.exec(select(col(Apprenticeship.id)).where(policy.iqa_scope(viewer))).all()
    )
    assert sampled == {a.id for a in everything if policy.can_sample(viewer, a)}
    refresh_summaries(session, apprenticeship_ids=[a.id for a in everything if a.id])
    summarised = set(
        session.exec(
            select(col(ApprenticeshipSummary.apprenticeship_id)).where(policy.summary_scope(viewer))
        ).all()
    )
    assert summarised == (listed if viewer.role in policy.PROVIDER_STAFF else set())
    pairs = session.exec(
        select(EvidenceItem, Apprenticeship).join(
            Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id
        )
    ).all()
    visible = set(
        session.exec(
            select(col(EvidenceItem.id))
            .join(Apprenticeship, col(Apprenticeship.id) == EvidenceItem.apprenticeship_id)
            .where(policy.evidence_scope(viewer))
        ).all()
    )
    assert visible == {i.id for i, a in pairs if policy.can_see_evidence(viewer, i, a)}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=apprenticeship_specs, viewer_pick=st.integers(0, 13))
def test_scopes_and_object_checks_agree(
    session: Session, people: People, specs: list[tuple[int, int, int, bool, str]], viewer_pick: int
) -> None:
    nested = session.begin_nested()
    try:
        build(session, people, specs)
        check_agreement(session, people.users[viewer_pick % len(people.users)])
    finally:
        nested.rollback()


def test_drafts_are_the_apprentices_alone(session: Session, people: People) -> None:
    build(session, people, [(0, 0, 0, True, "draft")])
    apprenticeship = session.exec(select(Apprenticeship)).one()
    owner = session.get(User, apprenticeship.apprentice_id)
    assert owner is not None
    item = session.exec(select(EvidenceItem)).one()
    staff = [u for u in people.users if u.role in policy.PROVIDER_STAFF or u.role == Role.EMPLOYER]
    assert policy.can_see_evidence(owner, item, apprenticeship)
    assert not any(policy.can_see_evidence(u, item, apprenticeship) for u in staff)


def test_per_viewer_builds_once_per_identity(session: Session, people: People) -> None:
    built: list[tuple[int | None, Role, int]] = []

    @policy.per_viewer
    def statement(viewer: User, extra: int) -> tuple[int | None, Role, int]:
        built.append((viewer.id, viewer.role, extra))
        return (viewer.id, viewer.role, extra)

    tutor, iqa = people.users[0], people.users[1]
    assert statement(tutor, 1) == statement(tutor, 1) == (tutor.id, Role.TUTOR, 1)
    assert statement(iqa, 1) == (iqa.id, Role.IQA, 1)
    assert statement(tutor, 2) == (tutor.id, Role.TUTOR, 2)
    tutor.role = Role.ADMIN  # a changed role is a new identity, never the old statement
    assert statement(tutor, 1) == (tutor.id, Role.ADMIN, 1)
    assert len(built) == 4
