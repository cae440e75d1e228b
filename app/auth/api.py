"""The JSON API's account routes: who the caller is."""

from app.auth.deps import CurrentViewer
from app.auth.schemas import MeOut
from app.web.api import api_router

router = api_router(tags=["account"])


@router.get("/me", name="api_me", response_model=MeOut)
def me(viewer: CurrentViewer) -> MeOut:
    """The signed-in user, or the owner of the token."""
    return MeOut.model_validate(viewer.user)
