"""standup questions, rhythm, own times, participants and reminders

A team's standup questions are versioned: `standup_question_sets` (the latest is the team's)
with their `standup_questions`, and each answer names the set it answered and keeps one reply
per question in `replies`. Answers given before keep their three replies (done, next,
blockers) there, with no set: the three presets. `standup_participants` holds who is asked
where it differs from their role, and each person's own standup time. Teams get their
standup days (none: every working day) and a second reminder; prompts count their reminders.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The answers' columns as these steps read and write them (JSON as SQLAlchemy stores it on
# each backend).
answers = sa.table(
    "standup_answers",
    sa.column("id", sa.Integer()),
    sa.column("done", sa.Text()),
    sa.column("next", sa.Text()),
    sa.column("blockers", sa.Text()),
    sa.column("question_set_id", sa.Integer()),
    sa.column("replies", sa.JSON()),
)
questions = sa.table(
    "standup_questions",
    sa.column("question_set_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("kind", sa.String()),
)

TEAM_CHECKS = {
    "ck_teams_standup_days": "standup_days BETWEEN 1 AND 127",
    "ck_teams_second_reminder_after_first": (
        "standup_second_reminder_minutes = 0 OR (standup_reminder_minutes > 0 AND "
        "standup_second_reminder_minutes > standup_reminder_minutes)"
    ),
}


def upgrade() -> None:
    op.create_table(
        "standup_question_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_standup_question_sets_created_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_standup_question_sets_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_standup_question_sets_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standup_question_sets")),
    )
    with op.batch_alter_table("standup_question_sets", schema=None) as batch_op:
        batch_op.create_index("ix_standup_question_sets_team", ["team_id", "id"], unique=False)

    op.create_table(
        "standup_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_set_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "text",
                "blocker",
                name="standup_question_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "preset",
            sa.Enum(
                "done",
                "next",
                "blockers",
                name="standup_preset",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("text", sa.String(length=150), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("position BETWEEN 0 AND 4", name=op.f("ck_standup_questions_position")),
        sa.CheckConstraint(
            "(preset IS NULL) <> (text IS NULL)", name=op.f("ck_standup_questions_preset_or_text")
        ),
        sa.ForeignKeyConstraint(
            ["question_set_id"],
            ["standup_question_sets.id"],
            name=op.f("fk_standup_questions_question_set_id_standup_question_sets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_standup_questions_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standup_questions")),
        sa.UniqueConstraint(
            "question_set_id",
            "position",
            name=op.f("uq_standup_questions_question_set_id_position"),
        ),
    )

    op.create_table(
        "standup_participants",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Boolean(), nullable=True),
        sa.Column("own_time", sa.Time(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_standup_participants_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_standup_participants_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_standup_participants_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "person_id", name=op.f("pk_standup_participants")),
    )
    with op.batch_alter_table("standup_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_standup_participants_person_id"), ["person_id"], unique=False
        )

    # Each answer's three replies move into `replies`, in the presets' order.
    with op.batch_alter_table("standup_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_set_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("replies", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_standup_answers_question_set_id_standup_question_sets"),
            "standup_question_sets",
            ["question_set_id"],
            ["id"],
            ondelete="CASCADE",
        )
    bind = op.get_bind()
    rows = bind.execute(sa.select(answers.c.id, answers.c.done, answers.c.next, answers.c.blockers))
    for answer_id, done, next_, blockers in rows.all():
        bind.execute(
            answers.update()
            .where(answers.c.id == answer_id)
            .values(replies=[done, next_, blockers])
        )
    with op.batch_alter_table("standup_answers", schema=None) as batch_op:
        batch_op.alter_column("replies", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("blockers")
        batch_op.drop_column("next")
        batch_op.drop_column("done")

    with op.batch_alter_table("standup_prompts", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("reminders_sent", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute("UPDATE standup_prompts SET reminders_sent = 1 WHERE reminded_at IS NOT NULL")

    _add_team_columns()


def _add_team_columns() -> None:
    """In place, with their rules: rebuilding teams on SQLite would trip the count triggers of
    migration 0002, and SQLite adds a column's CHECK only with the column itself."""
    if op.get_bind().dialect.name == "sqlite":
        names = iter(TEAM_CHECKS.items())
        days_check, reminder_check = next(names), next(names)
        op.execute(
            "ALTER TABLE teams ADD COLUMN standup_days INTEGER "
            f"CONSTRAINT {days_check[0]} CHECK ({days_check[1]})"
        )
        op.execute(
            "ALTER TABLE teams ADD COLUMN standup_second_reminder_minutes INTEGER DEFAULT '0' "
            f"NOT NULL CONSTRAINT {reminder_check[0]} CHECK ({reminder_check[1]})"
        )
        return
    op.add_column("teams", sa.Column("standup_days", sa.Integer(), nullable=True))
    op.add_column(
        "teams",
        sa.Column(
            "standup_second_reminder_minutes", sa.Integer(), server_default="0", nullable=False
        ),
    )
    for name, condition in TEAM_CHECKS.items():
        op.create_check_constraint(name, "teams", condition)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for name in TEAM_CHECKS:
            op.drop_constraint(name, "teams", type_="check")
    # In place (SQLite 3.35+ drops columns, with the CHECKs that are theirs): rebuilding teams
    # would trip the count triggers.
    with op.batch_alter_table("teams", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("standup_second_reminder_minutes")
        batch_op.drop_column("standup_days")

    with op.batch_alter_table("standup_prompts", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("reminders_sent")

    # Replies go back to three columns: the presets' by their place; of a set of the scrum
    # master's, its text replies joined as "done" and its blocker reply as "blockers".
    with op.batch_alter_table("standup_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("done", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("next", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("blockers", sa.Text(), nullable=True))
    bind = op.get_bind()
    kinds: dict[int, dict[int, str]] = {}
    for set_id, position, kind in bind.execute(sa.select(questions)).all():
        kinds.setdefault(set_id, {})[position] = kind
    rows = bind.execute(sa.select(answers.c.id, answers.c.question_set_id, answers.c.replies))
    for answer_id, set_id, replies in rows.all():
        replies = list(replies or [])
        if set_id is None:
            done, next_, blockers = (replies + [None, None, None])[:3]
        else:
            of_set = kinds.get(set_id, {})
            texts = [r for i, r in enumerate(replies) if r and of_set.get(i) == "text"]
            done, next_ = "\n".join(texts) or None, None
            blockers = next((r for i, r in enumerate(replies) if of_set.get(i) == "blocker"), None)
        bind.execute(
            answers.update()
            .where(answers.c.id == answer_id)
            .values(done=done, next=next_, blockers=blockers)
        )
    with op.batch_alter_table("standup_answers", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_standup_answers_question_set_id_standup_question_sets"),
            type_="foreignkey",
        )
        batch_op.drop_column("replies")
        batch_op.drop_column("question_set_id")

    op.drop_table("standup_participants")
    op.drop_table("standup_questions")
    with op.batch_alter_table("standup_question_sets", schema=None) as batch_op:
        batch_op.drop_index("ix_standup_question_sets_team")
    op.drop_table("standup_question_sets")
