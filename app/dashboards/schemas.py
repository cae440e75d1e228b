"""Response shapes of the employer and provider dashboards' JSON API."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.progress.coverage import Rag
from app.progress.schemas import ProgressOut, TallyOut


class DutyDoneOut(BaseModel):
    code: str
    fully_evidenced: bool


class CohortRowOut(BaseModel):
    apprenticeship_id: int
    apprentice_name: str
    status: str
    planned_end_date: date
    coverage: TallyOut
    progress: ProgressOut
    duties: list[DutyDoneOut]
    last_activity_at: datetime | None


class EmployerDashboardOut(BaseModel):
    """The employer's apprentices with the filters applied (q: name, rag, status)."""

    filters: dict[str, str]
    apprentices: list[CohortRowOut]


class HeatmapRowOut(BaseModel):
    apprenticeship_id: int
    apprentice_name: str
    states: dict[str, str]  # KSB code -> not_started, claimed, evidenced or signed_off


class HeatmapOut(BaseModel):
    codes: list[str]
    rows: list[HeatmapRowOut]


class BinOut(BaseModel):
    label: str  # share of KSBs signed off, e.g. "10-19%"
    count: int


class AtRiskOut(BaseModel):
    apprenticeship_id: int
    apprentice_name: str
    tutor_name: str | None
    rag: Rag
    since: date = Field(description="The first day it was rated this colour.")
    reason: str


class TutorQueueOut(BaseModel):
    tutor_id: int | None
    tutor_name: str
    apprenticeships: int
    awaiting_review: int
    oldest_waiting_seconds: int | None


class ProviderDashboardOut(BaseModel):
    total: int
    coverage_histogram: list[BinOut]
    by_status: dict[str, int]
    at_risk: list[AtRiskOut]
    at_risk_total: int
    review_queues: list[TutorQueueOut]
