"""The notifications page: newest first, unread marked; 'mark all as read' posts the newest id
shown, so anything that arrived after the page was drawn stays unread."""

from fastapi import Request
from starlette.responses import Response

from app.auth.deps import CurrentViewer, DbSession
from app.auth.policy import NOTIFIED_ACTIONS
from app.notifications.queries import list_notifications, unread_count
from app.notifications.service import mark_read
from app.web.forms import PostedForm
from app.web.responses import page_router, redirect_to, render_page

router = page_router()


@router.get("/notifications", name="notifications")
def notifications(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    rows = list_notifications(session, viewer=viewer.user)
    context = {
        "rows": rows,
        "unread": sum(1 for row in rows if row.unread),
        "unread_total": unread_count(session, viewer=viewer.user),
        "newest": rows[0].id if rows else 0,
        # IQA and admins are told of nothing (no nav link); the page says so instead of waiting.
        "notified": viewer.user.role in NOTIFIED_ACTIONS,
    }
    fragments = {"notifications": "notifications/_list.html"}
    return render_page(request, "notifications/page.html", context, fragments=fragments)


@router.post("/notifications/read", name="notifications_read")
def notifications_read(
    request: Request, session: DbSession, viewer: CurrentViewer, posted: PostedForm
) -> Response:
    raw = posted.number("up_to")
    mark_read(session, viewer=viewer.user, up_to=raw or None)
    return redirect_to(request, "notifications")
