"""Request and response shapes of the gateway API."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.gateway.queries import GatewayView
from app.models import id_of
from app.models.base import MAX_INT32

RequirementCode = Literal["employer_declaration", "english", "maths", "time_on_programme"]


class TickIn(BaseModel):
    requirement: RequirementCode
    evidence_id: int = Field(ge=1, le=MAX_INT32)


class UntickIn(BaseModel):
    requirement: RequirementCode


class RequirementOut(BaseModel):
    code: str
    label: str
    ticked: bool
    evidence_id: int | None
    ticked_by: str | None
    ticked_at: datetime | None


class GatewayOut(BaseModel):
    apprenticeship_id: int
    status: str
    ready: bool
    blockers: list[str]
    months_on_programme: int
    requirements: list[RequirementOut]

    @classmethod
    def of(cls, view: GatewayView) -> "GatewayOut":
        requirements = [
            RequirementOut(
                code=r.code,
                label=r.label,
                ticked=r.tick is not None,
                evidence_id=r.tick.evidence_id if r.tick else None,
                ticked_by=r.tick.ticked_by if r.tick else None,
                ticked_at=r.tick.ticked_at if r.tick else None,
            )
            for r in view.requirements
        ]
        return cls(
            apprenticeship_id=id_of(view.apprenticeship),
            status=str(view.apprenticeship.status),
            ready=view.readiness.ready,
            blockers=list(view.readiness.blockers),
            months_on_programme=view.readiness.months_on_programme,
            requirements=requirements,
        )


class BlockedOut(BaseModel):
    """The 409 of a move while something still blocks it."""

    detail: str
    blockers: list[str]
