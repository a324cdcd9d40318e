"""activities and actual effort

Backlog items get an activity (the social-media process they belong to): a built-in one by
its key, or one of the team's own (team_activities, which also holds a team's own word for a
built-in one, or its choice not to offer it). Sprint items get the effort they really took,
in the points of the estimate, when the team records it as they are marked done.

backlog_items has triggers (migration 0002), so it is altered in place; SQLite's ALTER TABLE
adds a column with its own CHECK clause, which Alembic's batch mode would only add by
rebuilding the table, so those columns are added in SQL there. An item's own activity is a
plain id (see bot.models.backlog): a REFERENCES added in place is not read back on SQLite.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVITIES = (
    "content",
    "community",
    "outreach",
    "networking",
    "monitoring",
    "measurement",
    "optimisation",
    "campaign",
)
ACTIVITY_IN = "({column} IN (" + ", ".join(f"'{a}'" for a in ACTIVITIES) + "))"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table(
        "team_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "builtin",
            sa.Enum(
                *ACTIVITIES,
                name="builtin_activity",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("name", sa.String(length=40), nullable=True),
        sa.Column("retired", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "builtin IS NOT NULL OR name IS NOT NULL",
            name=op.f("ck_team_activities_builtin_or_name"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_activities_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_team_activities_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_activities")),
        sa.UniqueConstraint("team_id", "builtin", name=op.f("uq_team_activities_team_id_builtin")),
    )

    if _sqlite():
        for statement in (
            "ALTER TABLE backlog_items ADD COLUMN activity VARCHAR(32) "
            "CONSTRAINT ck_backlog_items_item_activity CHECK "
            + ACTIVITY_IN.format(column="activity"),
            "ALTER TABLE backlog_items ADD COLUMN activity_id INTEGER "
            "CONSTRAINT ck_backlog_items_one_activity "
            "CHECK (activity IS NULL OR activity_id IS NULL)",
            "ALTER TABLE sprint_items ADD COLUMN actual_points INTEGER "
            "CONSTRAINT ck_sprint_items_actual_points "
            "CHECK (actual_points IS NULL OR actual_points > 0)",
        ):
            op.execute(statement)
        return

    op.add_column("backlog_items", sa.Column("activity", sa.String(length=32), nullable=True))
    op.add_column("backlog_items", sa.Column("activity_id", sa.Integer(), nullable=True))
    op.create_check_constraint(
        op.f("ck_backlog_items_item_activity"),
        "backlog_items",
        ACTIVITY_IN.format(column="activity"),
    )
    op.create_check_constraint(
        op.f("ck_backlog_items_one_activity"),
        "backlog_items",
        "activity IS NULL OR activity_id IS NULL",
    )
    op.add_column("sprint_items", sa.Column("actual_points", sa.Integer(), nullable=True))
    op.create_check_constraint(
        op.f("ck_sprint_items_actual_points"),
        "sprint_items",
        "actual_points IS NULL OR actual_points > 0",
    )


def downgrade() -> None:
    if _sqlite():
        # In place (SQLite 3.35+): a column's own constraints go with it; activity_id first,
        # whose CHECK names activity.
        for table, column in (
            ("sprint_items", "actual_points"),
            ("backlog_items", "activity_id"),
            ("backlog_items", "activity"),
        ):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_constraint(op.f("ck_sprint_items_actual_points"), "sprint_items", type_="check")
        op.drop_column("sprint_items", "actual_points")
        op.drop_constraint(op.f("ck_backlog_items_one_activity"), "backlog_items", type_="check")
        op.drop_constraint(op.f("ck_backlog_items_item_activity"), "backlog_items", type_="check")
        op.drop_column("backlog_items", "activity_id")
        op.drop_column("backlog_items", "activity")
    op.drop_table("team_activities")
