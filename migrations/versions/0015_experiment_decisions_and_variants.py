"""experiment decisions and variants

An experiment's decision once its result is in (stop, continue or scale), each one also in the
backlog's history as a new kind of event, `decided`; and the experiment an idea is a variant
of (`variant_of_id`, indexed to find an experiment's variants).

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 12:00:00.000000
"""

import re
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DECISIONS = ("stop", "continue", "scale")
DECIDED = "decided"
EVENT_KIND_CHECK = "ck_backlog_events_backlog_event_kind"
DECISION_CHECK = "ck_backlog_items_experiment_decision"
VARIANT_FK = "fk_backlog_items_variant_of_id_backlog_items"
VARIANT_INDEX = "ix_backlog_items_variant_of_id"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    decisions = ", ".join(f"'{d}'" for d in DECISIONS)
    if _sqlite():
        # In place: rebuilding backlog_items would drop its count triggers (migration 0002).
        # SQLite adds a column with its own CHECK and REFERENCES, named as the models name them.
        op.execute(
            f"ALTER TABLE backlog_items ADD COLUMN decision VARCHAR(32) "
            f"CONSTRAINT {DECISION_CHECK} CHECK (decision IN ({decisions}))"
        )
        op.execute(
            f"ALTER TABLE backlog_items ADD COLUMN variant_of_id INTEGER "
            f"CONSTRAINT {VARIANT_FK} REFERENCES backlog_items (id)"
        )
    else:
        with op.batch_alter_table("backlog_items", recreate="never") as batch_op:
            batch_op.add_column(sa.Column("decision", sa.String(length=32), nullable=True))
            batch_op.create_check_constraint(op.f(DECISION_CHECK), f"decision IN ({decisions})")
            batch_op.add_column(sa.Column("variant_of_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                op.f(VARIANT_FK), "backlog_items", ["variant_of_id"], ["id"]
            )
    op.create_index(op.f(VARIANT_INDEX), "backlog_items", ["variant_of_id"], unique=False)
    _set_event_kinds(lambda kinds: [*kinds, DECIDED])


def downgrade() -> None:
    op.execute(f"DELETE FROM backlog_events WHERE kind = '{DECIDED}'")
    _set_event_kinds(lambda kinds: [k for k in kinds if k != DECIDED])
    op.drop_index(op.f(VARIANT_INDEX), table_name="backlog_items")
    if _sqlite():
        # In place (SQLite 3.35+ drops a column with its own constraints).
        op.execute("ALTER TABLE backlog_items DROP COLUMN variant_of_id")
        op.execute("ALTER TABLE backlog_items DROP COLUMN decision")
    else:
        with op.batch_alter_table("backlog_items", recreate="never") as batch_op:
            batch_op.drop_constraint(op.f(VARIANT_FK), type_="foreignkey")
            batch_op.drop_column("variant_of_id")
            batch_op.drop_constraint(op.f(DECISION_CHECK), type_="check")
            batch_op.drop_column("decision")


def _set_event_kinds(change: Callable[[list[str]], list[str]]) -> None:
    """Rewrite the CHECK of backlog_events.kind with `change` applied to the kinds it allows
    now. The kinds are read from the database rather than listed here: other migrations of
    this release add kinds of their own, and each must keep the others'."""
    kinds = change(_event_kinds())
    check = "kind IN (" + ", ".join(f"'{k}'" for k in dict.fromkeys(kinds)) + ")"
    if not _sqlite():
        op.drop_constraint(op.f(EVENT_KIND_CHECK), "backlog_events", type_="check")
        op.create_check_constraint(op.f(EVENT_KIND_CHECK), "backlog_events", check)
        return
    # SQLite changes a CHECK by rebuilding the table, which drops its append-only trigger
    # (migration 0001): it is created again. No foreign key points at backlog_events.
    with op.batch_alter_table("backlog_events", recreate="always") as batch_op:
        batch_op.drop_constraint(op.f(EVENT_KIND_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(EVENT_KIND_CHECK), check)
    op.execute("DROP TRIGGER IF EXISTS backlog_events_no_update")
    op.execute(
        "CREATE TRIGGER backlog_events_no_update BEFORE UPDATE ON backlog_events "
        "BEGIN SELECT RAISE(ABORT, 'backlog_events is append-only'); END"
    )


def _event_kinds() -> list[str]:
    """The kinds the CHECK of backlog_events.kind allows now, in its order."""
    bind = op.get_bind()
    if _sqlite():
        sql = bind.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :name"),
            {"name": "backlog_events"},
        ).scalar_one()
        found = re.search(rf'{EVENT_KIND_CHECK}"?\s+CHECK\s*\(\s*kind\s+IN\s*\(([^)]*)\)', sql)
        definition = found.group(1) if found else ""
    else:  # CHECK (((kind)::text = ANY ((ARRAY['submitted'::character varying, ...
        definition = (
            bind.execute(
                sa.text(
                    "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c "
                    "JOIN pg_class t ON t.oid = c.conrelid "
                    "WHERE t.relname = 'backlog_events' AND c.conname = :name"
                ),
                {"name": EVENT_KIND_CHECK},
            ).scalar_one_or_none()
            or ""
        )
    kinds = re.findall(r"'([a-z_]+)'", definition)
    if not kinds:
        raise RuntimeError(f"{EVENT_KIND_CHECK} not found on backlog_events")
    return kinds
