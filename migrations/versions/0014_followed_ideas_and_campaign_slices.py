"""followed ideas and campaign slices

Who follows which idea (idea_followers; every idea's submitter follows it from the start, so
existing ideas get theirs), and the outbox of the DMs owed to followers when an idea's status
changes (idea_notices). An item split at triage into a minimum viable campaign: its slice
number, and the first slice its follow-ups come from (backlog_items.split_from_id); the split
is in the backlog's history (backlog_events.kind 'split').

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVENT_KINDS_BEFORE = (
    "submitted",
    "accepted",
    "declined",
    "rescored",
    "moved",
    "order_reset",
    "vote_added",
    "vote_removed",
)
EVENT_KINDS = (*EVENT_KINDS_BEFORE, "split")
PENDING = "sent_at IS NULL AND failure IS NULL"


def upgrade() -> None:
    op.create_table(
        "idea_followers",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("followed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["backlog_items.id"],
            name=op.f("fk_idea_followers_item_id_backlog_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_idea_followers_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_idea_followers_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "person_id", name=op.f("pk_idea_followers")),
    )
    # Every idea's submitter follows it, as new ideas' submitters do from now on.
    op.execute(
        "INSERT INTO idea_followers (item_id, person_id, followed_at, workspace_id) "
        "SELECT id, submitter_id, created_at, workspace_id FROM backlog_items"
    )

    op.create_table(
        "idea_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "accepted",
                "declined",
                "split",
                "planned",
                "done",
                "result",
                name="idea_notice_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("change", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=100), nullable=True),
        sa.Column("failure", sa.String(length=100), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["backlog_items.id"],
            name=op.f("fk_idea_notices_item_id_backlog_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_idea_notices_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_idea_notices_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_notices")),
        sa.UniqueConstraint(
            "item_id", "person_id", "change", name=op.f("uq_idea_notices_item_id_person_id_change")
        ),
    )
    with op.batch_alter_table("idea_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_notices_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            "ix_idea_notices_pending",
            ["next_try_at"],
            unique=False,
            sqlite_where=sa.text(PENDING),
            postgresql_where=sa.text(PENDING),
        )

    # In place: rebuilding backlog_items would trip the count triggers of migration 0002.
    # (SQLite adds a column that references a table, with no default, in place too.)
    with op.batch_alter_table("backlog_items", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("slice_number", sa.Integer(), nullable=True))
        if op.get_bind().dialect.name != "sqlite":
            batch_op.add_column(sa.Column("split_from_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                op.f("fk_backlog_items_split_from_id_backlog_items"),
                "backlog_items",
                ["split_from_id"],
                ["id"],
            )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE backlog_items ADD COLUMN split_from_id INTEGER "
            "CONSTRAINT fk_backlog_items_split_from_id_backlog_items "
            "REFERENCES backlog_items (id)"
        )
    with op.batch_alter_table("backlog_items", schema=None, recreate="never") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_backlog_items_split_from_id"), ["split_from_id"], unique=False
        )

    _event_kinds(EVENT_KINDS)


def downgrade() -> None:
    op.execute("DELETE FROM backlog_events WHERE kind = 'split'")
    _event_kinds(EVENT_KINDS_BEFORE)

    with op.batch_alter_table("backlog_items", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_backlog_items_split_from_id"))
        if op.get_bind().dialect.name != "sqlite":
            batch_op.drop_constraint(
                op.f("fk_backlog_items_split_from_id_backlog_items"), type_="foreignkey"
            )
        # In place (SQLite 3.35+ drops a column in place, the reference with it).
        batch_op.drop_column("split_from_id")
        batch_op.drop_column("slice_number")

    with op.batch_alter_table("idea_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_idea_notices_pending")
        batch_op.drop_index(batch_op.f("ix_idea_notices_item_id"))
    op.drop_table("idea_notices")
    op.drop_table("idea_followers")


def _event_kinds(kinds: tuple[str, ...]) -> None:
    """The history's kinds of event. SQLite changes a CHECK constraint by rebuilding the table,
    which drops its trigger (migration 0001: the history is append-only): made again here.
    PostgreSQL alters the constraint in place."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    check = "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"
    with op.batch_alter_table(
        "backlog_events", schema=None, recreate="always" if sqlite else "never"
    ) as batch_op:
        batch_op.drop_constraint(op.f("ck_backlog_events_backlog_event_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_backlog_events_backlog_event_kind"), check)
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS backlog_events_no_update")
        op.execute(
            "CREATE TRIGGER backlog_events_no_update BEFORE UPDATE ON backlog_events "
            "BEGIN SELECT RAISE(ABORT, 'backlog_events is append-only'); END"
        )
