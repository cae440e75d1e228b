"""Fetch-or-404 dependencies for apprenticeships, shared by pages and the API."""

from typing import Annotated

from fastapi import Depends

from app.apprenticeships.queries import get_visible
from app.auth.deps import CurrentViewer, DbSession
from app.errors import NotFound
from app.models import Apprenticeship
from app.web.api import PathId


def visible_apprenticeship(
    apprenticeship_id: PathId, session: DbSession, viewer: CurrentViewer
) -> Apprenticeship:
    """The apprenticeship named in the path, if the viewer may see it.

    Missing and hidden answer the same 404, so that ids outside the viewer's scope reveal
    nothing, not even that they exist.
    """
    found = get_visible(session, viewer=viewer.user, apprenticeship_id=apprenticeship_id)
    if found is None:
        raise NotFound("We could not find that apprenticeship.")
    return found


VisibleApprenticeship = Annotated[Apprenticeship, Depends(visible_apprenticeship)]
