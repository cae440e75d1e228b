"""Dependencies of the review pages and API: visible (else 404), then allowed (else 403)."""

from typing import Annotated

from fastapi import Depends

from app.apprenticeships.deps import VisibleApprenticeship
from app.auth import policy
from app.auth.deps import CurrentViewer, Viewer, require_roles
from app.errors import Forbidden
from app.evidence.deps import ItemInScope, VisibleEvidence
from app.models import Apprenticeship, Role

STAFF_ONLY = "Sign-offs are managed by the training provider's staff."
NOT_YOUR_DECISION = "Only the apprentice's own tutor can decide on their evidence."


def staff_apprenticeship(
    viewer: CurrentViewer, apprenticeship: VisibleApprenticeship
) -> Apprenticeship:
    """The sign-off grid's apprenticeship: provider staff who may see it; 403 for others."""
    if not policy.in_caseload(viewer.user, apprenticeship):
        raise Forbidden(STAFF_ONLY)
    return apprenticeship


def decidable_evidence(viewer: CurrentViewer, found: VisibleEvidence) -> ItemInScope:
    """An item the viewer may decide on (its apprentice's tutor); visible to others is 403."""
    if not policy.can_decide(viewer.user, found.apprenticeship):
        raise Forbidden(NOT_YOUR_DECISION)
    return found


StaffApprenticeship = Annotated[Apprenticeship, Depends(staff_apprenticeship)]
DecidableEvidence = Annotated[ItemInScope, Depends(decidable_evidence)]
CaseloadViewer = Annotated[Viewer, Depends(require_roles(*policy.PROVIDER_STAFF))]
# Deciding from the queue: tutors only, refused before the form is read.
TutorViewer = Annotated[Viewer, Depends(require_roles(Role.TUTOR))]
