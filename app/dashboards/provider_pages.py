"""The provider overview for admins and IQA: coverage histogram, at-risk list, review queues
per tutor and apprenticeships by status, all from apprenticeship_summary."""

from datetime import date

from fastapi import Request
from starlette.responses import Response

from app.auth.deps import DbSession
from app.dashboards.deps import ProviderStaff
from app.dashboards.employer_context import STATUS_WORDS
from app.dashboards.provider import overview
from app.models import utcnow
from app.progress.charts import histogram
from app.progress.coverage import RAG_WORDS
from app.web.responses import page_router, render_page

router = page_router()


@router.get("/provider", name="provider_home")
def provider_home(request: Request, session: DbSession, viewer: ProviderStaff) -> Response:
    figures = overview(session, viewer=viewer.user, today=date.today(), now=utcnow())
    context = {
        "overview": figures,
        "histogram": histogram(figures.bins),
        "rag_words": RAG_WORDS,
        "status_words": STATUS_WORDS,
    }
    return render_page(request, "dashboards/provider.html", context)
