"""Request and response shapes for review: the decision forms and the JSON API's bodies."""

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, cast

from pydantic import BaseModel, ConfigDict, Field

from app.evidence.schemas import MAX_CLAIMS, Version
from app.models import EvidenceKind
from app.progress.coverage import KsbState, Rag
from app.progress.schemas import TallyOut
from app.review.caseload_queries import CaseloadRow
from app.review.queries import GridRow, QueueRow
from app.review.service import FEEDBACK_MAX, ClaimVerdict, Outcome, Verdict
from app.review.signoff_service import REASON_MAX

KsbCode = Annotated[str, Field(max_length=10, pattern=r"^[A-Za-z]{1,3}[0-9]{1,4}$")]


# --- The browser's decision forms, kept as typed so a refused form comes back unchanged ---
class DecisionForm(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcome: str = ""
    feedback: str = ""
    claims: dict[str, str] = Field(default_factory=dict)  # KSB code -> "confirm" | "reject"

    @classmethod
    def of(cls, fields: Mapping[str, str]) -> "DecisionForm":
        claims = {
            name.removeprefix("claim-").upper(): value
            for name, value in fields.items()
            if name.startswith("claim-") and value in ("confirm", "reject")
        }
        return cls(
            outcome=fields.get("outcome", ""), feedback=fields.get("feedback", ""), claims=claims
        )

    def verdict(self) -> Verdict:
        # Anything but accept or refer is refused by the decision's checks, with a message.
        outcome = cast(Outcome, self.outcome)
        claims: dict[str, ClaimVerdict] = {
            code: "confirm" if value == "confirm" else "reject"
            for code, value in self.claims.items()
        }
        return Verdict(outcome, self.feedback, claims)


# --- JSON API bodies ---
class ClaimDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ksb_code: KsbCode = Field(examples=["K7"])
    decision: ClaimVerdict


class DecisionIn(BaseModel):
    """Accept or refer back a submitted item. Claims left out stay as they are, except that
    accepting confirms every claim still waiting. Referring needs feedback."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    feedback: str = Field(default="", max_length=FEEDBACK_MAX)
    claims: list[ClaimDecisionIn] = Field(default_factory=list, max_length=MAX_CLAIMS)
    version: Version

    def verdict(self) -> Verdict:
        claims = {claim.ksb_code.upper(): claim.decision for claim in self.claims}
        return Verdict(self.outcome, self.feedback, claims)


class SignoffIn(BaseModel):
    """Sign a KSB off. Without a confirmed claim for it, give `override_reason`."""

    model_config = ConfigDict(extra="forbid")

    ksb_code: KsbCode = Field(examples=["K7"])
    override_reason: str | None = Field(default=None, max_length=REASON_MAX)


# --- JSON API answers ---
class SignoffRowOut(BaseModel):
    """One KSB of the sign-off grid."""

    code: str
    kind: str
    text: str
    state: KsbState
    pending_claims: int
    confirmed_claims: int
    rejected_claims: int
    signed_off_by: str | None
    signed_off_at: datetime | None
    override_reason: str | None

    @classmethod
    def of(cls, row: GridRow) -> "SignoffRowOut":
        signoff = row.signoff
        return cls(
            code=row.code,
            kind=row.kind,
            text=row.text,
            state=row.state,
            pending_claims=row.pending_claims,
            confirmed_claims=row.confirmed_claims,
            rejected_claims=row.rejected_claims,
            signed_off_by=signoff.signed_by if signoff else None,
            signed_off_at=signoff.signed_at if signoff else None,
            override_reason=signoff.override_reason if signoff else None,
        )


class SignoffGridOut(BaseModel):
    apprenticeship_id: int
    ksbs: list[SignoffRowOut]


class QueueItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    evidence_id: int = Field(validation_alias="id")
    title: str
    kind: EvidenceKind
    version: int
    apprenticeship_id: int
    apprentice_name: str
    waiting_since: datetime | None
    waited_seconds: int | None
    ksb_codes: list[str]
    can_decide: bool = Field(validation_alias="decidable")


class QueueOut(BaseModel):
    """Submitted evidence across your caseload, oldest first; `total` counts beyond the page."""

    items: list[QueueItemOut]
    total: int

    @classmethod
    def of(cls, rows: list[QueueRow], total: int) -> "QueueOut":
        return cls(items=[QueueItemOut.model_validate(row) for row in rows], total=total)


class CaseloadRowOut(BaseModel):
    apprenticeship_id: int
    apprentice_name: str
    employer_id: int
    employer_name: str
    status: str
    ksbs: TallyOut
    items_awaiting_review: int
    oldest_awaiting_since: datetime | None
    items_referred: int
    last_activity_at: datetime | None
    rag: Rag
    rag_reason: str

    @classmethod
    def of(cls, row: CaseloadRow) -> "CaseloadRowOut":
        return cls(
            apprenticeship_id=row.apprenticeship_id,
            apprentice_name=row.apprentice_name,
            employer_id=row.employer_id,
            employer_name=row.employer_name,
            status=row.status,
            ksbs=TallyOut.model_validate(row.tally),
            items_awaiting_review=row.awaiting,
            oldest_awaiting_since=row.oldest_awaiting_since,
            items_referred=row.referred,
            last_activity_at=row.last_activity_at,
            rag=row.progress.rag,
            rag_reason=row.progress.reason,
        )
