"""Request and response shapes of the IQA API."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.quality.queries import DecisionRow
from app.quality.rates import TutorSampling


class SampleIn(BaseModel):
    verdict: Literal["agree", "disagree"]
    comment: str = Field(default="", max_length=4_000)


class DecisionOut(BaseModel):
    id: int
    decided_at: datetime
    outcome: str
    feedback: str
    evidence_id: int
    evidence_title: str
    apprenticeship_id: int
    apprentice_name: str
    reviewer_id: int
    reviewer_name: str
    verdict: str | None
    comment: str | None

    @classmethod
    def of(cls, row: DecisionRow) -> "DecisionOut":
        fields = {name: getattr(row, name) for name in cls.model_fields}
        return cls(**fields)


class TutorSamplingOut(BaseModel):
    tutor_id: int
    tutor_name: str
    decisions: int
    sampled: int
    disagreed: int
    sample_rate: float | None
    disagreement_rate: float | None

    @classmethod
    def of(cls, row: TutorSampling) -> "TutorSamplingOut":
        fields = {name: getattr(row, name) for name in cls.model_fields}
        return cls(**fields)
