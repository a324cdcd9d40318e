"""retro notes, team health and the focused action

Notes taken during a sprint wait in retro_notes until the team's next retrospective opens
(anonymous ones with no author and no time). The team's health check: a team setting, a flag
on each retrospective, the ratings as a count and a sum per statement, and apart from them who
has answered. One action per team may be its focus (a partial unique index).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retro_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "column",
            sa.Enum(
                "worked",
                "did_not",
                "try",
                name="retro_column",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("removal_hash", sa.String(length=64), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["people.id"],
            name=op.f("fk_retro_notes_author_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_retro_notes_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_retro_notes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retro_notes")),
    )
    with op.batch_alter_table("retro_notes", schema=None) as batch_op:
        batch_op.create_index("ix_retro_notes_team", ["team_id"], unique=False)

    op.create_table(
        "retro_health_respondents",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_retro_health_respondents_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["retros.id"],
            name=op.f("fk_retro_health_respondents_retro_id_retros"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_retro_health_respondents_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("retro_id", "person_id", name=op.f("pk_retro_health_respondents")),
    )
    op.create_table(
        "retro_health_scores",
        sa.Column("retro_id", sa.Integer(), nullable=False),
        sa.Column(
            "statement",
            sa.Enum(
                "value",
                "goal",
                "pace",
                "learning",
                "together",
                name="health_statement",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "total BETWEEN answers AND answers * 5",
            name=op.f("ck_retro_health_scores_total_in_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["retro_id"],
            ["retros.id"],
            name=op.f("fk_retro_health_scores_retro_id_retros"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_retro_health_scores_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("retro_id", "statement", name=op.f("pk_retro_health_scores")),
    )
    with op.batch_alter_table("retro_actions", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("focus", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            "ix_retro_actions_team_focus",
            ["team_id"],
            unique=True,
            sqlite_where=sa.text("focus"),
            postgresql_where=sa.text("focus"),
        )

    with op.batch_alter_table("retros", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("health", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    # In place: rebuilding teams would trip the count triggers of migration 0002.
    with op.batch_alter_table("teams", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("retro_health", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    # In place (SQLite 3.35+ drops columns): rebuilding teams would trip the count triggers.
    with op.batch_alter_table("teams", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("retro_health")

    with op.batch_alter_table("retros", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("health")

    with op.batch_alter_table("retro_actions", schema=None, recreate="never") as batch_op:
        batch_op.drop_index("ix_retro_actions_team_focus")
        batch_op.drop_column("focus")

    op.drop_table("retro_health_scores")
    op.drop_table("retro_health_respondents")
    with op.batch_alter_table("retro_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_retro_notes_team")

    op.drop_table("retro_notes")
