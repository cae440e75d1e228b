"""Apprenticeship summary: provider, tutor and status copied, and the days a pace slips

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 10:59:48.414547
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The app's own rule (a pure function), so the backfilled days match what refreshes write.
from app.progress.coverage import slipping_dates

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = sa.Enum(
    "active",
    "break_in_learning",
    "withdrawn",
    "gateway",
    "completed",
    name="apprenticeshipstatus",
    native_enum=False,
    create_constraint=True,
)


def upgrade() -> None:
    with op.batch_alter_table("apprenticeship_summary", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tutor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("status", STATUS, nullable=True))
        batch_op.add_column(sa.Column("behind_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("red_on", sa.Date(), nullable=True))
    _backfill()
    with op.batch_alter_table("apprenticeship_summary", schema=None) as batch_op:
        batch_op.alter_column("provider_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("status", existing_type=STATUS, nullable=False)
        batch_op.create_index(
            "ix_apprenticeship_summary_behind",
            ["provider_id", "status", "behind_on", "apprenticeship_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_apprenticeship_summary_bins",
            ["provider_id", "ksb_total", "signed_off"],
            unique=False,
        )
        batch_op.create_index(
            "ix_apprenticeship_summary_queues",
            ["provider_id", "tutor_id", "items_awaiting_review", "oldest_awaiting_since"],
            unique=False,
        )
        batch_op.create_index(
            "ix_apprenticeship_summary_red",
            ["provider_id", "status", "red_on", "apprenticeship_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_apprenticeship_summary_tutor_id_user_account"),
            "user_account",
            ["tutor_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_apprenticeship_summary_provider_id_organisation"),
            "organisation",
            ["provider_id"],
            ["id"],
        )


def _backfill() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text("""
        UPDATE apprenticeship_summary SET
          provider_id = (SELECT a.provider_id FROM apprenticeship a
                         WHERE a.id = apprenticeship_summary.apprenticeship_id),
          tutor_id = (SELECT a.tutor_id FROM apprenticeship a
                      WHERE a.id = apprenticeship_summary.apprenticeship_id),
          status = (SELECT a.status FROM apprenticeship a
                    WHERE a.id = apprenticeship_summary.apprenticeship_id)
        """)
    )
    rows = bind.execute(
        sa.text("""
        SELECT s.apprenticeship_id, a.start_date, a.planned_end_date, s.signed_off, s.ksb_total
        FROM apprenticeship_summary s JOIN apprenticeship a ON a.id = s.apprenticeship_id
        """).columns(
            sa.column("apprenticeship_id", sa.Integer()),
            sa.column("start_date", sa.Date()),
            sa.column("planned_end_date", sa.Date()),
            sa.column("signed_off", sa.Integer()),
            sa.column("ksb_total", sa.Integer()),
        )
    ).all()
    days = []
    for apprenticeship_id, start, end, signed_off, total in rows:
        behind_on, red_on = slipping_dates(
            start=start, planned_end=end, signed_off=signed_off, total=total
        )
        days.append({"id": apprenticeship_id, "behind_on": behind_on, "red_on": red_on})
    if days:
        update = sa.text(
            "UPDATE apprenticeship_summary SET behind_on = :behind_on, red_on = :red_on"
            " WHERE apprenticeship_id = :id"
        ).bindparams(
            sa.bindparam("behind_on", type_=sa.Date()), sa.bindparam("red_on", type_=sa.Date())
        )
        bind.execute(update, days)


def downgrade() -> None:
    with op.batch_alter_table("apprenticeship_summary", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_apprenticeship_summary_provider_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_apprenticeship_summary_tutor_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("ck_apprenticeship_summary_apprenticeshipstatus"), type_="check"
        )
        batch_op.drop_index("ix_apprenticeship_summary_red")
        batch_op.drop_index("ix_apprenticeship_summary_queues")
        batch_op.drop_index("ix_apprenticeship_summary_bins")
        batch_op.drop_index("ix_apprenticeship_summary_behind")
        batch_op.drop_column("red_on")
        batch_op.drop_column("behind_on")
        batch_op.drop_column("status")
        batch_op.drop_column("tutor_id")
        batch_op.drop_column("provider_id")
