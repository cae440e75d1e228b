"""Response shapes for the dashboards' JSON API: one apprenticeship's KSB coverage."""

from pydantic import BaseModel, ConfigDict

from app.progress.coverage import Coverage, KsbState, Rag


class TallyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    total: int
    not_started: int
    claimed: int
    evidenced: int
    signed_off: int


class KsbCoverageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    kind: str
    state: KsbState
    pending_claims: int
    confirmed_claims: int
    rejected_claims: int


class DutyCoverageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    text: str
    ksb_codes: list[str]
    tally: TallyOut
    covered: bool


class ProgressOut(BaseModel):
    """Signed-off share against the share of planned time gone, rated, with the reason."""

    model_config = ConfigDict(from_attributes=True)

    expected: float
    actual: float
    rag: Rag
    reason: str


class CoverageOut(BaseModel):
    """Each KSB's state (not_started, claimed, evidenced, signed_off), rolled up by kind
    (knowledge, skill, behaviour), overall and by duty, with progress against time."""

    apprenticeship_id: int
    ksbs: list[KsbCoverageOut]
    by_kind: dict[str, TallyOut]
    overall: TallyOut
    duties: list[DutyCoverageOut]
    progress: ProgressOut

    @classmethod
    def of(cls, apprenticeship_id: int, coverage: Coverage) -> "CoverageOut":
        return cls(
            apprenticeship_id=apprenticeship_id,
            ksbs=[KsbCoverageOut.model_validate(row) for row in coverage.ksbs],
            by_kind={k: TallyOut.model_validate(t) for k, t in coverage.by_kind.items()},
            overall=TallyOut.model_validate(coverage.overall),
            duties=[DutyCoverageOut.model_validate(duty) for duty in coverage.duties],
            progress=ProgressOut.model_validate(coverage.progress),
        )
