"""per-team counts of ready and proposed backlog items, kept by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One row per team holds both counters, so concurrent status changes in a team queue on that
# row and never lock two rows in opposite orders.
_DELTA = "CASE WHEN {row}.status = '{status}' THEN 1 ELSE 0 END"


def _set(sign: str, row: str) -> str:
    ready = _DELTA.format(row=row, status="ready")
    proposed = _DELTA.format(row=row, status="proposed")
    return (
        f"UPDATE teams SET ready_items = ready_items {sign} {ready}, "
        f"proposed_items = proposed_items {sign} {proposed} WHERE id = {row}.team_id"
    )


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ready_items", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("proposed_items", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(
        "UPDATE teams SET "
        "ready_items = (SELECT count(*) FROM backlog_items i "
        "WHERE i.team_id = teams.id AND i.status = 'ready'), "
        "proposed_items = (SELECT count(*) FROM backlog_items i "
        "WHERE i.team_id = teams.id AND i.status = 'proposed')"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION backlog_items_count() RETURNS trigger AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    {_set("-", "OLD")};
                END IF;
                IF TG_OP IN ('UPDATE', 'INSERT') THEN
                    {_set("+", "NEW")};
                END IF;
                RETURN NULL;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER backlog_items_count_insert_delete AFTER INSERT OR DELETE "
            "ON backlog_items FOR EACH ROW EXECUTE FUNCTION backlog_items_count()"
        )
        op.execute(
            "CREATE TRIGGER backlog_items_count_update AFTER UPDATE OF status, team_id "
            "ON backlog_items FOR EACH ROW "
            "WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.team_id <> NEW.team_id) "
            "EXECUTE FUNCTION backlog_items_count()"
        )
    else:
        op.execute(
            "CREATE TRIGGER backlog_items_count_insert AFTER INSERT ON backlog_items "
            f"BEGIN {_set('+', 'NEW')}; END"
        )
        op.execute(
            "CREATE TRIGGER backlog_items_count_delete AFTER DELETE ON backlog_items "
            f"BEGIN {_set('-', 'OLD')}; END"
        )
        op.execute(
            "CREATE TRIGGER backlog_items_count_update AFTER UPDATE OF status, team_id "
            "ON backlog_items "
            "WHEN OLD.status IS NOT NEW.status OR OLD.team_id IS NOT NEW.team_id "
            f"BEGIN {_set('-', 'OLD')}; {_set('+', 'NEW')}; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS backlog_items_count_update ON backlog_items")
        op.execute("DROP TRIGGER IF EXISTS backlog_items_count_insert_delete ON backlog_items")
        op.execute("DROP FUNCTION IF EXISTS backlog_items_count()")
    else:
        for name in ("update", "insert", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS backlog_items_count_{name}")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("proposed_items")
        batch_op.drop_column("ready_items")
