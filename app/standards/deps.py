"""Fetch-or-404 dependencies for standards: reference data that anyone signed in may read."""

from typing import Annotated

from fastapi import Depends

from app.auth.deps import CurrentViewer, DbSession
from app.errors import NotFound
from app.models import Standard
from app.standards.queries import get_standard
from app.web.api import PathId


def existing_standard(standard_id: PathId, session: DbSession, _viewer: CurrentViewer) -> Standard:
    found = get_standard(session, standard_id)
    if found is None:
        raise NotFound("We could not find that standard.")
    return found


ExistingStandard = Annotated[Standard, Depends(existing_standard)]
