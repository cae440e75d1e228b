"""IQA dependencies: only IQA staff see these pages (404 for everyone else), and a decision
outside their provider is 404 too, so ids reveal nothing."""

from typing import Annotated

from fastapi import Depends

from app.auth import policy
from app.auth.deps import CurrentViewer, DbSession, Viewer
from app.errors import NotFound
from app.quality.queries import DecisionRow, get_decision
from app.web.api import PathId

NOT_FOUND = "We could not find that page."


async def iqa_viewer(viewer: CurrentViewer) -> Viewer:
    # 404 rather than 403: to anyone else these pages do not exist.
    if not policy.is_sampler(viewer.user):
        raise NotFound(NOT_FOUND)
    return viewer


IqaViewer = Annotated[Viewer, Depends(iqa_viewer)]


def visible_decision(decision_id: PathId, session: DbSession, viewer: IqaViewer) -> DecisionRow:
    found = get_decision(session, viewer=viewer.user, decision_id=decision_id)
    if found is None:
        raise NotFound("We could not find that decision.")
    return found


VisibleDecision = Annotated[DecisionRow, Depends(visible_decision)]
