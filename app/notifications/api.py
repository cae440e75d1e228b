"""The notifications JSON API: the newest notifications with the unread count; mark read."""

from app.auth.deps import CurrentViewer, DbSession
from app.notifications.queries import list_notifications, unread_count
from app.notifications.schemas import MarkedOut, MarkReadIn, NotificationOut, NotificationsOut
from app.notifications.service import mark_read
from app.web.api import api_router, documented

router = api_router(tags=["notifications"])


@router.get("/notifications", name="api_notifications", response_model=NotificationsOut)
def get_notifications(session: DbSession, viewer: CurrentViewer) -> NotificationsOut:
    """Your newest 50 notifications, newest first, and how many are unread in all."""
    rows = list_notifications(session, viewer=viewer.user)
    return NotificationsOut(
        unread=unread_count(session, viewer=viewer.user),
        items=[NotificationOut.of(row) for row in rows],
    )


@router.post(
    "/notifications/read",
    name="api_notifications_read",
    response_model=MarkedOut,
    responses=documented(422),
)
def post_read(body: MarkReadIn, session: DbSession, viewer: CurrentViewer) -> MarkedOut:
    seen = mark_read(session, viewer=viewer.user, up_to=body.up_to)
    return MarkedOut(seen_up_to=seen, unread=unread_count(session, viewer=viewer.user))
