"""Gateway dependencies: visible (else 404), then the own tutor's to change (else 403).

The 403 is a dependency, not only a service check, so that it answers before a request body
is validated: a refused viewer learns nothing from a 422 about what the body should hold.
"""

from typing import Annotated

from fastapi import Depends

from app.apprenticeships.deps import VisibleApprenticeship
from app.auth import policy
from app.auth.deps import CurrentViewer
from app.errors import Forbidden
from app.gateway.service import NOT_YOURS
from app.models import Apprenticeship


def changeable_apprenticeship(
    viewer: CurrentViewer, apprenticeship: VisibleApprenticeship
) -> Apprenticeship:
    if not policy.can_decide(viewer.user, apprenticeship):
        raise Forbidden(NOT_YOURS)
    return apprenticeship


GatewayOwnApprenticeship = Annotated[Apprenticeship, Depends(changeable_apprenticeship)]
