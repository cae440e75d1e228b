"""Request and response shapes for evidence: the browser form, and the JSON API's bodies."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.evidence.uploads import Upload
from app.models import ClaimState, EvidenceItem, EvidenceKind, EvidenceState
from app.models.base import MAX_INT32

TITLE_MAX = 200
REFLECTION_MAX = 20_000
JUSTIFICATION_MAX = 1_000
MAX_CLAIMS = 200  # far above any standard's KSB count; only stops absurd requests
Version = Annotated[int, Field(ge=1, le=MAX_INT32, description="The version you last read.")]


class EvidenceForm(BaseModel):
    """What the apprentice typed, kept as text so that a refused form comes back unchanged.

    Only these fields exist: a state, owner or id sent with the form is never read.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = ""
    occurred_on: str = ""
    kind: str = ""
    reflection: str = ""
    claims: dict[str, str] = Field(default_factory=dict)  # KSB code -> justification

    @classmethod
    def from_upload(cls, upload: Upload) -> "EvidenceForm":
        codes = dict.fromkeys(code.strip().upper() for code in upload.getlist("claim"))
        return cls(
            title=upload.get("title"),
            occurred_on=upload.get("occurred_on"),
            kind=upload.get("kind"),
            reflection=upload.get("reflection"),
            claims={code: upload.get(f"justification-{code}") for code in codes if code},
        )

    @classmethod
    def of(cls, item: EvidenceItem, claims: dict[str, str]) -> "EvidenceForm":
        return cls(
            title=item.title,
            occurred_on=item.occurred_on.isoformat(),
            kind=item.kind.value,
            reflection=item.reflection,
            claims=claims,
        )


# --- JSON API bodies ---
class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ksb_code: str = Field(max_length=10, examples=["K7"])
    justification: str = Field(
        default="", max_length=JUSTIFICATION_MAX, examples=["I wrote the runbook for K7 myself."]
    )


def claims_mapping(claims: Sequence[ClaimIn]) -> dict[str, str]:
    return {claim.ksb_code.strip().upper(): claim.justification for claim in claims}


class EvidenceIn(BaseModel):
    """A new draft. Submit it with POST /evidence/{id}/submit once it is ready."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=TITLE_MAX)
    occurred_on: date
    kind: EvidenceKind
    reflection: str = Field(default="", max_length=REFLECTION_MAX)
    claims: list[ClaimIn] = Field(default_factory=list, max_length=MAX_CLAIMS)

    def to_form(self) -> EvidenceForm:
        return EvidenceForm(
            title=self.title,
            occurred_on=self.occurred_on.isoformat(),
            kind=self.kind.value,
            reflection=self.reflection,
            claims=claims_mapping(self.claims),
        )


class EvidencePatch(BaseModel):
    """Changes to a draft or referred item; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    version: Version
    title: str | None = Field(default=None, max_length=TITLE_MAX)
    occurred_on: date | None = None
    kind: EvidenceKind | None = None
    reflection: str | None = Field(default=None, max_length=REFLECTION_MAX)

    def apply_to(self, form: EvidenceForm) -> EvidenceForm:
        changes = {
            "title": self.title,
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "kind": self.kind.value if self.kind else None,
            "reflection": self.reflection,
        }
        return form.model_copy(update={k: v for k, v in changes.items() if v is not None})


class ClaimsIn(BaseModel):
    """The item's whole set of claims: KSBs left out are no longer claimed."""

    model_config = ConfigDict(extra="forbid")

    version: Version
    claims: list[ClaimIn] = Field(max_length=MAX_CLAIMS)


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Version


# --- JSON API answers ---
class ClaimOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    ksb_code: str
    ksb_kind: str
    ksb_text: str
    justification: str
    state: ClaimState


class FileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    created_at: datetime


class DecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    outcome: str
    feedback: str
    decided_at: datetime
    reviewer_name: str


class EvidenceOut(BaseModel):
    """One item with everything about it; `warnings` holds advice such as over-claiming."""

    id: int
    apprenticeship_id: int
    title: str
    occurred_on: date
    kind: EvidenceKind
    reflection: str
    state: EvidenceState
    version: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    claims: list[ClaimOut]
    files: list[FileOut]
    decisions: list[DecisionOut]
    warnings: list[str]


class EvidenceSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    occurred_on: date
    kind: EvidenceKind
    state: EvidenceState
    version: int
    updated_at: datetime
    ksb_codes: list[str]
    file_count: int


class EvidencePage(BaseModel):
    """A page of a list; next_offset is null on the last page."""

    items: list[EvidenceSummaryOut]
    limit: int
    offset: int
    next_offset: int | None
