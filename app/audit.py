"""The append-only event log, written in the same transaction as the change it records; an
event on an apprenticeship is filed under it and its provider."""

import logging
import re
from typing import Any

from sqlmodel import Session

from app.models import Apprenticeship, Event, User

log = logging.getLogger("portfolio.audit")
# Control characters (CR and LF above all) in user-supplied values could forge log lines.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
# Never recorded, whatever a caller passes by mistake.
_SECRET_KEYS = {"password", "token", "session", "session_id", "csrf_token", "secret"}


def clean(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("?", value)[:500]
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if k.lower() not in _SECRET_KEYS}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def record(
    session: Session,
    *,
    action: str,
    actor: User | None,
    target_type: str,
    target_id: int | None = None,
    apprenticeship_id: int | None = None,
    provider_id: int | None = None,
    client_addr: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    event = Event(
        action=action,
        actor_id=actor.id if actor else None,
        target_type=target_type,
        target_id=target_id,
        apprenticeship_id=apprenticeship_id,
        provider_id=provider_id,
        client_addr=clean(client_addr),
        data=clean(data or {}),
    )
    session.add(event)
    log.info(
        "%s actor=%s target=%s:%s addr=%s data=%r",
        action,
        event.actor_id,
        target_type,
        target_id,
        event.client_addr,
        event.data,
    )
    return event


def record_for(
    session: Session,
    apprenticeship: Apprenticeship,
    *,
    action: str,
    actor: User,
    client_addr: str,
    data: dict[str, Any] | None = None,
    target: tuple[str, int | None] | None = None,
) -> Event:
    """An event on an apprenticeship, found by its history and its provider's log; the target is
    the apprenticeship itself unless another (type, id) is named."""
    target_type, target_id = target or ("apprenticeship", apprenticeship.id)
    return record(
        session,
        action=action,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        apprenticeship_id=apprenticeship.id,
        provider_id=apprenticeship.provider_id,
        client_addr=client_addr,
        data=data,
    )
