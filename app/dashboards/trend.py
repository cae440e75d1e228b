"""Signed-off KSBs over time for one apprenticeship, replayed from the event log."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from app.models import Event
from app.progress.charts import StepLine, step_line

SIGNED_OFF = "ksb.signed_off"
REVOKED = "ksb.signoff_revoked"
_STEP = {SIGNED_OFF: 1, REVOKED: -1}


@dataclass(frozen=True)
class TrendPoint:
    day: date
    signed_off: int  # the running count at the end of that day
    change: int  # signed off minus revoked that day


@dataclass(frozen=True)
class Trend:
    points: tuple[TrendPoint, ...]
    chart: StepLine


def replay(events: Iterable[tuple[datetime, str]]) -> tuple[TrendPoint, ...]:
    """One point per day with a change: sign-offs count +1, revocations -1, never below zero.

    Events arrive oldest first; several on one day fold into one point."""
    by_day: dict[date, int] = {}
    for occurred_at, action in events:
        by_day[occurred_at.date()] = by_day.get(occurred_at.date(), 0) + _STEP.get(action, 0)
    running, points = 0, []
    for day in sorted(by_day):
        running = max(0, running + by_day[day])
        points.append(TrendPoint(day, running, by_day[day]))
    return tuple(points)


def trend(points: Sequence[TrendPoint], *, start: date, today: date, ksb_total: int) -> Trend:
    """The chart runs from the apprenticeship's start (or first event, if earlier) to today."""
    first = min([start, *(p.day for p in points)])
    last = max([today, *(p.day for p in points)])
    chart = step_line(
        [(p.day - first).days for p in points],
        [p.signed_off for p in points],
        span=(last - first).days,
        ceiling=max([ksb_total, *(p.signed_off for p in points)]),
        labels=(f"{first:%d %b %Y}", f"{last:%d %b %Y}"),
    )
    return Trend(tuple(points), chart)


def signoff_events(session: Session, *, apprenticeship_id: int) -> list[tuple[datetime, str]]:
    """The apprenticeship's sign-off events, oldest first, in one statement."""
    statement = (
        select(col(Event.occurred_at), col(Event.action))
        .where(col(Event.apprenticeship_id) == apprenticeship_id)
        .where(col(Event.action).in_(tuple(_STEP)))
        .order_by(col(Event.occurred_at), col(Event.id))
    )
    return [(occurred_at, action) for occurred_at, action in session.exec(statement)]
