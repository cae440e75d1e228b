"""Activation, forgotten and reset passwords: pages reached from a one-time link, signed out."""

import logging
import re
from functools import partial
from typing import Annotated

from fastapi import Depends, Form, Request
from starlette.responses import Response

from app.auth import links
from app.auth.deps import DbSession, anon_csrf_token, client_addr
from app.errors import FieldErrors
from app.mail import outbox_in
from app.web.responses import page_router, refuse_form, render_page
from app.web.templating import path_for

router = page_router()
PasswordField = Annotated[str, Form(max_length=1024)]
LINK_PATH = re.compile(r"^/(activate|password/reset)/[^/?\s]+")


class RedactLinkTokens(logging.Filter):
    """The access log must not keep the tokens in activation and reset addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            redacted = LINK_PATH.sub(r"/\1/[redacted]", args[2])
            record.args = (*args[:2], redacted, *args[3:])
        return True


_access_log = logging.getLogger("uvicorn.access")
if not any(isinstance(f, RedactLinkTokens) for f in _access_log.filters):
    _access_log.addFilter(RedactLinkTokens())


def link_mailer(request: Request) -> links.Mailer:
    """Links point at PORTFOLIO_PUBLIC_URL: a forged Host header cannot redirect them."""
    settings = request.app.state.settings
    base = settings.public_url.rstrip("/")

    def link(name: str, raw: str) -> str:
        return base + request.app.url_path_for(name, token=raw)

    return links.Mailer(outbox=outbox_in(settings.data_dir), link=link)


LinkMailer = Annotated[links.Mailer, Depends(link_mailer)]


def _link_invalid(request: Request) -> Response:
    return render_page(request, "auth/link_invalid.html", status=404)


LINK_FORM = "auth/set_password.html"


def _form_context(request: Request, email: str, token: str, purpose: str) -> dict[str, object]:
    action = path_for(request, f"{links.ROUTE_OF[purpose]}_submit", token=token)
    return {"purpose": purpose, "email": email, "action": action}


def _form(request: Request, session: DbSession, token: str, purpose: str) -> Response:
    anon_csrf_token(request)
    found = links.find_usable(session, raw=token, purpose=purpose)
    if found is None:
        return _link_invalid(request)
    return render_page(request, LINK_FORM, _form_context(request, found[1].email, token, purpose))


def _submit(
    request: Request, session: DbSession, token: str, purpose: str, password: str, confirm: str
) -> Response:
    try:
        links.set_password(
            session,
            raw=token,
            purpose=purpose,
            password=password,
            confirm=confirm,
            client_addr=client_addr(request),
        )
    except links.LinkNotUsable:
        return _link_invalid(request)
    except FieldErrors as exc:
        # Shown with nothing kept but the reason: the boxes come back empty.
        found = links.find_usable(session, raw=token, purpose=purpose)
        if found is None:
            return _link_invalid(request)
        context = partial(_form_context, request, found[1].email, token, purpose)
        return refuse_form(request, session, exc, LINK_FORM, context)
    # The link is spent, so there is nowhere to redirect back to: this page says what next.
    return render_page(request, "auth/password_set.html", {"purpose": purpose})


def _link_routes(path: str, purpose: str) -> None:
    """Activation and reset are one form and one submit; only the link's purpose differs."""
    name = links.ROUTE_OF[purpose]

    @router.get(path, name=name)
    def link_form(request: Request, token: str, session: DbSession) -> Response:
        return _form(request, session, token, purpose)

    @router.post(path, name=f"{name}_submit")
    def link_submit(
        request: Request,
        token: str,
        session: DbSession,
        password: PasswordField = "",
        confirm: PasswordField = "",
    ) -> Response:
        return _submit(request, session, token, purpose, password, confirm)


_link_routes("/activate/{token}", links.ACTIVATE)
_link_routes("/password/reset/{token}", links.RESET)


@router.get("/password/forgot", name="password_forgot")
def forgot_form(request: Request) -> Response:
    anon_csrf_token(request)
    return render_page(request, "auth/forgot.html", {"email": ""})


@router.post("/password/forgot", name="password_forgot_submit")
def forgot_submit(
    request: Request,
    session: DbSession,
    mailer: LinkMailer,
    email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    if not email.strip():
        error = FieldErrors.one("email", "Enter the email address you sign in with.")
        return refuse_form(request, session, error, "auth/forgot.html", lambda: {"email": email})
    links.request_reset(session, email=email, mailer=mailer, client_addr=client_addr(request))
    # The same answer whether or not an account exists: the page must not tell who has one.
    return render_page(request, "auth/forgot_sent.html")
