"""The unread count in the navigation: one statement, on its own short read-only session.

templating.py cannot reach the request's session (render is called with the request only), so
main.py installs this as app.state.unread_counter and the nav calls it through a Jinja global.
A failure here must never break the page it decorates: it then shows no badge.
"""

import logging

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError

from app.auth.policy import NOTIFIED_ACTIONS
from app.db import open_session
from app.models import User
from app.notifications.queries import unread_count

log = logging.getLogger("portfolio.notifications")


def unread_for(request: Request, user: User) -> int | None:
    """None for roles that have no notifications (IQA, admin)."""
    if user.role not in NOTIFIED_ACTIONS:
        return None
    try:
        with open_session(request.app.state.engine, read_only=True) as session:
            return unread_count(session, viewer=user)
    except SQLAlchemyError:
        log.exception("unread count failed for user %s", user.id)
        return None
