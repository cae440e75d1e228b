"""Response shapes for standards (the JSON API)."""

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from app.models import Duty, Ksb, KsbKind, Standard


class StandardSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    version: str
    title: str
    level: int
    ksb_count: int
    duty_count: int


class KsbOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    kind: KsbKind
    text: str


class DutyOut(BaseModel):
    code: str
    text: str
    is_core: bool
    ksbs: list[str]  # the codes of the KSBs the duty is mapped to


class StandardDetailOut(BaseModel):
    """A standard version with its KSBs in published order and its duties' mapping."""

    id: int
    reference: str
    version: str
    title: str
    level: int
    typical_duration_months: int | None
    status: str
    ksbs: list[KsbOut]
    duties: list[DutyOut]

    @classmethod
    def from_rows(
        cls,
        standard: Standard,
        *,
        ksbs: Sequence[Ksb],
        duties: Sequence[tuple[Duty, list[str]]],
    ) -> "StandardDetailOut":
        return cls(
            **standard.model_dump(exclude={"content_hash"}),
            ksbs=[KsbOut.model_validate(ksb) for ksb in ksbs],
            duties=[
                DutyOut(code=duty.code, text=duty.text, is_core=duty.is_core, ksbs=codes)
                for duty, codes in duties
            ],
        )
