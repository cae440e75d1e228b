"""Reading the sign-off grid: every KSB of an apprenticeship with its state and evidence counts."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from app.dashboards.coverage import KsbFacts, KsbState, ksb_state
from app.dashboards.queries import ksb_facts
from app.models import Apprenticeship, Ksb, KsbSignoff, User
from app.standards.queries import standard_ksbs

STATE_WORDS = {
    KsbState.NOT_STARTED: "Not started",
    KsbState.CLAIMED: "Claimed",
    KsbState.EVIDENCED: "Evidenced",
    KsbState.SIGNED_OFF: "Signed off",
}


@dataclass(frozen=True)
class SignoffInfo:
    signed_by: str
    signed_at: datetime
    override_reason: str | None


@dataclass(frozen=True)
class GridRow:
    code: str
    kind: str
    text: str
    state: KsbState
    pending_claims: int
    confirmed_claims: int
    rejected_claims: int
    signoff: SignoffInfo | None

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state]

    @property
    def needs_reason(self) -> bool:
        """Signing off without a confirmed claim needs a reason (an override)."""
        return self.confirmed_claims == 0


def _signoffs(session: Session, apprenticeship_id: int) -> dict[int, SignoffInfo]:
    statement = (
        select(KsbSignoff, User.name)
        .join(User, col(User.id) == KsbSignoff.signed_by_id)
        .where(KsbSignoff.apprenticeship_id == apprenticeship_id)
    )
    return {
        row.ksb_id: SignoffInfo(name, row.signed_at, row.override_reason)
        for row, name in session.exec(statement)
    }


def grid_rows(session: Session, *, apprenticeship: Apprenticeship) -> list[GridRow]:
    """Every KSB, K then S then B in the standard's order, in three statements."""
    apprenticeship_id = apprenticeship.id or 0
    facts = {f.code: f for f in ksb_facts(session, [apprenticeship_id]).get(apprenticeship_id, [])}
    signoffs = _signoffs(session, apprenticeship_id)
    return [
        _row(ksb, facts, signoffs) for ksb in standard_ksbs(session, apprenticeship.standard_id)
    ]


def _row(ksb: Ksb, facts: dict[str, KsbFacts], signoffs: dict[int, SignoffInfo]) -> GridRow:
    fact = facts[ksb.code]
    return GridRow(
        code=ksb.code,
        kind=str(ksb.kind),
        text=ksb.text,
        state=ksb_state(fact),
        pending_claims=fact.pending_claims,
        confirmed_claims=fact.confirmed_claims,
        rejected_claims=fact.rejected_claims,
        signoff=signoffs.get(ksb.id or 0),
    )


def grid_row(session: Session, *, apprenticeship: Apprenticeship, code: str) -> GridRow | None:
    """One row, as the grid shows it after a change (the grid's own statements, filtered)."""
    return next(
        (row for row in grid_rows(session, apprenticeship=apprenticeship) if row.code == code),
        None,
    )
