"""Dependencies of the dashboard pages and API: who may open them, and the cohort filters."""

from typing import Annotated

from fastapi import Depends, Query

from app.auth.deps import Viewer, require_roles
from app.dashboards.cohort import Filters, parse_filters
from app.models import Role

Employer = Annotated[Viewer, Depends(require_roles(Role.EMPLOYER))]
ProviderStaff = Annotated[Viewer, Depends(require_roles(Role.IQA, Role.ADMIN))]
Choice = Annotated[str, Query(max_length=100)]


def cohort_filters(q: Choice = "", rag: Choice = "", status: Choice = "") -> Filters:
    """The same GET parameters on the table, its CSV, its heatmap and their JSON."""
    return parse_filters(q, rag, status)


CohortFilters = Annotated[Filters, Depends(cohort_filters)]
