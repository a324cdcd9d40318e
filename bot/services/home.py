"""What one person's Home tab shows, across all their teams in the workspace: their role in
each team, today's standup in each team that asks them (its standup days, their own time,
and that time when they chose one), each team's running (or next) sprint with its committed
and done points, the ideas awaiting the triage of the teams they own, the open blockers of the
teams they are scrum master of, and their own ideas and votes.

Read in a constant number of statements, however many teams, items, votes and blockers there
are: one per kind of thing, each over all the person's teams at once, and each list read up
to LIST_MAX rows with its total beside it. Team-level only: nothing here counts or ranks what
other people did (a blocker names who raised it, as its message in the admin channel does).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.models import (
    AwayPeriod,
    BacklogItem,
    Blocker,
    IdeaFollower,
    ItemKind,
    ItemStatus,
    Person,
    Sprint,
    SprintChange,
    SprintState,
    StandupAnswer,
    StandupDay,
    StandupParticipant,
    Team,
    TeamHoliday,
    TeamMember,
    Vote,
)
from bot.services.backlog import ORDER
from bot.services.sprints.calendar import days_left
from bot.services.sprints.ledger import Totals
from bot.services.standups import is_standup_day, local_today, next_standup_day, person_today

# Rows read for each list (ideas to triage per team, blockers per team, the person's ideas,
# their votes): the Home tab shows at most this many and says how many more there are.
LIST_MAX = 5
AWAY_MAX = 3  # current and coming away periods shown


class Role(enum.StrEnum):
    OWNER = "owner"
    SCRUM_MASTER = "scrum_master"
    MEMBER = "member"


class NoStandup(enum.StrEnum):
    """Why a member has no standup today."""

    DAY_OFF = "day_off"  # not one of the team's standup days
    HOLIDAY = "holiday"  # a team holiday
    AWAY = "away"  # the person is away


@dataclass(frozen=True)
class StandupToday:
    """A member's standup of today (their local date, as the prompt counts it)."""

    day: dt.date
    answered: bool
    none_because: NoStandup | None = None  # None: there is a standup today
    holiday_note: str | None = None
    away_until: dt.date | None = None
    next_day: dt.date | None = None  # on a day off of a team with standup days of its own
    own_time: dt.time | None = None  # their own standup time (their time zone); None: the team's


@dataclass(frozen=True)
class RunningSprint:
    sprint: Sprint
    totals: Totals  # scope (committed, with scope change) and done, now
    days_left: int  # working days left, today included while its working day runs


@dataclass(frozen=True)
class OpenBlocker:
    id: int
    raised_by: str  # the Slack id of the member it blocks
    text: str
    raised_at: dt.datetime


@dataclass(frozen=True)
class TeamHome:
    team: Team
    roles: frozenset[Role]
    running: RunningSprint | None
    next_sprint: Sprint | None  # the next planned one
    standup: StandupToday | None  # for whom the team asks only
    triage: list[BacklogItem] = field(default_factory=list)  # for the owner only
    blockers: list[OpenBlocker] = field(default_factory=list)  # for the scrum master only
    blockers_total: int = 0

    @property
    def triage_total(self) -> int:
        """Ideas awaiting triage, for the owner (the team row keeps the count)."""
        return self.team.proposed_items if Role.OWNER in self.roles else 0

    @property
    def can_plan(self) -> bool:
        return bool({Role.OWNER, Role.SCRUM_MASTER} & self.roles)


@dataclass(frozen=True)
class ItemLine:
    """One of the person's ideas, or an item they voted for."""

    id: int
    title: str
    kind: ItemKind
    status: ItemStatus
    team_name: str
    votes: int
    following: bool = False  # the person follows it (bot.services.follows)


@dataclass(frozen=True)
class Home:
    person: Person
    teams: list[TeamHome]
    ideas: list[ItemLine]
    ideas_total: int
    votes: list[ItemLine]
    votes_total: int
    away: list[tuple[dt.date, dt.date]]  # current and coming away periods, soonest first
    workspace_has_teams: bool


def home(session: Session, person: Person, now: dt.datetime) -> Home:
    """Everything the person's Home tab shows (see the module's docstring)."""
    team_rows, asked = _teams(session, person)
    ids = [team.id for team, _ in team_rows]
    sprints = _sprints(session, ids)
    running = [s for s in sprints if s.state is SprintState.ACTIVE]
    totals = _totals(session, [s.id for s in running])
    days = {team.id: local_today(team, person, now) for team, _ in team_rows if team.id in asked}
    answered = _answered(session, person, days)
    holidays = _holidays(session, days)
    first_team = team_rows[0][0] if team_rows else None
    away = _away(session, person, min([*days.values(), person_today(person, first_team, now)]))
    owned = [team.id for team, roles in team_rows if Role.OWNER in roles]
    triage = _ideas_to_triage(session, owned)
    led = [team.id for team, roles in team_rows if Role.SCRUM_MASTER in roles]
    blockers, blocker_totals = _open_blockers(session, led)

    teams = []
    for team, roles in team_rows:
        active = next((s for s in running if s.team_id == team.id), None)
        planned = (s for s in sprints if s.team_id == team.id and s.state is SprintState.PLANNED)
        day = days.get(team.id)
        teams.append(
            TeamHome(
                team=team,
                roles=roles,
                running=(
                    None
                    if active is None
                    else RunningSprint(
                        active, totals.get(active.id, Totals()), days_left(team, active, now)
                    )
                ),
                next_sprint=next(planned, None),
                standup=(
                    None
                    if day is None
                    else replace(
                        _standup_today(team, day, (team.id, day) in answered, holidays, away),
                        own_time=asked[team.id],
                    )
                ),
                triage=triage.get(team.id, []),
                blockers=blockers.get(team.id, []),
                blockers_total=blocker_totals.get(team.id, 0),
            )
        )
    ideas, ideas_total = _own_ideas(session, person)
    votes, votes_total = _votes(session, person)
    return Home(
        person=person,
        teams=teams,
        ideas=ideas,
        ideas_total=ideas_total,
        votes=votes,
        votes_total=votes_total,
        away=away,
        workspace_has_teams=bool(teams) or _any_team(session),
    )


def _teams(
    session: Session, person: Person
) -> tuple[list[tuple[Team, frozenset[Role]]], dict[int, dt.time | None]]:
    """The teams the person has a part in, oldest first, with their roles in each; and those
    that ask them for standups (members unless left out, the owner and the scrum master when
    asked), each with the person's own standup time there (None: the team's): one statement."""
    member_of = select(TeamMember.team_id).where(TeamMember.person_id == person.id)
    part = StandupParticipant
    rows = session.execute(
        select(Team, Team.id.in_(member_of), part.asked, part.own_time)
        .outerjoin(part, and_(part.team_id == Team.id, part.person_id == person.id))
        .where(
            or_(
                Team.owner_id == person.id,
                Team.scrum_master_id == person.id,
                Team.id.in_(member_of),
            )
        )
        .order_by(Team.id)
    ).all()
    result = []
    asked: dict[int, dt.time | None] = {}
    for team, is_member, choice, own_time in rows:
        roles = {Role.MEMBER} if is_member else set()
        if team.owner_id == person.id:
            roles.add(Role.OWNER)
        if team.scrum_master_id == person.id:
            roles.add(Role.SCRUM_MASTER)
        result.append((team, frozenset(roles)))
        if choice if choice is not None else is_member:
            asked[team.id] = own_time
    return result, asked


def _any_team(session: Session) -> bool:
    return session.scalar(select(Team.id).limit(1)) is not None


def _sprints(session: Session, team_ids: list[int]) -> list[Sprint]:
    """The teams' running and planned sprints, the soonest first."""
    if not team_ids:
        return []
    return list(
        session.scalars(
            select(Sprint)
            .where(
                Sprint.team_id.in_(team_ids),
                Sprint.state.in_((SprintState.ACTIVE, SprintState.PLANNED)),
            )
            .order_by(Sprint.start_date, Sprint.id)
        )
    )


def _totals(session: Session, sprint_ids: list[int]) -> dict[int, Totals]:
    """Scope and done of each sprint now: the sums of their ledgers, in one statement."""
    if not sprint_ids:
        return {}
    rows = session.execute(
        select(
            SprintChange.sprint_id,
            func.coalesce(func.sum(SprintChange.scope_points), 0),
            func.coalesce(func.sum(SprintChange.scope_items), 0),
            func.coalesce(func.sum(SprintChange.done_points), 0),
            func.coalesce(func.sum(SprintChange.done_items), 0),
        )
        .where(SprintChange.sprint_id.in_(sprint_ids))
        .group_by(SprintChange.sprint_id)
    ).all()
    return {row[0]: Totals(*(int(v) for v in row[1:])) for row in rows}


def _answered(
    session: Session, person: Person, days: dict[int, dt.date]
) -> set[tuple[int, dt.date]]:
    """(team id, day) of the standups of `days` that the person has answered."""
    if not days:
        return set()
    return set(
        session.execute(
            select(StandupDay.team_id, StandupDay.day)
            .join(StandupAnswer, StandupAnswer.standup_day_id == StandupDay.id)
            .where(
                StandupAnswer.person_id == person.id,
                StandupDay.team_id.in_(days),
                StandupDay.day.in_(set(days.values())),
            )
        ).tuples()
    )


def _holidays(session: Session, days: dict[int, dt.date]) -> dict[tuple[int, dt.date], str]:
    """The team holidays among `days`, with their notes ("" for none)."""
    if not days:
        return {}
    rows = session.execute(
        select(TeamHoliday.team_id, TeamHoliday.day, TeamHoliday.note).where(
            TeamHoliday.team_id.in_(days), TeamHoliday.day.in_(set(days.values()))
        )
    ).tuples()
    return {(team_id, day): note or "" for team_id, day, note in rows}


def _away(session: Session, person: Person, since: dt.date) -> list[tuple[dt.date, dt.date]]:
    return list(
        session.execute(
            select(AwayPeriod.start_date, AwayPeriod.end_date)
            .where(AwayPeriod.person_id == person.id, AwayPeriod.end_date >= since)
            .order_by(AwayPeriod.start_date, AwayPeriod.id)
            .limit(AWAY_MAX)
        ).tuples()
    )


def _standup_today(
    team: Team,
    day: dt.date,
    answered: bool,
    holidays: dict[tuple[int, dt.date], str],
    away: list[tuple[dt.date, dt.date]],
) -> StandupToday:
    """Whether the person has a standup today, as the prompts decide it, and whether they
    answered it (an answer given anyway, on a day off, still counts as answered)."""
    if answered:
        return StandupToday(day, answered=True)
    if not is_standup_day(team, day):
        # A team with days of its own says when the next one is; otherwise, not a working day.
        upcoming = next_standup_day(team, day) if team.standup_days else None
        return StandupToday(day, answered, NoStandup.DAY_OFF, next_day=upcoming)
    if (team.id, day) in holidays:
        return StandupToday(day, answered, NoStandup.HOLIDAY, holiday_note=holidays[team.id, day])
    until = next((end for start, end in away if start <= day <= end), None)
    if until is not None:
        return StandupToday(day, answered, NoStandup.AWAY, away_until=until)
    return StandupToday(day, answered)


def _ideas_to_triage(session: Session, team_ids: list[int]) -> dict[int, list[BacklogItem]]:
    """Up to LIST_MAX ideas awaiting triage per team, in the backlog's order (most voted
    first): one statement for all the teams, ranked within each by a window function."""
    if not team_ids:
        return {}
    rank = func.row_number().over(partition_by=BacklogItem.team_id, order_by=ORDER)
    ranked = (
        select(BacklogItem.id, rank.label("rank"))
        .where(BacklogItem.team_id.in_(team_ids), BacklogItem.status == ItemStatus.PROPOSED)
        .subquery()
    )
    items = session.scalars(
        select(BacklogItem)
        .join(ranked, ranked.c.id == BacklogItem.id)
        .where(ranked.c.rank <= LIST_MAX)
        .order_by(BacklogItem.team_id, ranked.c.rank)
    )
    by_team: dict[int, list[BacklogItem]] = defaultdict(list)
    for item in items:
        by_team[item.team_id].append(item)
    return by_team


def _open_blockers(
    session: Session, team_ids: list[int]
) -> tuple[dict[int, list[OpenBlocker]], dict[int, int]]:
    """Up to LIST_MAX open blockers per team, the oldest first, and how many each team has."""
    if not team_ids:
        return {}, {}
    ranked = (
        select(
            Blocker.id,
            Blocker.team_id,
            Blocker.text,
            Blocker.raised_at,
            Person.slack_user_id,
            func.row_number()
            .over(partition_by=Blocker.team_id, order_by=(Blocker.raised_at, Blocker.id))
            .label("rank"),
            func.count().over(partition_by=Blocker.team_id).label("total"),
        )
        .join(Person, Person.id == Blocker.person_id)
        .where(Blocker.team_id.in_(team_ids), Blocker.resolved_at.is_(None))
        .subquery()
    )
    rows = session.execute(
        select(ranked).where(ranked.c.rank <= LIST_MAX).order_by(ranked.c.team_id, ranked.c.rank)
    ).all()
    blockers: dict[int, list[OpenBlocker]] = defaultdict(list)
    totals: dict[int, int] = {}
    for row in rows:
        blockers[row.team_id].append(
            OpenBlocker(row.id, row.slack_user_id, row.text, row.raised_at)
        )
        totals[row.team_id] = int(row.total)
    return blockers, totals


def _item_lines(
    rows: list[tuple[BacklogItem, str, int, bool]],
) -> tuple[list[ItemLine], int]:
    lines = [
        ItemLine(item.id, item.title, item.kind, item.status, team_name, item.vote_count, following)
        for item, team_name, _, following in rows
    ]
    return lines, int(rows[0][2]) if rows else 0


def _following(person: Person) -> Any:
    """Whether the person follows the row's item: a column of the list's own statement."""
    return (
        select(IdeaFollower.item_id)
        .where(IdeaFollower.item_id == BacklogItem.id, IdeaFollower.person_id == person.id)
        .exists()
    )


def _own_ideas(session: Session, person: Person) -> tuple[list[ItemLine], int]:
    """The person's latest ideas, in any team, and how many they submitted in all."""
    rows = session.execute(
        select(BacklogItem, Team.name, func.count().over(), _following(person))
        .join(Team, Team.id == BacklogItem.team_id)
        .where(BacklogItem.submitter_id == person.id)
        .order_by(BacklogItem.id.desc())
        .limit(LIST_MAX)
    ).tuples()
    return _item_lines(list(rows))


def _votes(session: Session, person: Person) -> tuple[list[ItemLine], int]:
    """What the person voted for lately, and how many votes they have in all."""
    rows = session.execute(
        select(BacklogItem, Team.name, func.count().over(), _following(person))
        .join(Vote, Vote.item_id == BacklogItem.id)
        .join(Team, Team.id == BacklogItem.team_id)
        .where(Vote.person_id == person.id)
        .order_by(Vote.created_at.desc(), Vote.id.desc())
        .limit(LIST_MAX)
    ).tuples()
    return _item_lines(list(rows))


__all__ = [
    "LIST_MAX",
    "Home",
    "ItemLine",
    "NoStandup",
    "OpenBlocker",
    "Role",
    "RunningSprint",
    "StandupToday",
    "TeamHome",
    "home",
]
