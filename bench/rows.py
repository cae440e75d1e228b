"""The bulk of bench data: apprenticeships with their evidence, claims, decisions and sign-offs."""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from app.models import (
    Apprenticeship,
    Event,
    EvidenceItem,
    KsbClaim,
    KsbSignoff,
    ReviewDecision,
    User,
)
from app.progress.summaries import refresh_summaries
from bench.people import Shape, apprentice_email
from bench.world import World, insert_ids, table_of

REFERRAL = "Please add what you did yourself and how you checked the result."


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _event(
    action: str, actor: int, owner: dict[str, Any], day: date, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An evidence event; its target id is filled in once the item has one."""
    return {
        "action": action,
        "actor_id": actor,
        "target_type": "evidence_item",
        "target_id": None,
        "apprenticeship_id": owner["id"],
        "provider_id": owner["provider_id"],
        "occurred_at": _at(day, 16),
        "data": data or {},
    }


def _apprenticeships(
    session: Session, world: World, indexes: range, rng: random.Random, today: date
) -> list[dict[str, Any]]:
    """Users and apprenticeships of a batch; returns the apprenticeship rows with their ids."""
    placed = [world.place(i) for i in indexes]
    user_ids = insert_ids(
        session,
        User,
        [
            {
                "email": apprentice_email(i + 1),
                "name": f"Apprentice {i + 1}",
                "role": "apprentice",
                "organisation_id": p.employer_ids[p.layout.employer_of(local)],
                "password_hash": world.password_hash,
            }
            for i, (p, local) in zip(indexes, placed, strict=True)
        ],
    )
    rows = []
    for uid, (provider, local) in zip(user_ids, placed, strict=True):
        start = today - timedelta(days=rng.randint(30, 700))
        rows.append(
            {
                "apprentice_id": uid,
                "standard_id": world.standard_id,
                "provider_id": provider.id,
                "employer_id": provider.employer_ids[provider.layout.employer_of(local)],
                "tutor_id": provider.tutor_ids[provider.layout.tutor_of(local)],
                "start_date": start,
                "planned_end_date": start + timedelta(days=730),
                "status": "active",
            }
        )
    for row, new_id in zip(rows, insert_ids(session, Apprenticeship, rows), strict=True):
        row["id"] = new_id
    return rows


def _item_state(number: int, count: int, rng: random.Random) -> str:
    """Old items are decided; the newest tenth (at least one) is a draft or awaits review."""
    if number >= count - max(1, count // 10):
        return rng.choice(("draft", "submitted"))
    return "referred" if rng.random() < 0.08 else "accepted"


@dataclass
class Batch:
    """Plans one batch's rows; evidence ids are known only once the items are inserted."""

    world: World
    shape: Shape
    rng: random.Random
    today: date
    items: list[dict[str, Any]] = field(default_factory=list)
    claims: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (item no, row)
    decisions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    item_events: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    signoffs: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def plan_items(self, owner: dict[str, Any]) -> None:
        """About 50 items over the apprenticeship so far, each claiming about 3 KSBs."""
        count = self.rng.randint(*self.shape.items)
        days = max((self.today - owner["start_date"]).days, 1)
        for j in range(count):
            template = self.world.templates[self.rng.randrange(len(self.world.templates))]
            day = owner["start_date"] + timedelta(days=days * j // count)
            self._plan_item(owner, template, day, _item_state(j, count, self.rng))

    def _plan_item(
        self, owner: dict[str, Any], template: dict[str, Any], day: date, state: str
    ) -> None:
        no = len(self.items)
        self.items.append(
            {
                "apprenticeship_id": owner["id"],
                "title": template["title"],
                "occurred_on": day,
                "kind": template["kind"],
                "reflection": template["reflection"],
                "state": state,
                "created_by_id": owner["apprentice_id"],
                "created_at": _at(day, 10),
                "updated_at": _at(day, 10),
                "submitted_at": None if state == "draft" else _at(day, 17),
            }
        )
        self._plan_claims(template, state, no)
        if state != "draft":
            who = owner["apprentice_id"]
            self.item_events.append((no, _event("evidence.submitted", who, owner, day)))
        if state in ("accepted", "referred"):
            self._plan_decision(owner, state, no, min(day + timedelta(days=7), self.today))

    def _plan_claims(self, template: dict[str, Any], state: str, no: int) -> None:
        texts = list(template["claims"].values())
        claimed = self.rng.sample(self.world.ksbs, self.rng.randint(*self.shape.claims))
        for n, (ksb_id, code) in enumerate(claimed):
            claim_state = "confirmed" if state == "accepted" else "claimed"
            if state == "referred" and n == 0:
                claim_state = "rejected"
            justification = f"{code}: {texts[n % len(texts)]}"
            self.claims.append(
                (no, {"ksb_id": ksb_id, "state": claim_state, "justification": justification})
            )

    def _plan_decision(self, owner: dict[str, Any], outcome: str, no: int, day: date) -> None:
        feedback = REFERRAL if outcome == "referred" else ""
        row = {
            "reviewer_id": owner["tutor_id"],
            "outcome": outcome,
            "feedback": feedback,
            "decided_at": _at(day, 15),
        }
        self.decisions.append((no, row))
        self.item_events.append((no, _event(f"evidence.{outcome}", owner["tutor_id"], owner, day)))

    def plan_signoffs(self, owner: dict[str, Any]) -> None:
        """Further along, more signed off: the share grows with time gone, averaging shape's."""
        days = (self.today - owner["start_date"]).days
        share = min(1.0, 2 * self.shape.signoff_share * days / 730)
        for ksb_id, code in self.rng.sample(self.world.ksbs, round(len(self.world.ksbs) * share)):
            day = owner["start_date"] + timedelta(days=self.rng.randint(0, days))
            self.signoffs.append(
                {
                    "apprenticeship_id": owner["id"],
                    "ksb_id": ksb_id,
                    "signed_by_id": owner["tutor_id"],
                    "signed_at": _at(day, 16),
                }
            )
            signed = _event("ksb.signed_off", owner["tutor_id"], owner, day, {"code": code})
            self.events.append(dict(signed, target_type="ksb", target_id=ksb_id))

    def write(self, session: Session) -> None:
        item_ids = insert_ids(session, EvidenceItem, self.items)
        claims = [dict(row, evidence_id=item_ids[no]) for no, row in self.claims]
        decisions = [dict(row, evidence_id=item_ids[no]) for no, row in self.decisions]
        events = [dict(row, target_id=item_ids[no]) for no, row in self.item_events]
        for model, rows in (
            (KsbClaim, claims),
            (ReviewDecision, decisions),
            (KsbSignoff, self.signoffs),
            (Event, events + self.events),
        ):
            if rows:
                session.execute(insert(table_of(model)), rows)


def write_batch(
    session: Session, world: World, shape: Shape, indexes: range, today: date, seed: int
) -> int:
    """Apprenticeships `indexes` with all their rows and summaries; returns items written."""
    rng = random.Random(seed * 1_000_003 + indexes.start)  # the same data every run
    owners = _apprenticeships(session, world, indexes, rng, today)
    batch = Batch(world, shape, rng, today)
    for owner in owners:
        batch.plan_items(owner)
        batch.plan_signoffs(owner)
    batch.write(session)
    refresh_summaries(session, apprenticeship_ids=[owner["id"] for owner in owners])
    return len(batch.items)
