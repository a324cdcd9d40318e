"""wip limit and weekly digest

Teams get an optional work-in-progress limit (`wip_limit`, 1 to 99 items doing at once; none:
no limit) and the weekly digest for stakeholders: its weekday (`digest_weekday`, 0 = Monday;
none: no digest), its local time (`digest_time`, 9:00 unless chosen) and when they were chosen
(`digest_since`: no digest due before then is posted). Each digest is claimed in `job_runs` like
every scheduled post, so no table of its own.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEAM_CHECKS = {
    "wip_limit": ("ck_teams_wip_limit", "wip_limit BETWEEN 1 AND 99"),
    "digest_weekday": ("ck_teams_digest_weekday", "digest_weekday BETWEEN 0 AND 6"),
}


def upgrade() -> None:
    """In place, with their rules: rebuilding teams on SQLite would trip the count triggers of
    migration 0002, and SQLite adds a column's CHECK only with the column itself."""
    if op.get_bind().dialect.name == "sqlite":
        for column, (name, condition) in TEAM_CHECKS.items():
            op.execute(
                f"ALTER TABLE teams ADD COLUMN {column} INTEGER "
                f"CONSTRAINT {name} CHECK ({condition})"
            )
    else:
        for column, (name, condition) in TEAM_CHECKS.items():
            op.add_column("teams", sa.Column(column, sa.Integer(), nullable=True))
            # op.f: the name is final (the naming convention would prefix it again).
            op.create_check_constraint(op.f(name), "teams", condition)
    with op.batch_alter_table("teams", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("digest_time", sa.Time(), server_default="09:00:00", nullable=False)
        )
        batch_op.add_column(sa.Column("digest_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for name, _ in TEAM_CHECKS.values():
            op.drop_constraint(op.f(name), "teams", type_="check")
    # In place (SQLite 3.35+ drops columns, with the CHECKs that are theirs): rebuilding teams
    # would trip the count triggers.
    with op.batch_alter_table("teams", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("digest_since")
        batch_op.drop_column("digest_time")
        batch_op.drop_column("digest_weekday")
        batch_op.drop_column("wip_limit")
