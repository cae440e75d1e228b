"""The start page, sign-in, sign-out and the user's own sessions, as pages that also work
without JavaScript."""

from typing import Annotated

from fastapi import Depends, Form, Request
from starlette.responses import Response

from app.auth import service, sessions
from app.auth.deps import (
    CurrentViewer,
    DbSession,
    Viewer,
    anon_csrf_token,
    client_addr,
    current_viewer,
)
from app.errors import NotFound
from app.models import Role
from app.models.base import id_of
from app.web.responses import page_router, redirect_to, redirect_to_path, render_page

router = page_router()

ROLE_HOMES = {
    Role.APPRENTICE: "portfolio_home",
    Role.TUTOR: "caseload_home",
    Role.EMPLOYER: "employer_home",
    Role.IQA: "provider_home",
    Role.ADMIN: "provider_home",
}


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host (open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


@router.get("/", name="home")
def home(request: Request, viewer: Annotated[Viewer | None, Depends(current_viewer)]) -> Response:
    """The sign-in invitation, or a redirect to the viewer's own home."""
    if viewer is not None:
        return redirect_to(request, ROLE_HOMES[viewer.user.role])
    return render_page(request, "web/home.html")


@router.get("/login", name="login")
def login_form(request: Request, next: str | None = None) -> Response:
    anon_csrf_token(request)
    return render_page(request, "auth/login.html", {"email": "", "next": safe_next(next)})


@router.post("/login", name="login_submit")
def login_submit(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    result = service.log_in(
        session,
        email=email,
        password=password,
        client_addr=client_addr(request),
        user_agent=request.headers.get("User-Agent"),
    )
    if result.user is None or result.session_id is None:
        # Not refuse_form: the failed attempt is kept (the throttle counts it), not rolled back.
        status = 429 if result.retry_after else 401
        response = render_page(
            request,
            "auth/login.html",
            {"email": email, "next": safe_next(next), "error": result.error},
            status=status,
        )
        if result.retry_after:
            response.headers["Retry-After"] = str(result.retry_after)
        return response
    # Commit before answering: the browser follows the redirect at once, and the new
    # session must already be there when it does.
    session.commit()
    target = safe_next(next)
    if target:
        response = redirect_to_path(request, target)
    else:
        response = redirect_to(request, ROLE_HOMES[result.user.role])
    response.set_cookie(
        sessions.cookie_name(request),
        result.session_id,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout", name="logout")
def logout(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    if viewer.session_row is not None:
        service.log_out(
            session, user=viewer.user, row=viewer.session_row, client_addr=client_addr(request)
        )
    response = redirect_to(request, "login")
    response.delete_cookie(sessions.cookie_name(request), path="/")
    return response


@router.get("/account/sessions", name="account_sessions")
def account_sessions(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    limits = sessions.Limits.from_settings(request.app.state.settings)
    rows = sessions.live_sessions(session, user_id=id_of(viewer.user), limits=limits)
    current = viewer.session_row.id if viewer.session_row else None
    return render_page(request, "auth/sessions.html", {"rows": rows, "current": current})


@router.post("/account/sessions/{session_id}/end", name="account_session_end")
def account_session_end(
    request: Request, session_id: int, session: DbSession, viewer: CurrentViewer
) -> Response:
    limits = sessions.Limits.from_settings(request.app.state.settings)
    rows = sessions.live_sessions(session, user_id=id_of(viewer.user), limits=limits)
    row = next((r for r in rows if r.id == session_id), None)
    if row is None:
        raise NotFound("That session is not one of yours, or has already ended.")
    service.log_out(session, user=viewer.user, row=row, client_addr=client_addr(request))
    return redirect_to(request, "account_sessions")
