"""The scrum master's standup set-up: the team's questions, its standup days (one day a week
makes a weekly check-in) and who is asked. Whatever the form cannot take is refused on its
field, and nothing is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import Invalid, Mention, Message, NotAllowed
from bot.fields import NO_BLOCKER_QUESTION, StandupSetupField
from bot.i18n import N_
from bot.models import Person, QuestionKind, Team
from bot.models.standup import QUESTION_MAX, QUESTIONS_MAX
from bot.services import workspaces
from bot.services.standups.participants import ask, participants, refuse_outsiders
from bot.services.standups.questions import (
    Question,
    QuestionSet,
    ask_questions,
    current_questions,
    preset_for,
)
from bot.services.standups.schedule import standup_days
from bot.services.teams import USER_ID

Field = StandupSetupField


def question_field(n: int) -> str:
    """The block id of question `n` (from 1)."""
    return Field.QUESTION.format(n=n)


def _numbered(raw: dict[str, Any]) -> dict[int, str]:
    """The questions submitted, by number: every `standup_question_N`, also beyond the
    form's five (a forged one is a sixth question, refused like any)."""
    prefix = Field.QUESTION.format(n="")
    found = {}
    for key, value in raw.items():
        number = key[len(prefix) :] if key.startswith(prefix) else ""
        if number.isdigit() and int(number) >= 1:
            found[int(number)] = (value or "") if isinstance(value, str) else ""
    return found


@dataclass(frozen=True)
class StandupSetup:
    questions: tuple[Question, ...]
    days: int  # bitmask, Monday = bit 0
    asked: tuple[str, ...]  # Slack ids

    @classmethod
    def validate(cls, raw: dict[str, Any]) -> StandupSetup:
        """Check the set-up form's values; raise Invalid with a message per bad field."""
        errors: dict[str, Message] = {}
        numbered = _numbered(raw)
        last = max([n for n, text in numbered.items() if text.strip()], default=0)
        texts: list[str] = []
        seen: set[object] = set()
        for n in range(1, last + 1):
            text = " ".join(numbered.get(n, "").split())
            same = preset_for(text) or text.rstrip("?").strip().casefold()
            if n > QUESTIONS_MAX:
                errors.setdefault(
                    question_field(QUESTIONS_MAX),
                    Message(
                        # Translators: {max} is the number of questions a standup may ask.
                        N_("A standup asks at most {max} questions."),
                        {"max": QUESTIONS_MAX},
                    ),
                )
            elif not text:
                errors[question_field(n)] = Message(
                    N_("This question is empty: write it, or move the ones below it up.")
                )
            elif len(text) > QUESTION_MAX:
                errors[question_field(n)] = Message(
                    # Translators: {max} is a number of characters.
                    N_("Keep a question to {max} characters."),
                    {"max": QUESTION_MAX},
                )
            elif same in seen:
                errors[question_field(n)] = Message(N_("This question is already asked above."))
            seen.add(same)
            texts.append(text)
        if last == 0:
            errors[question_field(1)] = Message(N_("Ask at least one question."))
        blocker = str(raw.get(Field.BLOCKER_QUESTION) or NO_BLOCKER_QUESTION)
        blocker_number = int(blocker) if blocker.isdigit() else -1
        if blocker_number != 0 and not 1 <= blocker_number <= min(last, QUESTIONS_MAX):
            errors[Field.BLOCKER_QUESTION] = Message(
                N_("Choose a question that is written above, or none.")
            )
        days = 0
        for day in raw.get(Field.DAYS) or ():
            if str(day).isdigit() and 0 <= int(day) <= 6:
                days |= 1 << int(day)
        if not days:
            errors[Field.DAYS] = Message(N_("Choose at least one standup day."))
        asked = tuple(dict.fromkeys(raw.get(Field.ASKED) or ()))
        if any(not USER_ID.match(str(u)) for u in asked):
            errors[Field.ASKED] = Message(N_("Choose the people from the list."))
        elif not asked:
            errors[Field.ASKED] = Message(N_("Choose at least one person to ask."))
        if errors:
            raise Invalid(errors)
        questions = tuple(
            _question(text, n == blocker_number) for n, text in enumerate(texts, start=1)
        )
        return cls(questions, days, asked)


def _question(text: str, blocker: bool) -> Question:
    kind = QuestionKind.BLOCKER if blocker else QuestionKind.TEXT
    preset = preset_for(text)
    return Question(kind, preset) if preset is not None else Question(kind, text=text)


def require_scrum_master(team: Team, actor: Person) -> None:
    if actor.id != team.scrum_master_id:
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Only the scrum master of {team}, {scrum}, sets up its standup."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )


@dataclass(frozen=True)
class CurrentSetup:
    """The standup as the set-up form shows it."""

    questions: QuestionSet
    days: int
    asked: list[Person]


def current_setup(session: Session, team: Team, actor: Person) -> CurrentSetup:
    require_scrum_master(team, actor)
    return CurrentSetup(
        current_questions(session, team),
        standup_days(team),
        participants(session, team),
    )


def save_setup(
    session: Session, team: Team, actor: Person, setup: StandupSetup, now: dt.datetime
) -> QuestionSet:
    """Store the scrum master's set-up: the questions (a new set if they changed), the days
    (none stored when they are the working days, which they then follow), who is asked."""
    require_scrum_master(team, actor)
    wanted = list(workspaces.people(session, list(setup.asked)).values())
    refuse_outsiders(session, team, wanted)
    questions = ask_questions(session, team, setup.questions, actor, now)
    team.standup_days = None if setup.days == team.working_days else setup.days
    team.updated_at = now
    ask(session, team, wanted, now)
    return questions
