"""Keeps apprenticeship_summary current: called in the same transaction as every change; and
the summary's KSB tally as columns to read."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, case, delete, func, insert, select
from sqlmodel import Session, col

from app.db import lock_apprenticeships
from app.models import (
    Apprenticeship,
    ApprenticeshipSummary,
    Event,
    EvidenceItem,
    EvidenceState,
    utcnow,
)
from app.progress.coverage import ksb_state, slipping_dates, tally
from app.progress.queries import count_where, ksb_facts

# The summary's counts in Tally's field order, for a select that outer-joins the summary: one
# not written yet reads as zeros.
SUMMARY_TALLY: tuple[ColumnElement[int], ...] = tuple(
    func.coalesce(col(column), 0)
    for column in (
        ApprenticeshipSummary.ksb_total,
        ApprenticeshipSummary.not_started,
        ApprenticeshipSummary.claimed,
        ApprenticeshipSummary.evidenced,
        ApprenticeshipSummary.signed_off,
    )
)


def refresh_summaries(session: Session, *, apprenticeship_ids: Collection[int]) -> None:
    """Recompute the summaries of these apprenticeships from their rows (a fixed 7 statements).

    Call it after any change to an apprenticeship's evidence, sign-offs, status, tutor, dates
    or standard: the summary copies them, and when its pace slips depends on all of them.

    The apprenticeship rows are locked first, so that two transactions changing the same
    apprenticeship refresh one after the other and the later one sees the earlier's commit.
    """
    ids = sorted(set(apprenticeship_ids))
    if not ids:
        return
    session.flush()
    lock_apprenticeships(session, ids)
    plans = _plans(session, ids)
    facts = ksb_facts(session, ids)
    items = _item_stats(session, ids)
    activity = _last_activity(session, ids)
    session.execute(
        delete(ApprenticeshipSummary).where(col(ApprenticeshipSummary.apprenticeship_id).in_(ids))
    )
    rows = []
    for apprenticeship_id in ids:
        plan = plans[apprenticeship_id]
        counts = tally(ksb_state(f) for f in facts.get(apprenticeship_id, ()))
        awaiting, oldest, referred = items.get(apprenticeship_id, (0, None, 0))
        behind_on, red_on = slipping_dates(
            start=plan.start_date,
            planned_end=plan.planned_end_date,
            signed_off=counts.signed_off,
            total=counts.total,
        )
        rows.append(
            {
                "apprenticeship_id": apprenticeship_id,
                "provider_id": plan.provider_id,
                "tutor_id": plan.tutor_id,
                "status": plan.status,
                "ksb_total": counts.total,
                "not_started": counts.not_started,
                "claimed": counts.claimed,
                "evidenced": counts.evidenced,
                "signed_off": counts.signed_off,
                "items_awaiting_review": awaiting,
                "oldest_awaiting_since": oldest,
                "items_referred": referred,
                "last_activity_at": activity.get(apprenticeship_id),
                "behind_on": behind_on,
                "red_on": red_on,
                "refreshed_at": utcnow(),
            }
        )
    session.execute(insert(ApprenticeshipSummary), rows)


def _plans(session: Session, ids: list[int]) -> dict[int, Row[Any]]:
    """What the summary copies from each apprenticeship row, and the dates its pace runs on."""
    a = Apprenticeship
    statement = select(
        col(a.id),
        col(a.provider_id),
        col(a.tutor_id),
        col(a.status),
        col(a.start_date),
        col(a.planned_end_date),
    ).where(col(a.id).in_(ids))
    return {row.id: row for row in session.execute(statement)}


def _item_stats(session: Session, ids: list[int]) -> dict[int, tuple[int, datetime | None, int]]:
    state = col(EvidenceItem.state)
    submitted = state == EvidenceState.SUBMITTED
    statement = (
        select(
            col(EvidenceItem.apprenticeship_id),
            count_where(submitted),
            # An item submitted without a recorded time has waited at least since its last change.
            func.min(
                case(
                    (
                        submitted,
                        func.coalesce(col(EvidenceItem.submitted_at), col(EvidenceItem.updated_at)),
                    )
                )
            ),
            count_where(state == EvidenceState.REFERRED),
        )
        .where(col(EvidenceItem.apprenticeship_id).in_(ids))
        .group_by(col(EvidenceItem.apprenticeship_id))
    )
    return {
        row[0]: (int(row[1] or 0), row[2], int(row[3] or 0)) for row in session.execute(statement)
    }


def _last_activity(session: Session, ids: list[int]) -> dict[int, datetime]:
    statement = (
        select(col(Event.apprenticeship_id), func.max(col(Event.occurred_at)))
        .where(col(Event.apprenticeship_id).in_(ids))
        .group_by(col(Event.apprenticeship_id))
    )
    return {owner: latest for owner, latest in session.execute(statement)}
