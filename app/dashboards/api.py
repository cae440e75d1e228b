"""The dashboards as JSON, with the pages' filters and visibility: one apprenticeship's coverage,
the employer's cohort and heatmap, the provider overview."""

from datetime import date

from app.apprenticeships.deps import VisibleApprenticeship
from app.auth.deps import CurrentViewer, DbSession
from app.dashboards import cohort, heatmap
from app.dashboards.deps import CohortFilters, Employer, ProviderStaff
from app.dashboards.provider import overview
from app.dashboards.schemas import (
    AtRiskOut,
    BinOut,
    CohortRowOut,
    DutyDoneOut,
    EmployerDashboardOut,
    HeatmapOut,
    HeatmapRowOut,
    ProviderDashboardOut,
    TutorQueueOut,
)
from app.models import utcnow
from app.models.base import id_of
from app.progress.coverage import ksb_state
from app.progress.queries import apprenticeship_coverage, ksb_facts
from app.progress.schemas import CoverageOut, ProgressOut, TallyOut
from app.web.api import api_router, documented

router = api_router(tags=["dashboards"])


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
    return CoverageOut.of(id_of(apprenticeship), coverage)


@router.get(
    "/dashboards/employer",
    name="api_employer_dashboard",
    response_model=EmployerDashboardOut,
    responses=documented(403, 422),
)
def employer_dashboard(
    session: DbSession, viewer: Employer, filters: CohortFilters
) -> EmployerDashboardOut:
    """The employer's apprentices: coverage, progress against time with its reason, duties."""
    today = date.today()
    rows = cohort.cohort_rows(session, viewer=viewer.user, filters=filters, today=today)
    duties = cohort.cohort_duties(session, rows=rows, today=today)
    return EmployerDashboardOut(
        filters=filters.params(),
        apprentices=[
            CohortRowOut(
                apprenticeship_id=row.apprenticeship_id,
                apprentice_name=row.apprentice_name,
                status=row.status,
                planned_end_date=row.planned_end_date,
                coverage=TallyOut.model_validate(row.tally),
                progress=ProgressOut.model_validate(row.progress),
                duties=[
                    DutyDoneOut(code=d.code, fully_evidenced=d.fully_evidenced)
                    for d in duties.get(row.apprenticeship_id, ())
                ],
                last_activity_at=row.last_activity_at,
            )
            for row in rows
        ],
    )


@router.get(
    "/dashboards/employer/heatmap",
    name="api_employer_heatmap",
    response_model=HeatmapOut,
    responses=documented(403, 422),
)
def employer_heatmap(session: DbSession, viewer: Employer, filters: CohortFilters) -> HeatmapOut:
    """Each apprentice's state for each KSB of their standard."""
    rows = cohort.cohort_rows(session, viewer=viewer.user, filters=filters, today=date.today())
    facts = ksb_facts(session, [row.apprenticeship_id for row in rows])
    codes = sorted({f.code for owned in facts.values() for f in owned}, key=heatmap.code_order)
    return HeatmapOut(
        codes=codes,
        rows=[
            HeatmapRowOut(
                apprenticeship_id=row.apprenticeship_id,
                apprentice_name=row.apprentice_name,
                states={f.code: ksb_state(f).value for f in facts.get(row.apprenticeship_id, ())},
            )
            for row in rows
        ],
    )


@router.get(
    "/dashboards/provider",
    name="api_provider_dashboard",
    response_model=ProviderDashboardOut,
    responses=documented(403),
)
def provider_dashboard(session: DbSession, viewer: ProviderStaff) -> ProviderDashboardOut:
    """Coverage histogram, at-risk list, review queues per tutor and counts by status."""
    figures = overview(session, viewer=viewer.user, today=date.today(), now=utcnow())
    return ProviderDashboardOut(
        total=figures.total,
        coverage_histogram=[BinOut(label=label, count=count) for label, count in figures.bins],
        by_status=dict(figures.by_status),
        at_risk=[
            AtRiskOut(
                apprenticeship_id=r.apprenticeship_id,
                apprentice_name=r.apprentice_name,
                tutor_name=r.tutor_name,
                rag=r.progress.rag,
                since=r.since,
                reason=r.progress.reason,
            )
            for r in figures.at_risk
        ],
        at_risk_total=figures.at_risk_total,
        review_queues=[
            TutorQueueOut(
                tutor_id=q.tutor_id,
                tutor_name=q.tutor_name,
                apprenticeships=q.apprenticeships,
                awaiting_review=q.awaiting,
                oldest_waiting_seconds=q.oldest_seconds,
            )
            for q in figures.queues
        ],
    )
