"""Asynchronous daily standups: who is asked when, answers, blockers, away periods and team
holidays.

Each member is asked at the team's standup time in their own time zone (from their Slack
profile; the team's when Slack has none), on the team's working days as they fall in the
member's calendar, except on team holidays and while the member is away. A day's answers form
one thread in the team channel; the day is the member's local date of the prompt.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Mention, Message, NotAllowed, NoTeam, NotFound
from bot.fields import StandupField
from bot.i18n import N_
from bot.models import (
    AwayPeriod,
    BacklogItem,
    Blocker,
    BlockerCard,
    Person,
    SprintItem,
    StandupAnswer,
    StandupDay,
    StandupPrompt,
    Team,
    TeamHoliday,
    TeamMember,
)
from bot.models.standup import ANSWER_MAX, NOTE_MAX
from bot.services.sprints.calendar import after_working_days, is_working_day
from bot.services.sprints.lifecycle import active_sprint
from bot.services.teams import is_member, is_time_zone, team_for_channel

PROMPT_STALE = dt.timedelta(hours=4)  # a prompt later than this no longer helps the day
BLOCKER_RERAISE_WORKING_DAYS = 2
LATE_DAYS = 3  # a late answer is taken for a prompt up to this many days old
ITEMS_MAX = 10  # sprint items one answer may mention
UNREACHABLE_DAYS = 7
# Slack's answers to a DM for someone who has left (or whose DM channel is gone with them).
GONE_FROM_SLACK = ("user_not_found", "account_inactive", "channel_not_found", "user_disabled")


def member_zone(person: Person, team: Team) -> ZoneInfo:
    name = person.time_zone if person.time_zone and is_time_zone(person.time_zone) else None
    return ZoneInfo(name or team.time_zone)


def prompt_at(team: Team, person: Person, day: dt.date) -> dt.datetime:
    """The member's standup time on `day`, in their own time zone, as a UTC instant."""
    local = dt.datetime.combine(day, team.standup_time, tzinfo=member_zone(person, team))
    return local.astimezone(dt.UTC)


def person_today(person: Person, team: Team | None, now: dt.datetime) -> dt.date:
    """The person's date now: their own time zone, else their team's, else UTC."""
    name = person.time_zone if person.time_zone and is_time_zone(person.time_zone) else None
    name = name or (team.time_zone if team else "UTC")
    return now.astimezone(ZoneInfo(name)).date()


def local_today(team: Team, person: Person, now: dt.datetime) -> dt.date:
    return now.astimezone(member_zone(person, team)).date()


# --- who is asked, and when ------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """Members of one team to ask (or remind) at one instant."""

    team: Team
    at: dt.datetime
    day_by_person: dict[int, dt.date]  # person id -> the local date they are asked about
    people: dict[int, Person]


@dataclass
class Calendar:
    """Everything the scheduler needs to decide prompts, loaded in a constant number of
    statements however many teams and members there are."""

    teams: list[Team]
    members: dict[int, list[Person]]  # team id -> members
    holidays: set[tuple[int, dt.date]]
    away: dict[int, list[tuple[dt.date, dt.date]]]  # person id -> periods
    unreachable: set[int] = field(default_factory=set)  # left Slack lately: not asked daily

    def is_away(self, person_id: int, day: dt.date) -> bool:
        return any(start <= day <= end for start, end in self.away.get(person_id, ()))

    def asks(self, team: Team, person: Person, day: dt.date) -> bool:
        return (
            is_working_day(team, day)
            and (team.id, day) not in self.holidays
            and not self.is_away(person.id, day)
            and person.id not in self.unreachable
            and not person.deleted  # left Slack: their scrum master is told instead
            and not person.is_bot
        )


def calendar(session: Session, around: dt.datetime, team_id: int | None = None) -> Calendar:
    """Teams (all, or one), members, holidays and away periods for the days around `around`."""
    team_query = select(Team).order_by(Team.id)
    member_query = (
        select(TeamMember.team_id, Person)
        .join(Person, Person.id == TeamMember.person_id)
        .order_by(TeamMember.team_id, Person.id)
    )
    if team_id is not None:
        team_query = team_query.where(Team.id == team_id)
        member_query = member_query.where(TeamMember.team_id == team_id)
    teams = list(session.scalars(team_query))
    members: dict[int, list[Person]] = defaultdict(list)
    for member_team_id, person in session.execute(member_query):
        members[member_team_id].append(person)
    first, last = around.date() - dt.timedelta(days=3), around.date() + dt.timedelta(days=3)
    holidays = {
        (team_id, day)
        for team_id, day in session.execute(
            select(TeamHoliday.team_id, TeamHoliday.day).where(TeamHoliday.day.between(first, last))
        )
    }
    away: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for person_id, start, end in session.execute(
        select(AwayPeriod.person_id, AwayPeriod.start_date, AwayPeriod.end_date).where(
            AwayPeriod.end_date >= first, AwayPeriod.start_date <= last
        )
    ):
        away[person_id].append((start, end))
    # Someone whose prompt failed because they are gone from Slack is not asked (and not
    # reported) every day: they are tried again once that failure is a week old.
    unreachable = set(
        session.scalars(
            select(StandupPrompt.person_id).where(
                StandupPrompt.failure.in_(GONE_FROM_SLACK),
                StandupPrompt.day > around.date() - dt.timedelta(days=UNREACHABLE_DAYS),
            )
        )
    )
    return Calendar(teams, members, holidays, away, unreachable)


def due_prompts(cal: Calendar, until: dt.datetime, lookback: dt.timedelta) -> list[Due]:
    """Per team, the members whose standup time fell in (until - lookback, until], grouped by
    that instant (members in one time zone share it)."""
    result = []
    for team in cal.teams:
        groups: dict[dt.datetime, dict[int, dt.date]] = defaultdict(dict)
        people = {p.id: p for p in cal.members.get(team.id, [])}
        for person in people.values():
            today = local_today(team, person, until)
            for day in (today - dt.timedelta(days=1), today):
                at = prompt_at(team, person, day)
                if until - lookback < at <= until and cal.asks(team, person, day):
                    groups[at][person.id] = day
        for at, day_by_person in sorted(groups.items()):
            result.append(Due(team, at, day_by_person, people))
    return result


def record_prompts(
    session: Session, due: Due, now: dt.datetime
) -> list[tuple[int, Person, dt.date]]:
    """Prompt rows for `due`, skipping members already prompted for their day (a repeated
    tick, or a member moved between time zones). Returns (prompt id, person, day) to send."""
    team = due.team
    days = set(due.day_by_person.values())
    existing = set(
        session.execute(
            select(StandupPrompt.person_id, StandupPrompt.day).where(
                StandupPrompt.team_id == team.id, StandupPrompt.day.in_(days)
            )
        ).tuples()
    )
    rows = []
    for person_id, day in due.day_by_person.items():
        if (person_id, day) in existing:
            continue
        prompt = StandupPrompt(
            workspace_id=team.workspace_id,
            team_id=team.id,
            person_id=person_id,
            day=day,
            due_at=due.at,
        )
        session.add(prompt)
        rows.append((prompt, due.people[person_id], day))
    session.flush()
    return [(prompt.id, person, day) for prompt, person, day in rows]


def to_remind(session: Session, team: Team, prompted_at: dt.datetime) -> list[StandupPrompt]:
    """Prompts of `team` sent at `prompted_at`, not answered and not reminded yet."""
    answered = (
        select(StandupAnswer.id)
        .join(StandupDay, StandupDay.id == StandupAnswer.standup_day_id)
        .where(
            StandupDay.team_id == StandupPrompt.team_id,
            StandupDay.day == StandupPrompt.day,
            StandupAnswer.person_id == StandupPrompt.person_id,
        )
        .exists()
    )
    return list(
        session.scalars(
            select(StandupPrompt).where(
                StandupPrompt.team_id == team.id,
                StandupPrompt.due_at == prompted_at,
                StandupPrompt.sent_at.is_not(None),
                StandupPrompt.reminded_at.is_(None),
                ~answered,
            )
        )
    )


# --- answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerDraft:
    done: str | None
    next: str | None
    blockers: str | None
    item_ids: tuple[int, ...]

    @classmethod
    def validate(cls, raw: dict[str, Any]) -> AnswerDraft:
        errors: dict[str, Message] = {}
        values = {}
        for key in (StandupField.DONE, StandupField.NEXT, StandupField.BLOCKERS):
            text = (raw.get(key) or "").strip() or None
            if text and len(text) > ANSWER_MAX:
                errors[key] = Message(
                    # Translators: {limit} is a number of characters.
                    N_("Keep this under {limit} characters."),
                    {"limit": ANSWER_MAX},
                )
            values[key] = text
        if not values[StandupField.DONE] and not values[StandupField.NEXT]:
            errors[StandupField.DONE] = Message(
                N_("Write at least what you finished or what you will do next.")
            )
        if errors:
            raise Invalid(errors)
        items = tuple(
            dict.fromkeys(int(v) for v in raw.get(StandupField.ITEMS) or [] if str(v).isdigit())
        )
        return cls(
            values[StandupField.DONE],
            values[StandupField.NEXT],
            values[StandupField.BLOCKERS],
            items,
        )


def standup_team(session: Session, person: Person, channel_id: str | None) -> Team:
    """The channel's team, or the person's only team (from a DM)."""
    team = team_for_channel(session, channel_id)
    if team is not None:
        return team
    mine = list(
        session.scalars(
            select(Team)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .where(TeamMember.person_id == person.id)
        )
    )
    if len(mine) == 1:
        return mine[0]
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


def require_member(session: Session, team: Team, person: Person) -> None:
    if not is_member(session, team, person):
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Standups are for the members of {team}. Ask {scrum} to add you."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
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
    """Store (or, the same day, edit) a member's standup. Yesterday's answer may still be
    given late, but no longer edited once given."""
    require_member(session, team, person)
    today = local_today(team, person, now)
    if day > today:
        raise Conflict(Message(N_("That standup has not started yet.")))
    if day < today and not _was_asked(session, team, person, day):
        raise Conflict(Message(N_("There was no standup for you that day.")))
    if day < today - dt.timedelta(days=LATE_DAYS):
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
    answer.done, answer.next, answer.blockers = draft.done, draft.next, draft.blockers
    answer.item_ids = _sprint_item_ids(session, team, draft.item_ids)
    answer.updated_at = now
    session.flush()
    blocker = session.scalar(select(Blocker).where(Blocker.answer_id == answer.id))
    changed = None
    reopened = blocker is not None and blocker.resolved_at is not None
    if draft.blockers and (blocker is None or blocker.text != draft.blockers or reopened):
        if blocker is None:
            blocker = Blocker(
                workspace_id=team.workspace_id,
                team_id=team.id,
                answer_id=answer.id,
                person_id=person.id,
                text=draft.blockers,
                raised_at=now,
            )
            session.add(blocker)
        else:
            blocker.text = draft.blockers
            if blocker.resolved_at is not None:  # blocked again: a new raise, a new post
                blocker.raised_at, blocker.reraised_at = now, None
                # Its old cards stay as they are (resolved); the new raise gets its own.
                session.execute(delete(BlockerCard).where(BlockerCard.blocker_id == blocker.id))
            blocker.resolved_at = blocker.resolved_by_id = None
        session.flush()
        changed = blocker
    elif not draft.blockers and blocker is not None and blocker.resolved_at is None:
        blocker.resolved_at = now  # the member took it out: no longer blocking
        blocker.resolved_by_id = person.id
        changed = blocker
    return Saved(answer, sd, changed, created)


def participation(session: Session, sd: StandupDay, now: dt.datetime) -> tuple[int, int]:
    """(answered, asked) for a day: team-level, never who.

    Asked are all the members the day asks, from the start of the day: those asked already,
    and those whose prompt is still to come (a member in New York is asked hours after one
    in Rome); not those whose prompt could not be delivered, nor those whose time went by
    without a prompt (added to the team that afternoon, back from away too late)."""
    answered = (
        session.scalar(select(func.count()).where(StandupAnswer.standup_day_id == sd.id)) or 0
    )
    prompts = dict(
        session.execute(
            select(StandupPrompt.person_id, StandupPrompt.failure).where(
                StandupPrompt.team_id == sd.team_id, StandupPrompt.day == sd.day
            )
        )
        .tuples()
        .all()
    )
    cal = calendar(session, dt.datetime.combine(sd.day, dt.time(12), dt.UTC), sd.team_id)
    team = session.get_one(Team, sd.team_id)
    asked = {
        p.id
        for p in cal.members.get(team.id, [])
        if cal.asks(team, p, sd.day) and prompt_at(team, p, sd.day) > now - PROMPT_STALE
    }
    asked |= {person_id for person_id, failure in prompts.items() if failure is None}
    asked -= {person_id for person_id, failure in prompts.items() if failure is not None}
    return answered, max(len(asked), answered)


# --- blockers --------------------------------------------------------------------------------


def resolve_blocker(session: Session, blocker_id: int, actor: Person, now: dt.datetime) -> Blocker:
    blocker = session.scalar(select(Blocker).where(Blocker.id == blocker_id).with_for_update())
    if blocker is None:
        raise NotFound(Message(N_("That blocker no longer exists.")))
    team = session.get_one(Team, blocker.team_id)
    if actor.id != team.scrum_master_id:
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Only the scrum master of {team}, {scrum}, resolves blockers."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )
    if blocker.resolved_at is not None:
        raise Conflict(Message(N_("This blocker is already resolved.")))
    blocker.resolved_at, blocker.resolved_by_id = now, actor.id
    return blocker


def cards(session: Session, blocker_id: int) -> list[BlockerCard]:
    """The blocker's messages in the admin channel, oldest first."""
    return list(
        session.scalars(
            select(BlockerCard).where(BlockerCard.blocker_id == blocker_id).order_by(BlockerCard.id)
        )
    )


def add_card(
    session: Session,
    blocker: Blocker,
    channel_id: str,
    ts: str,
    *,
    again: bool,
    now: dt.datetime,
) -> None:
    session.add(
        BlockerCard(
            workspace_id=blocker.workspace_id,
            blocker_id=blocker.id,
            channel_id=channel_id,
            ts=ts,
            again=again,
            posted_at=now,
        )
    )


def reraise_due(
    team: Team, blocker: Blocker, holidays: frozenset[dt.date] = frozenset()
) -> dt.datetime:
    """When an open blocker is raised again: after two of the team's working days (holidays
    do not count)."""
    return after_working_days(team, blocker.raised_at, BLOCKER_RERAISE_WORKING_DAYS, holidays)


def team_holidays(
    session: Session, team_ids: set[int], since: dt.date
) -> dict[int, frozenset[dt.date]]:
    days: dict[int, set[dt.date]] = defaultdict(set)
    if team_ids:
        for team_id, day in session.execute(
            select(TeamHoliday.team_id, TeamHoliday.day).where(
                TeamHoliday.team_id.in_(team_ids), TeamHoliday.day >= since
            )
        ):
            days[team_id].add(day)
    return {team_id: frozenset(d) for team_id, d in days.items()}


def remove_holiday(session: Session, team: Team, actor: Person, day_text: str) -> dt.date:
    _require_scrum_master(team, actor)
    day = _parse_day(day_text)
    holiday = day and session.scalar(
        select(TeamHoliday).where(TeamHoliday.team_id == team.id, TeamHoliday.day == day)
    )
    if not holiday:
        # Translators: {team} is the team's name.
        raise Conflict(Message(N_("{team} has no holiday on that day."), {"team": team.name}))
    session.delete(holiday)
    return holiday.day


def open_blockers(session: Session) -> Iterable[tuple[Blocker, Team]]:
    return session.execute(
        select(Blocker, Team)
        .join(Team, Team.id == Blocker.team_id)
        .where(Blocker.resolved_at.is_(None), Blocker.reraised_at.is_(None))
    ).tuples()


# --- away and holidays -----------------------------------------------------------------------


def _parse_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def set_away(
    session: Session,
    person: Person,
    start_text: str,
    end_text: str,
    today: dt.date,
    now: dt.datetime,
) -> AwayPeriod:
    start, end = _parse_day(start_text), _parse_day(end_text)
    if start is None or end is None:
        raise Conflict(
            Message(N_("Give the dates as YYYY-MM-DD, e.g. `/standup away 2026-12-21 2027-01-03`."))
        )
    if end < start:
        raise Conflict(Message(N_("The away period ends before it starts.")))
    if end < today:
        raise Conflict(Message(N_("That away period is already over.")))
    period = AwayPeriod(
        workspace_id=person.workspace_id,
        person_id=person.id,
        start_date=start,
        end_date=end,
        created_at=now,
    )
    session.add(period)
    return period


def come_back(session: Session, person: Person, today: dt.date) -> int:
    """End the person's current and future away periods: they are asked again from today."""
    periods = session.scalars(
        select(AwayPeriod).where(AwayPeriod.person_id == person.id, AwayPeriod.end_date >= today)
    ).all()
    for period in periods:
        if period.start_date >= today:
            session.delete(period)
        else:
            period.end_date = today - dt.timedelta(days=1)
    return len(periods)


def _require_scrum_master(team: Team, actor: Person) -> None:
    if actor.id != team.scrum_master_id:
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Only the scrum master of {team}, {scrum}, manages its holidays."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )


def add_holiday(
    session: Session,
    team: Team,
    actor: Person,
    day_text: str,
    note: str | None,
    today: dt.date,
    now: dt.datetime,
) -> TeamHoliday:
    _require_scrum_master(team, actor)
    day = _parse_day(day_text)
    if day is None:
        raise Conflict(
            Message(
                N_("Give the date as YYYY-MM-DD, e.g. `/standup holiday 2026-12-24 Christmas Eve`.")
            )
        )
    if day < today:
        raise Conflict(Message(N_("That day is in the past.")))
    existing = session.scalar(
        select(TeamHoliday).where(TeamHoliday.team_id == team.id, TeamHoliday.day == day)
    )
    if existing is not None:
        existing.note = (note or "")[:NOTE_MAX] or existing.note
        return existing
    holiday = TeamHoliday(
        workspace_id=team.workspace_id,
        team_id=team.id,
        day=day,
        note=(note or "")[:NOTE_MAX] or None,
        created_at=now,
    )
    session.add(holiday)
    return holiday


def holidays(session: Session, team: Team, today: dt.date) -> list[TeamHoliday]:
    return list(
        session.scalars(
            select(TeamHoliday)
            .where(TeamHoliday.team_id == team.id, TeamHoliday.day >= today)
            .order_by(TeamHoliday.day)
        )
    )


__all__ = [
    "AnswerDraft",
    "Calendar",
    "Due",
    "Saved",
]
