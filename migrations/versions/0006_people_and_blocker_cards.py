"""people as Slack knows them (left the workspace, bots), blocker cards

A blocker may have several messages in the admin channel (raised, raised again); resolving it
updates them all, so its messages move from two columns on `blockers` to `blocker_cards`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 05:55:31.347551
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocker_cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("again", sa.Boolean(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["blockers.id"],
            name=op.f("fk_blocker_cards_blocker_id_blockers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_blocker_cards_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocker_cards")),
    )
    with op.batch_alter_table("blocker_cards", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_blocker_cards_blocker_id"), ["blocker_id"], unique=False
        )
    # Each blocker's one message so far (its first raise: a raise again was not kept) becomes
    # its first card.
    op.execute(
        sa.text(
            "INSERT INTO blocker_cards (blocker_id, channel_id, ts, again, posted_at, workspace_id) "
            "SELECT id, channel_id, message_ts, :first, raised_at, workspace_id "
            "FROM blockers WHERE channel_id IS NOT NULL AND message_ts IS NOT NULL"
        ).bindparams(sa.bindparam("first", False, type_=sa.Boolean()))
    )
    with op.batch_alter_table("blockers", schema=None) as batch_op:
        batch_op.drop_column("message_ts")
        batch_op.drop_column("channel_id")

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deleted", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("is_bot", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("left_slack_told_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_column("left_slack_told_at")

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("is_bot")
        batch_op.drop_column("deleted")

    with op.batch_alter_table("blockers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("message_ts", sa.String(length=32), nullable=True))
    # The first card of each blocker is its message again.
    op.execute(
        "UPDATE blockers SET "
        "channel_id = (SELECT c.channel_id FROM blocker_cards c WHERE c.blocker_id = blockers.id "
        "ORDER BY c.id LIMIT 1), "
        "message_ts = (SELECT c.ts FROM blocker_cards c WHERE c.blocker_id = blockers.id "
        "ORDER BY c.id LIMIT 1)"
    )
    with op.batch_alter_table("blocker_cards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_blocker_cards_blocker_id"))

    op.drop_table("blocker_cards")
