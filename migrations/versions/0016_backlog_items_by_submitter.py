"""backlog items by submitter

A person's own ideas (the Home tab's "your ideas", newest first) are read by submitter: an
index on backlog_items.submitter_id, which also holds each row's id, serves both the filter and
the order, where the workspace's items were scanned before.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 13:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_backlog_items_submitter_id"), "backlog_items", ["submitter_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_backlog_items_submitter_id"), table_name="backlog_items")
