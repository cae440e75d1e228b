"""The apprenticeships JSON API: the viewer's list, page by page, and one apprenticeship."""

from typing import Annotated

from fastapi import Query

from app.apprenticeships.deps import VisibleApprenticeship
from app.apprenticeships.queries import list_visible
from app.apprenticeships.schemas import ApprenticeshipOut, ApprenticeshipPage
from app.auth.deps import CurrentViewer, DbSession
from app.models.base import MAX_INT32
from app.web.api import api_router, documented

router = api_router(tags=["apprenticeships"])
MAX_LIMIT = 200


@router.get(
    "/apprenticeships",
    name="api_apprenticeships",
    response_model=ApprenticeshipPage,
    responses=documented(422),
)
def list_apprenticeships(
    session: DbSession,
    viewer: CurrentViewer,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_INT32)] = 0,
) -> ApprenticeshipPage:
    """The apprenticeships you may see, by apprentice name."""
    rows = list_visible(session, viewer=viewer.user, limit=limit + 1, offset=offset)
    return ApprenticeshipPage.from_rows(rows, limit=limit, offset=offset)


@router.get(
    "/apprenticeships/{apprenticeship_id}",
    name="api_apprenticeship",
    response_model=ApprenticeshipOut,
    responses=documented(404, 422),
)
def get_apprenticeship(apprenticeship: VisibleApprenticeship) -> ApprenticeshipOut:
    return ApprenticeshipOut.model_validate(apprenticeship)
