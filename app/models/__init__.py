"""Every table of the schema; importing this module registers them all on the metadata."""

from sqlmodel import SQLModel

from app.models.answers import AnsweredRequest
from app.models.apprenticeships import Apprenticeship, ApprenticeshipStatus
from app.models.base import id_of, utcnow
from app.models.events import Event
from app.models.evidence import (
    ClaimState,
    EvidenceFile,
    EvidenceItem,
    EvidenceKind,
    EvidenceState,
    KsbClaim,
)
from app.models.gateway import GatewayCheck, GatewayRequirement
from app.models.notifications import NotificationMarker
from app.models.organisations import Organisation, OrgKind
from app.models.quality import IqaSample, SampleVerdict
from app.models.review import KsbSignoff, ReviewDecision
from app.models.standards import KIND_PREFIX, KSB_KIND_RANK, Duty, DutyKsb, Ksb, KsbKind, Standard
from app.models.summaries import ApprenticeshipSummary
from app.models.users import ApiToken, LoginAttempt, OneTimeToken, Role, User, UserSession

metadata = SQLModel.metadata

__all__ = [
    "KIND_PREFIX",
    "KSB_KIND_RANK",
    "AnsweredRequest",
    "ApiToken",
    "Apprenticeship",
    "ApprenticeshipStatus",
    "ApprenticeshipSummary",
    "ClaimState",
    "Duty",
    "DutyKsb",
    "Event",
    "EvidenceFile",
    "EvidenceItem",
    "EvidenceKind",
    "EvidenceState",
    "GatewayCheck",
    "GatewayRequirement",
    "IqaSample",
    "Ksb",
    "KsbClaim",
    "KsbKind",
    "KsbSignoff",
    "LoginAttempt",
    "NotificationMarker",
    "OneTimeToken",
    "OrgKind",
    "Organisation",
    "ReviewDecision",
    "Role",
    "SampleVerdict",
    "Standard",
    "User",
    "UserSession",
    "id_of",
    "metadata",
    "utcnow",
]
