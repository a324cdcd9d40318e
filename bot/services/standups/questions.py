"""A team's standup questions: up to five, each a free-text answer or the yes/no "anything
blocking you?" whose yes raises a blocker; at least one.

Every team starts with the three presets, stored by name so that each reader sees them in
their own language; a question the scrum master writes is stored, and shown, as written.
Questions are versioned: a change makes a new set, and each answer names the set it answered,
so an answer keeps its questions whatever the team asks later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import Message, NotFound
from bot.i18n import LANGUAGES, N_, translator
from bot.models import (
    Person,
    Preset,
    QuestionKind,
    StandupQuestion,
    StandupQuestionSet,
    Team,
)


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    preset: Preset | None = None  # one of the three every team starts with
    text: str | None = None  # else the scrum master's own words


@dataclass(frozen=True)
class QuestionSet:
    id: int | None  # None: the three presets, which need no row
    questions: tuple[Question, ...]

    @property
    def blocker_position(self) -> int | None:
        """The place of the yes/no blocker question, if the set has one."""
        return next(
            (i for i, q in enumerate(self.questions) if q.kind is QuestionKind.BLOCKER), None
        )

    @property
    def text_positions(self) -> list[int]:
        return [i for i, q in enumerate(self.questions) if q.kind is QuestionKind.TEXT]


DEFAULT_QUESTIONS = (
    Question(QuestionKind.TEXT, Preset.DONE),
    Question(QuestionKind.TEXT, Preset.NEXT),
    Question(QuestionKind.BLOCKER, Preset.BLOCKERS),
)
DEFAULT_SET = QuestionSet(None, DEFAULT_QUESTIONS)

# The presets' words, translated where they are shown.
PRESET_WORDS: dict[Preset, str] = {
    Preset.DONE: N_("What I finished since last time"),
    Preset.NEXT: N_("What I will do next"),
    Preset.BLOCKERS: N_("Anything blocking me"),
}


def _normal(text: str) -> str:
    return " ".join(text.split()).rstrip("?").strip().casefold()


def preset_for(text: str) -> Preset | None:
    """The preset whose words these are, in any language we ship: a question the scrum master
    kept as the form showed it stays a preset, in each reader's language."""
    wanted = _normal(text)
    for preset, msgid in PRESET_WORDS.items():
        if any(_normal(translator(lang).gettext(msgid)) == wanted for lang in LANGUAGES):
            return preset
    return None


def _from_rows(set_id: int, rows: list[StandupQuestion]) -> QuestionSet:
    return QuestionSet(
        set_id,
        tuple(Question(r.kind, r.preset, r.text) for r in sorted(rows, key=lambda r: r.position)),
    )


def current_questions(session: Session, team: Team) -> QuestionSet:
    """The questions the team asks now: its latest set, else the presets."""
    latest = (
        select(StandupQuestionSet.id)
        .where(StandupQuestionSet.team_id == team.id)
        .order_by(StandupQuestionSet.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = list(
        session.scalars(select(StandupQuestion).where(StandupQuestion.question_set_id == latest))
    )
    return _from_rows(rows[0].question_set_id, rows) if rows else DEFAULT_SET


def question_set(session: Session, team: Team, set_id: int | None) -> QuestionSet:
    """The team's set `set_id` (None: the presets); another team's, or none, is a NotFound."""
    if set_id is None:
        return DEFAULT_SET
    rows = list(
        session.scalars(
            select(StandupQuestion)
            .join(StandupQuestionSet, StandupQuestionSet.id == StandupQuestion.question_set_id)
            .where(StandupQuestionSet.id == set_id, StandupQuestionSet.team_id == team.id)
        )
    )
    if not rows:
        raise NotFound(Message(N_("That button no longer works. Run the command again.")))
    return _from_rows(set_id, rows)


def question_sets(session: Session, set_ids: set[int | None]) -> dict[int | None, QuestionSet]:
    """Several sets at once, by id (None: the presets)."""
    found: dict[int | None, QuestionSet] = {None: DEFAULT_SET}
    wanted = {i for i in set_ids if i is not None}
    if wanted:
        by_set: dict[int, list[StandupQuestion]] = {}
        for row in session.scalars(
            select(StandupQuestion).where(StandupQuestion.question_set_id.in_(wanted))
        ):
            by_set.setdefault(row.question_set_id, []).append(row)
        found |= {set_id: _from_rows(set_id, rows) for set_id, rows in by_set.items()}
    return found


def ask_questions(
    session: Session,
    team: Team,
    questions: tuple[Question, ...],
    actor: Person,
    now: dt.datetime,
) -> QuestionSet:
    """Make `questions` the team's: a new set, unless they are the ones it asks already."""
    current = current_questions(session, team)
    if current.questions == questions:
        return current
    question_set = StandupQuestionSet(
        workspace_id=team.workspace_id, team_id=team.id, created_at=now, created_by_id=actor.id
    )
    session.add(question_set)
    session.flush()
    for position, question in enumerate(questions):
        session.add(
            StandupQuestion(
                workspace_id=team.workspace_id,
                question_set_id=question_set.id,
                position=position,
                kind=question.kind,
                preset=question.preset,
                text=question.text,
            )
        )
    session.flush()
    return QuestionSet(question_set.id, questions)


def team_and_question_count(session: Session, team_id: int) -> tuple[Team, int]:
    """The team and how many questions it asks now, in one statement (the scheduler's prompt
    jobs read both for each instant, and count their statements)."""
    latest = (
        select(StandupQuestionSet.id)
        .where(StandupQuestionSet.team_id == Team.id)
        .order_by(StandupQuestionSet.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    count = (
        select(func.count(StandupQuestion.id))
        .where(StandupQuestion.question_set_id == latest)
        .scalar_subquery()
    )
    team, asked = session.execute(select(Team, count).where(Team.id == team_id)).one()
    return team, asked or len(DEFAULT_QUESTIONS)
