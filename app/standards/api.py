"""The standards JSON API: every standard version, and one with its KSBs and duties."""

from app.auth.deps import CurrentViewer, DbSession
from app.models.base import id_of
from app.standards.deps import ExistingStandard
from app.standards.queries import list_standards, standard_duties, standard_ksbs
from app.standards.schemas import StandardDetailOut, StandardSummaryOut
from app.web.api import api_router, documented

router = api_router(tags=["standards"])


@router.get("/standards", name="api_standards", response_model=list[StandardSummaryOut])
def get_standards(session: DbSession, _viewer: CurrentViewer) -> list[StandardSummaryOut]:
    """Standards are public reference data: the same list for everyone signed in."""
    return [StandardSummaryOut.model_validate(row) for row in list_standards(session)]


@router.get(
    "/standards/{standard_id}",
    name="api_standard",
    response_model=StandardDetailOut,
    responses=documented(404, 422),
)
def get_standard_detail(session: DbSession, standard: ExistingStandard) -> StandardDetailOut:
    standard_id = id_of(standard)
    return StandardDetailOut.from_rows(
        standard,
        ksbs=standard_ksbs(session, standard_id),
        duties=standard_duties(session, standard_id),
    )
