"""Pure wording of waiting times and ages, in the plain terms the pages use."""

from datetime import UTC, datetime


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def waited(since: datetime | None, now: datetime) -> str:
    """How long something has waited: "under an hour", "5 hours", "1 day", "12 days"."""
    if since is None:
        return "not known"
    hours = int((as_utc(now) - as_utc(since)).total_seconds() // 3600)
    if hours < 1:
        return "under an hour"
    if hours < 24:
        return f"{hours} hour" + ("" if hours == 1 else "s")
    days = hours // 24
    return f"{days} day" + ("" if days == 1 else "s")


def waited_seconds(since: datetime | None, now: datetime) -> int | None:
    if since is None:
        return None
    return max(0, int((as_utc(now) - as_utc(since)).total_seconds()))
