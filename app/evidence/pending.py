"""File work tied to the database transaction: done after it commits, undone if it does not.

A file is moved into place (or deleted) only once the rows saying so have committed; if the
transaction rolls back or is closed without committing, staged files are removed instead. So
a failure anywhere leaves no row without its file and no file without its row.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

log = logging.getLogger("portfolio.files")
_KEY = "portfolio_pending_file_work"
Action = Callable[[], None]


@dataclass
class _Pending:
    on_commit: list[Action] = field(default_factory=list)
    on_abort: list[Action] = field(default_factory=list)

    def committed(self, _session: Session) -> None:
        actions, self.on_commit, self.on_abort = self.on_commit, [], []
        _run(actions, "after commit")

    def ended(self, _session: Session, transaction: SessionTransaction) -> None:
        # Only the outermost transaction decides; after a commit both lists are already empty.
        if transaction.parent is not None:
            return
        actions, self.on_commit, self.on_abort = self.on_abort, [], []
        _run(actions, "after rollback")


def _run(actions: list[Action], when: str) -> None:
    # Every action runs even if one fails: one stuck file must not strand the others.
    for action in actions:
        try:
            action()
        except Exception:
            log.exception("file work %s failed", when)


def _pending(session: Session) -> _Pending:
    found = session.info.get(_KEY)
    if isinstance(found, _Pending):
        return found
    pending = session.info[_KEY] = _Pending()
    event.listen(session, "after_commit", pending.committed)
    event.listen(session, "after_transaction_end", pending.ended)
    return pending


def after_commit(session: Session, *, then: Action, otherwise: Action | None = None) -> None:
    """Run `then` once the current transaction commits, `otherwise` if it ends without."""
    pending = _pending(session)
    pending.on_commit.append(then)
    if otherwise is not None:
        pending.on_abort.append(otherwise)
