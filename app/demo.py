"""Demo data: a provider, two employers and a cohort of apprentices at different stages."""

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import PROJECT_ROOT
from app.auth.passwords import hash_password
from app.db import open_session
from app.errors import Conflict, Forbidden
from app.evidence.storage import LocalStorage
from app.models import (
    Apprenticeship,
    Event,
    EvidenceFile,
    EvidenceItem,
    GatewayCheck,
    IqaSample,
    Ksb,
    KsbClaim,
    KsbSignoff,
    Organisation,
    ReviewDecision,
    Standard,
    User,
    id_of,
)
from app.progress.summaries import refresh_summaries
from app.settings import Settings
from app.standards.importer import import_standards, load_file

DEMO_FILE = PROJECT_ROOT / "seed" / "demo.json"
STANDARDS_DIR = PROJECT_ROOT / "seed" / "standards"
BATCH = 250
DEFAULT_APPRENTICES = 6
# Apprentices beyond this many get no generated files: 10,000 cohorts stay quick to seed.
FILES_FOR_FIRST = 24
# Gateway ticks for the most advanced apprentice of the first batch, each shown by an item.
DEMO_TICKS = ("employer_declaration", "time_on_programme")
DISAGREE_COMMENT = (
    "The reflection does not say what the apprentice did themselves; "
    "I would have referred this for more detail on their own part."
)


@dataclass(frozen=True)
class People:
    provider_id: int
    tutor_id: int
    iqa_id: int
    employer_ids: tuple[int, ...]
    password_hash: str


def import_seed_standards(session: Session) -> None:
    """Load every standard shipped in seed/standards (a no-op when already loaded)."""
    for path in sorted(STANDARDS_DIR.glob("*.json")):
        import_standards(session, standards=load_file(path))


def seed_demo(
    engine: Engine,
    *,
    settings: Settings,
    apprentices: int = DEFAULT_APPRENTICES,
    today: date | None = None,
    progress: Callable[[int], None] = lambda _n: None,
) -> int:
    """Seed an empty database; returns how many apprentices were created."""
    if settings.env == "prod":
        raise Forbidden("Demo data is never seeded with PORTFOLIO_ENV=prod.")
    plan = json.loads(DEMO_FILE.read_text())
    storage = LocalStorage(settings.files_dir)
    if has_users(engine):
        raise Conflict("The database already has users; demo data goes only into an empty one.")
    with open_session(engine) as session:
        import_seed_standards(session)
        people = _seed_people(session, plan, settings.demo_password)
        session.commit()
    for first in range(0, apprentices, BATCH):
        with open_session(engine) as session:
            count = min(BATCH, apprentices - first)
            writes = _seed_batch(session, plan, people, range(first, first + count), today, storage)
            session.commit()
        for key, data in writes:
            storage.put_bytes(key, data)
        progress(count)
    return apprentices


def _seed_people(session: Session, plan: dict[str, Any], password: str) -> People:
    password_hash = hash_password(password)  # one hash for all demo accounts keeps 10,000 fast
    provider_id = _add(session, Organisation, name=plan["provider"]["name"], kind="provider")
    staff_ids = {
        staff["role"]: _add(
            session, User, **staff, organisation_id=provider_id, password_hash=password_hash
        )
        for staff in plan["staff"]
    }
    employer_ids = []
    for employer in plan["employers"]:
        org_id = _add(
            session, Organisation, name=employer["name"], kind="employer", provider_id=provider_id
        )
        _add(
            session,
            User,
            email=f"manager@employer-{employer['key']}.example.org",
            name=employer["manager"],
            role="employer",
            organisation_id=org_id,
            password_hash=password_hash,
        )
        employer_ids.append(org_id)
    return People(
        provider_id, staff_ids["tutor"], staff_ids["iqa"], tuple(employer_ids), password_hash
    )


def _add(session: Session, model: type[Any], **values: Any) -> int:
    return _insert(session, model, [values])[0]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _insert(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Bulk insert, returning the new ids in the order of the rows."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def _st0949(session: Session) -> tuple[int, dict[str, int]]:
    """The demo standard's id and its KSB ids by code."""
    standard = session.exec(select(Standard).where(Standard.reference == "ST0949")).one()
    rows = session.exec(select(Ksb.code, Ksb.id).where(Ksb.standard_id == standard.id)).all()
    return id_of(standard), {code: ksb_id for code, ksb_id in rows if ksb_id is not None}


def _apprentice(
    plan: dict[str, Any], people: People, index: int, rng: random.Random
) -> dict[str, Any]:
    employers = plan["employers"]
    which = index % len(employers)
    number = index // len(employers) + 1
    names, stages = plan["apprentice_names"], plan["stages_months_in"]
    name = names[index % len(names)] + ("" if index < len(names) else f" {number}")
    months_in = stages[index] if index < len(stages) else rng.randint(1, 23)
    return {
        "email": f"apprentice{number}@employer-{employers[which]['key']}.example.org",
        "name": name,
        "employer_id": people.employer_ids[which],
        "months_in": months_in,
    }


@dataclass
class Batch:
    """Rows for one batch of apprentices, gathered before bulk inserts."""

    items: list[dict[str, Any]]
    claims: list[list[tuple[str, str, str]]]  # per item: (code, state, justification)
    decisions: list[tuple[int, dict[str, Any]]]  # (item index, row)
    signoffs: list[dict[str, Any]]
    events: list[dict[str, Any]]


def _item_state(index: int, j: int, count: int) -> str:
    if j == count - 1:
        return "draft" if index % 5 == 4 else "submitted"
    if j == count - 2 and index % 3 == 1:
        return "referred"
    return "accepted"


def _plan_evidence(
    plan: dict[str, Any],
    people: People,
    index: int,
    apprenticeship_id: int,
    apprentice_id: int,
    start: date,
    today: date,
    batch: Batch,
    ksb_ids: dict[str, int],
) -> None:
    """Evidence, decisions, sign-offs and events for one apprentice, spread over their time."""
    templates = plan["evidence"]
    days_in = max((today - start).days, 14)
    count = max(1, round(len(templates) * days_in / 730))
    signed: set[int] = set()
    for j in range(count):
        template = templates[(index + j) % len(templates)]
        occurred = start + timedelta(days=int((j + 0.5) * days_in / count))
        state = _item_state(index, j, count)
        batch.items.append(
            {
                "apprenticeship_id": apprenticeship_id,
                "title": template["title"],
                "occurred_on": occurred,
                "kind": template["kind"],
                "reflection": template["reflection"],
                "state": state,
                "created_by_id": apprentice_id,
                "submitted_at": None if state == "draft" else _at(occurred, 17),
                "created_at": _at(occurred),
                "updated_at": _at(occurred),
            }
        )
        item_no = len(batch.items) - 1
        if state != "draft":
            batch.events.append(
                _event(
                    "evidence.submitted",
                    apprentice_id,
                    "evidence_item",
                    item_no,
                    apprenticeship_id,
                    people,
                    occurred,
                )
            )
        claim_state = {"accepted": "confirmed", "referred": "claimed"}.get(state, "claimed")
        claims = [(code, claim_state, text) for code, text in template["claims"].items()]
        if state == "referred":
            claims[0] = (claims[0][0], "rejected", claims[0][2])
        batch.claims.append(claims)
        if state in ("accepted", "referred"):
            decided = min(occurred + timedelta(days=7), today)
            feedback = (
                ""
                if state == "accepted"
                else (
                    "Good start. Please add what you did yourself and how you checked the result."
                )
            )
            batch.decisions.append(
                (
                    item_no,
                    {
                        "reviewer_id": people.tutor_id,
                        "outcome": state,
                        "feedback": feedback,
                        "decided_at": _at(decided, 15),
                    },
                )
            )
            batch.events.append(
                _event(
                    f"evidence.{state}",
                    people.tutor_id,
                    "evidence_item",
                    item_no,
                    apprenticeship_id,
                    people,
                    decided,
                    _decision_data(feedback, claims),
                )
            )
        if state == "accepted" and (today - occurred).days > 60:
            for code, _, _ in claims:
                if ksb_ids[code] not in signed:
                    signed.add(ksb_ids[code])
                    when = occurred + timedelta(days=21)
                    batch.signoffs.append(
                        {
                            "apprenticeship_id": apprenticeship_id,
                            "ksb_id": ksb_ids[code],
                            "signed_by_id": people.tutor_id,
                            "signed_at": _at(when, 16),
                        }
                    )
                    batch.events.append(
                        _event(
                            "ksb.signed_off",
                            people.tutor_id,
                            "ksb",
                            ksb_ids[code],
                            apprenticeship_id,
                            people,
                            when,
                            {"code": code},
                        )
                    )


def _decision_data(feedback: str, claims: list[tuple[str, str, str]]) -> dict[str, Any]:
    """What the review service records with a decision, so notifications read the same."""
    return {
        "feedback": feedback,
        "confirmed": sorted(code for code, state, _ in claims if state == "confirmed"),
        "rejected": sorted(code for code, state, _ in claims if state == "rejected"),
    }


def _event(
    action: str,
    actor: int,
    target_type: str,
    target: int,
    apprenticeship_id: int,
    people: People,
    day: date,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    # For evidence events `target` is the item's index in the batch until ids are known.
    return {
        "action": action,
        "actor_id": actor,
        "target_type": target_type,
        "target_id": target,
        "apprenticeship_id": apprenticeship_id,
        "provider_id": people.provider_id,
        "occurred_at": _at(day, 16),
        "data": data or {},
    }


def _seed_batch(
    session: Session,
    plan: dict[str, Any],
    people: People,
    indexes: range,
    today: date | None,
    storage: LocalStorage,
) -> list[tuple[str, bytes]]:
    today = today or date.today()
    rng = random.Random(indexes.start)  # noqa: S311  (the same cohort every time)
    standard_id, ksb_ids = _st0949(session)
    apprentices = [_apprentice(plan, people, i, rng) for i in indexes]
    user_ids = _insert(
        session,
        User,
        [
            {
                "email": a["email"],
                "name": a["name"],
                "role": "apprentice",
                "organisation_id": a["employer_id"],
                "password_hash": people.password_hash,
            }
            for a in apprentices
        ],
    )
    starts = [today - timedelta(days=int(a["months_in"] * 30.4)) for a in apprentices]
    apprenticeship_ids = _insert(
        session,
        Apprenticeship,
        [
            {
                "apprentice_id": uid,
                "standard_id": standard_id,
                "provider_id": people.provider_id,
                "employer_id": a["employer_id"],
                "tutor_id": people.tutor_id,
                "start_date": start,
                "planned_end_date": start + timedelta(days=730),
                "status": "active",
            }
            for a, uid, start in zip(apprentices, user_ids, starts, strict=True)
        ],
    )
    batch = Batch([], [], [], [], [])
    for i, uid, aid, start in zip(indexes, user_ids, apprenticeship_ids, starts, strict=True):
        _plan_evidence(plan, people, i, aid, uid, start, today, batch, ksb_ids)
    item_ids = _insert(session, EvidenceItem, batch.items)
    decision_ids = _insert_rest(session, batch, item_ids, ksb_ids)
    if indexes.start == 0:  # one showcase per cohort, not one per batch
        months = [a["months_in"] for a in apprentices]
        advanced = apprenticeship_ids[months.index(max(months))]
        _seed_gateway_ticks(session, people, batch, item_ids, advanced, today)
        _seed_iqa_samples(session, people, batch, decision_ids, today)
    refresh_summaries(session, apprenticeship_ids=apprenticeship_ids)
    files = [
        (item_ids[n], row)
        for n, row in enumerate(batch.items)
        if row["apprenticeship_id"] in apprenticeship_ids[: max(0, FILES_FOR_FIRST - indexes.start)]
    ]
    return _attach_files(session, storage, files)


def _insert_rest(
    session: Session, batch: Batch, item_ids: list[int], ksb_ids: dict[str, int]
) -> list[int]:
    """Claims, decisions, sign-offs and events; returns the decision ids in batch order."""
    claims = [
        {"evidence_id": item_ids[n], "ksb_id": ksb_ids[code], "state": state, "justification": text}
        for n, item_claims in enumerate(batch.claims)
        for code, state, text in item_claims
    ]
    decisions = [dict(row, evidence_id=item_ids[n]) for n, row in batch.decisions]
    for event in batch.events:
        if event["target_type"] == "evidence_item":
            event["target_id"] = item_ids[event["target_id"]]
    for model, rows in ((KsbClaim, claims), (KsbSignoff, batch.signoffs), (Event, batch.events)):
        if rows:
            session.execute(insert(model), rows)
    return _insert(session, ReviewDecision, decisions)


def _seed_gateway_ticks(
    session: Session,
    people: People,
    batch: Batch,
    item_ids: list[int],
    apprenticeship_id: int,
    today: date,
) -> None:
    """A tutor has ticked a couple of requirements, each with one of the apprentice's items."""
    shown_by = [
        item_ids[n]
        for n, row in enumerate(batch.items)
        if row["apprenticeship_id"] == apprenticeship_id and row["state"] == "accepted"
    ]
    day = today - timedelta(days=3)
    ticks = [
        {
            "apprenticeship_id": apprenticeship_id,
            "requirement": requirement,
            "evidence_id": evidence_id,
            "ticked_by_id": people.tutor_id,
            "ticked_at": _at(day, 16),
        }
        for requirement, evidence_id in zip(DEMO_TICKS, shown_by, strict=False)
    ]
    events = [
        _event(
            "gateway.check_ticked",
            people.tutor_id,
            "apprenticeship",
            apprenticeship_id,
            apprenticeship_id,
            people,
            day,
            {"requirement": t["requirement"], "evidence_id": t["evidence_id"]},
        )
        for t in ticks
    ]
    if ticks:
        session.execute(insert(GatewayCheck), ticks)
        session.execute(insert(Event), events)


def _seed_iqa_samples(
    session: Session, people: People, batch: Batch, decision_ids: list[int], today: date
) -> None:
    """The IQA has sampled two acceptances: agreed with one, disagreed with the other."""
    accepted = [
        (decision_id, batch.items[n]["apprenticeship_id"], row)
        for decision_id, (n, row) in zip(decision_ids, batch.decisions, strict=True)
        if row["outcome"] == "accepted"
    ]
    if len(accepted) < 2:
        return
    chosen = ((accepted[0], "agree", ""), (accepted[-1], "disagree", DISAGREE_COMMENT))
    samples, events = [], []
    for (decision_id, apprenticeship_id, row), verdict, comment in chosen:
        day = min(row["decided_at"].date() + timedelta(days=5), today)
        samples.append(
            {
                "decision_id": decision_id,
                "sampled_by_id": people.iqa_id,
                "verdict": verdict,
                "comment": comment,
                "sampled_at": _at(day, 12),
            }
        )
        data = {"verdict": verdict, "comment": comment, "reviewer_id": people.tutor_id}
        events.append(
            _event(
                "iqa.sampled",
                people.iqa_id,
                "review_decision",
                decision_id,
                apprenticeship_id,
                people,
                day,
                data,
            )
        )
    session.execute(insert(IqaSample), samples)
    session.execute(insert(Event), events)


def _attach_files(
    session: Session, storage: LocalStorage, items: list[tuple[int, dict[str, Any]]]
) -> list[tuple[str, bytes]]:
    """A small text file row per item; the caller writes the files once the rows commit."""
    rows, writes = [], []
    for item_id, item in items:
        data = f"{item['title']}\n\n{item['reflection']}\n".encode()
        key = storage.new_key()
        writes.append((key, data))
        rows.append(
            {
                "evidence_id": item_id,
                "storage_key": key,
                "original_name": "notes.txt",
                "content_type": "text/plain",
                "size_bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    if rows:
        session.execute(insert(EvidenceFile), rows)
    return writes


def has_users(engine: Engine) -> bool:
    with open_session(engine, read_only=True) as session:
        return bool(session.exec(select(func.count()).select_from(User)).one())
