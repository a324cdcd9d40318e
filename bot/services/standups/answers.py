"""Standup answers: one per person and day, with a reply to each question of the set the
form showed; a yes to the blocker question raises a blocker. A day's answers form one thread
in the team channel, whose parent counts the team's participation (never who)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Message, NoTeam
from bot.fields import StandupField
from bot.i18n import N_
from bot.models import (
    BacklogItem,
    Blocker,
    BlockerCard,
    Person,
    Preset,
    QuestionKind,
    SprintItem,
    StandupAnswer,
    StandupDay,
    StandupPrompt,
    Team,
    TeamMember,
)
from bot.models.standup import ANSWER_MAX
from bot.services.sprints.lifecycle import active_sprint
from bot.services.standups.participants import require_participant
from bot.services.standups.questions import DEFAULT_SET, QuestionSet
from bot.services.standups.schedule import (
    PROMPT_STALE,
    Calendar,
    calendar,
    is_weekly,
    local_today,
)
from bot.services.teams import team_for_channel

LATE_DAYS = 3  # a late answer is taken for a prompt up to this many days old
LATE_DAYS_WEEKLY = 6  # for a weekly check-in: until the next one
ITEMS_MAX = 10  # sprint items one answer may mention


@dataclass(frozen=True)
class AnswerDraft:
    """A reply per question of `questions` (None: not answered; for the blocker question,
    no), and the sprint items the answer is about."""

    replies: tuple[str | None, ...]
    item_ids: tuple[int, ...] = ()
    questions: QuestionSet = DEFAULT_SET

    @property
    def blocker(self) -> str | None:
        """What blocks the person, if they said yes to the blocker question."""
        position = self.questions.blocker_position
        return None if position is None else self.replies[position]

    @classmethod
    def validate(cls, raw: dict[str, Any], questions: QuestionSet) -> AnswerDraft:
        """The form's values for `questions`; raise Invalid with a message per bad field."""
        errors: dict[str, Message] = {}
        replies: list[str | None] = []
        for position, question in enumerate(questions.questions):
            if question.kind is QuestionKind.BLOCKER:
                replies.append(_blocker_reply(raw, errors))
                continue
            key = StandupField.text_reply(position, question.preset)
            text = (raw.get(key) or "").strip() or None
            if text and len(text) > ANSWER_MAX:
                errors[key] = _too_long()
            replies.append(text)
        texts = questions.text_positions
        if texts and not any(replies[p] for p in texts):
            first = StandupField.text_reply(texts[0], questions.questions[texts[0]].preset)
            presets = {questions.questions[p].preset for p in texts}
            errors.setdefault(
                first,
                Message(N_("Write at least what you finished or what you will do next."))
                if presets == {Preset.DONE, Preset.NEXT}
                else Message(N_("Answer at least one of the questions.")),
            )
        if errors:
            raise Invalid(errors)
        items = tuple(
            dict.fromkeys(int(v) for v in raw.get(StandupField.ITEMS) or [] if str(v).isdigit())
        )
        return cls(tuple(replies), items, questions)


def _too_long() -> Message:
    # Translators: {limit} is a number of characters.
    return Message(N_("Keep this under {limit} characters."), {"limit": ANSWER_MAX})


def _blocker_reply(raw: dict[str, Any], errors: dict[str, Message]) -> str | None:
    """Yes with what blocks, or no. A form without the yes/no (opened before the question
    had one) counts what blocks as a yes."""
    said = raw.get(StandupField.BLOCKED)
    text = (raw.get(StandupField.BLOCKERS) or "").strip() or None
    if text and len(text) > ANSWER_MAX:
        errors[StandupField.BLOCKERS] = _too_long()
    elif said == StandupField.YES and not text:
        errors[StandupField.BLOCKERS] = Message(
            N_("Say what is blocking you, so that the scrum master can help.")
        )
    elif said == StandupField.NO and text:
        errors[StandupField.BLOCKED] = Message(
            N_("You wrote what is blocking you: choose Yes, or empty that field.")
        )
    return None if said == StandupField.NO else text


def standup_team(session: Session, person: Person, channel_id: str | None) -> Team:
    """The channel's team; from elsewhere (a DM), the person's only team as a member, else
    their only team as its marketing owner or scrum master."""
    team = team_for_channel(session, channel_id)
    if team is not None:
        return team
    member_of = select(TeamMember.team_id).where(TeamMember.person_id == person.id)
    for where in (
        Team.id.in_(member_of),
        (Team.owner_id == person.id) | (Team.scrum_master_id == person.id),
    ):
        mine = list(session.scalars(select(Team).where(where).limit(2)))
        if len(mine) == 1:
            return mine[0]
        if mine:
            break
    raise NoTeam(Message(N_("Run `/standup` in your team's channel.")))


def sprint_items(session: Session, team: Team) -> list[tuple[int, str]]:
    """The running sprint's items (id, title), in the sprint's order: what an answer may name."""
    sprint = active_sprint(session, team)
    if sprint is None:
        return []
    return list(
        session.execute(
            select(BacklogItem.id, BacklogItem.title)
            .join(SprintItem, SprintItem.item_id == BacklogItem.id)
            .where(SprintItem.sprint_id == sprint.id, SprintItem.removed_at.is_(None))
            .order_by(SprintItem.id)
        ).tuples()
    )


def answer_of(session: Session, team: Team, person: Person, day: dt.date) -> StandupAnswer | None:
    """The person's answer for the team's standup of `day`, if they gave one."""
    return session.scalar(
        select(StandupAnswer)
        .join(StandupDay, StandupDay.id == StandupAnswer.standup_day_id)
        .where(
            StandupDay.team_id == team.id,
            StandupDay.day == day,
            StandupAnswer.person_id == person.id,
        )
    )


def _was_asked(session: Session, team: Team, person: Person, day: dt.date) -> bool:
    return (
        session.scalar(
            select(StandupPrompt.id).where(
                StandupPrompt.team_id == team.id,
                StandupPrompt.person_id == person.id,
                StandupPrompt.day == day,
            )
        )
        is not None
    )


def _sprint_item_ids(session: Session, team: Team, wanted: tuple[int, ...]) -> list[int]:
    """Of the mentioned items, those in the team's running sprint (a forged id shows nothing)."""
    if not wanted:
        return []
    sprint = active_sprint(session, team)
    if sprint is None:
        return []
    found = set(
        session.scalars(
            select(SprintItem.item_id).where(
                SprintItem.sprint_id == sprint.id, SprintItem.item_id.in_(wanted[:ITEMS_MAX])
            )
        )
    )
    return [i for i in wanted if i in found]


def standup_day(session: Session, team: Team, day: dt.date, now: dt.datetime) -> StandupDay:
    """The team's standup of `day`, created on first use; locked, so that its thread's parent
    post is made once however many answers arrive together."""
    query = (
        select(StandupDay)
        .where(StandupDay.team_id == team.id, StandupDay.day == day)
        .with_for_update()
    )
    found = session.scalar(query)
    if found is not None:
        return found
    session.add(
        StandupDay(workspace_id=team.workspace_id, team_id=team.id, day=day, created_at=now)
    )
    session.flush()  # a concurrent first answer fails here on the unique key, and is retried
    return session.scalar(query)  # type: ignore[return-value]


@dataclass(frozen=True)
class Saved:
    answer: StandupAnswer
    day: StandupDay
    blocker: Blocker | None  # new or changed: to raise in the admin channel
    created: bool


def save_answer(
    session: Session,
    team: Team,
    person: Person,
    day: dt.date,
    draft: AnswerDraft,
    now: dt.datetime,
) -> Saved:
    """Store (or, the same day, edit) a standup answer, with the questions it answers. An
    answer may still be given late, but no longer edited once given."""
    require_participant(session, team, person)
    today = local_today(team, person, now)
    if day > today:
        raise Conflict(Message(N_("That standup has not started yet.")))
    if day < today and not _was_asked(session, team, person, day):
        raise Conflict(Message(N_("There was no standup for you that day.")))
    if day < today - dt.timedelta(days=LATE_DAYS_WEEKLY if is_weekly(team) else LATE_DAYS):
        raise Conflict(Message(N_("That standup is too long ago to answer now.")))
    sd = standup_day(session, team, day, now)
    answer = session.scalar(
        select(StandupAnswer)
        .where(StandupAnswer.standup_day_id == sd.id, StandupAnswer.person_id == person.id)
        .with_for_update()
    )
    created = answer is None
    if answer is None:
        answer = StandupAnswer(
            workspace_id=team.workspace_id,
            standup_day_id=sd.id,
            person_id=person.id,
            answered_at=now,
            updated_at=now,
        )
        session.add(answer)
    elif day != today:
        raise Conflict(
            Message(N_("That day's standup is over: answers can be edited the same day only."))
        )
    elif answer.question_set_id != draft.questions.id:
        raise Conflict(Message(N_("The questions changed meanwhile: open the standup again.")))
    answer.question_set_id = draft.questions.id
    answer.replies = list(draft.replies)
    answer.item_ids = _sprint_item_ids(session, team, draft.item_ids)
    answer.updated_at = now
    session.flush()
    return Saved(answer, sd, _blocker(session, team, person, answer, draft.blocker, now), created)


def _blocker(
    session: Session,
    team: Team,
    person: Person,
    answer: StandupAnswer,
    text: str | None,
    now: dt.datetime,
) -> Blocker | None:
    """The answer's blocker as the answer now has it: raised, changed, raised anew, or taken
    out. Returns it when the admin channel must hear of it."""
    blocker = session.scalar(select(Blocker).where(Blocker.answer_id == answer.id))
    reopened = blocker is not None and blocker.resolved_at is not None
    if text and (blocker is None or blocker.text != text or reopened):
        if blocker is None:
            blocker = Blocker(
                workspace_id=team.workspace_id,
                team_id=team.id,
                answer_id=answer.id,
                person_id=person.id,
                text=text,
                raised_at=now,
            )
            session.add(blocker)
        else:
            blocker.text = text
            if blocker.resolved_at is not None:  # blocked again: a new raise, a new post
                blocker.raised_at, blocker.reraised_at = now, None
                # Its old cards stay as they are (resolved); the new raise gets its own.
                session.execute(delete(BlockerCard).where(BlockerCard.blocker_id == blocker.id))
            blocker.resolved_at = blocker.resolved_by_id = None
        session.flush()
        return blocker
    if not text and blocker is not None and blocker.resolved_at is None:
        blocker.resolved_at = now  # the person took it out: no longer blocking
        blocker.resolved_by_id = person.id
        return blocker
    return None


def participation(session: Session, sd: StandupDay, now: dt.datetime) -> tuple[int, int]:
    """(answered, asked) for a day's thread: team-level, never who."""
    return participation_of(session, session.get_one(Team, sd.team_id), sd.day, now, sd.id)


def participation_of(
    session: Session,
    team: Team,
    day: dt.date,
    now: dt.datetime,
    standup_day_id: int | None = None,
    cal: Calendar | None = None,
) -> tuple[int, int]:
    """(answered, asked) for the team's standup of `day`.

    Asked are all the people the day asks, from the start of the day: those asked already,
    and those whose prompt is still to come (someone in New York is asked hours after
    someone in Rome); not those whose prompt could not be delivered, nor those whose time
    went by without a prompt (added to the team that afternoon, back from away too late).
    `cal`, when given, is a calendar of the team around `day`."""
    answered = 0
    if standup_day_id is not None:
        answered = (
            session.scalar(
                select(func.count()).where(StandupAnswer.standup_day_id == standup_day_id)
            )
            or 0
        )
    prompts = dict(
        session.execute(
            select(StandupPrompt.person_id, StandupPrompt.failure).where(
                StandupPrompt.team_id == team.id, StandupPrompt.day == day
            )
        )
        .tuples()
        .all()
    )
    cal = cal or calendar(session, dt.datetime.combine(day, dt.time(12), dt.UTC), team.id)
    asked = {
        p.id
        for p in cal.members.get(team.id, [])
        if cal.asks(team, p, day) and cal.prompt_at(team, p, day) > now - PROMPT_STALE
    }
    asked |= {person_id for person_id, failure in prompts.items() if failure is None}
    asked -= {person_id for person_id, failure in prompts.items() if failure is not None}
    return answered, max(len(asked), answered)
