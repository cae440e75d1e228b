"""The unread count in the navigation: one statement, on the request's own session.

main.py installs this as app.state.unread_counter and the nav calls it through a Jinja global.
Pages rendered after the request's session has closed (error pages) open a short one: the
request's connection is back in the pool by then. A failure here must never break the page
it decorates: it then shows no badge.
"""

import logging

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError

from app.auth.policy import NOTIFIED_ACTIONS
from app.db import open_session, request_session
from app.models import User
from app.notifications.queries import unread_count

log = logging.getLogger("portfolio.notifications")


BADGE_AT_MOST = 100  # the badge shows "99+" beyond


def unread_for(request: Request, user: User) -> int | None:
    """None for roles that have no notifications (IQA, admin); at most BADGE_AT_MOST."""
    if user.role not in NOTIFIED_ACTIONS:
        return None
    try:
        session = request_session(request)
        if session is not None:
            return unread_count(session, viewer=user, at_most=BADGE_AT_MOST)
        with open_session(request.app.state.engine, read_only=True) as own:
            return unread_count(own, viewer=user, at_most=BADGE_AT_MOST)
    except SQLAlchemyError:
        log.exception("unread count failed for user %s", user.id)
        return None
