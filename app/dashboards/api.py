"""The dashboards' JSON API: one apprenticeship's coverage."""

from datetime import date

from app.apprenticeships.deps import VisibleApprenticeship
from app.auth.deps import CurrentViewer, DbSession
from app.dashboards.queries import apprenticeship_coverage
from app.dashboards.schemas import CoverageOut
from app.web.api import api_router, documented

router = api_router(tags=["coverage"])


@router.get(
    "/apprenticeships/{apprenticeship_id}/coverage",
    name="api_coverage",
    response_model=CoverageOut,
    responses=documented(404, 422),
)
def get_coverage(
    session: DbSession, _viewer: CurrentViewer, apprenticeship: VisibleApprenticeship
) -> CoverageOut:
    """KSB coverage as of today: drafts count for nothing until they are submitted."""
    coverage = apprenticeship_coverage(session, apprenticeship=apprenticeship, today=date.today())
    return CoverageOut.of(apprenticeship.id or 0, coverage)
