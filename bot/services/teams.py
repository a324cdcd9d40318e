"""Agile teams: set-up, roles and who may change what."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.errors import Channel, Invalid, Mention, Message, NotAllowed, NoTeam
from bot.fields import (
    DIGEST_OFF,
    DOD_MAX,
    REMINDER_CHOICES,
    RETRO_WINDOW_CHOICES,
    SECOND_REMINDER_CHOICES,
    TEAM_NAME_MAX,
    WIP_LIMIT_MAX,
    TeamField,
)
from bot.i18n import LANGUAGES, N_
from bot.models import Person, Team, TeamMember
from bot.services import workspaces

MAX_MEMBERS = 50
# Slack ids as Slack issues them. Anything else (a forged payload) is refused, so that an id
# can never smuggle markup such as `<!channel>` into a mention.
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")


@dataclass(frozen=True)
class TeamSettings:
    name: str
    admin_channel_id: str
    owner_user_id: str
    scrum_master_user_id: str
    member_user_ids: tuple[str, ...]
    sprint_length_weeks: int
    standup_time: dt.time
    working_days: int  # bitmask, Monday = bit 0
    time_zone: str
    language: str
    definition_of_done: str | None = None
    showcase_channel_id: str | None = None  # None: the team channel
    standup_reminder_minutes: int = 120
    standup_second_reminder_minutes: int = 0  # 0: none; else later than the first
    retro_window_days: int = 1
    wip_limit: int | None = None  # None: no limit
    digest_weekday: int | None = None  # 0 = Monday; None: no weekly digest
    digest_time: dt.time = dt.time(9, 0)

    @classmethod
    def validate(cls, raw: dict[str, Any]) -> TeamSettings:
        """Check the set-up form's values; raise Invalid with a message per bad field."""
        errors: dict[str, Message] = {}
        name = (raw.get(TeamField.NAME) or "").strip()
        if not name:
            errors[TeamField.NAME] = Message(N_("Give the team a name."))
        elif len(name) > TEAM_NAME_MAX:
            errors[TeamField.NAME] = Message(
                # Translators: {max} and {count} are each a number of characters.
                N_("Keep the name to {max} characters (it has {count})."),
                {"max": TEAM_NAME_MAX, "count": len(name)},
            )
        for key, text, pattern in (
            (
                TeamField.ADMIN_CHANNEL,
                N_("Choose the admin channel, where triage and blockers go."),
                CHANNEL_ID,
            ),
            (TeamField.OWNER, N_("Choose the marketing owner."), USER_ID),
            (TeamField.SCRUM_MASTER, N_("Choose the scrum master."), USER_ID),
        ):
            if not pattern.match(str(raw.get(key) or "")):
                errors[key] = Message(text)
        members = tuple(dict.fromkeys(raw.get(TeamField.MEMBERS) or ()))
        if any(not USER_ID.match(str(m)) for m in members):
            errors[TeamField.MEMBERS] = Message(N_("Choose the members from the list."))
        elif not members:
            errors[TeamField.MEMBERS] = Message(N_("Add at least one team member."))
        elif len(members) > MAX_MEMBERS:
            errors[TeamField.MEMBERS] = Message(
                # Translators: {max} is a number of members.
                N_("A team has at most {max} members."),
                {"max": MAX_MEMBERS},
            )
        length = _int_or_none(raw.get(TeamField.SPRINT_LENGTH))
        if length is None or not 1 <= length <= 4:
            errors[TeamField.SPRINT_LENGTH] = Message(N_("A sprint lasts 1 to 4 weeks."))
        standup = _time_or_none(raw.get(TeamField.STANDUP_TIME))
        if standup is None:
            errors[TeamField.STANDUP_TIME] = Message(N_("Choose the time of the daily standup."))
        days = 0
        for day in raw.get(TeamField.WORKING_DAYS) or ():
            day_number = _int_or_none(day)
            if day_number is not None and 0 <= day_number <= 6:
                days |= 1 << day_number
        if not days:
            errors[TeamField.WORKING_DAYS] = Message(N_("Choose at least one working day."))
        time_zone = (raw.get(TeamField.TIME_ZONE) or "").strip()
        if not is_time_zone(time_zone):
            errors[TeamField.TIME_ZONE] = Message(
                N_("Use a time zone name such as Europe/Rome or America/New_York.")
            )
        language = raw.get(TeamField.LANGUAGE)
        if language not in LANGUAGES:
            errors[TeamField.LANGUAGE] = Message(N_("Choose the team's language."))
        dod = (raw.get(TeamField.DEFINITION_OF_DONE) or "").strip() or None
        if dod and len(dod) > DOD_MAX:
            errors[TeamField.DEFINITION_OF_DONE] = Message(
                # Translators: {max} is a number of characters.
                N_(
                    "Keep the Definition of Done to {max} characters: the team reads it each "
                    "time an item is marked done."
                ),
                {"max": DOD_MAX},
            )
        reminder = _int_or_none(raw.get(TeamField.STANDUP_REMINDER))
        if raw.get(TeamField.STANDUP_REMINDER) is not None and reminder not in REMINDER_CHOICES:
            errors[TeamField.STANDUP_REMINDER] = Message(
                N_("Choose when to remind, or no reminder.")
            )
        second = _int_or_none(raw.get(TeamField.STANDUP_SECOND_REMINDER)) or 0
        first = 120 if reminder is None else reminder
        if second not in SECOND_REMINDER_CHOICES:
            errors[TeamField.STANDUP_SECOND_REMINDER] = Message(
                N_("Choose when to send the second reminder, or none.")
            )
        elif second and not 0 < first < second:
            errors[TeamField.STANDUP_SECOND_REMINDER] = Message(
                N_("The second reminder comes after the first: choose a later time, or none.")
            )
        window = _int_or_none(raw.get(TeamField.RETRO_WINDOW))
        if raw.get(TeamField.RETRO_WINDOW) is not None and window not in RETRO_WINDOW_CHOICES:
            errors[TeamField.RETRO_WINDOW] = Message(N_("Choose 1, 2 or 3 working days."))
        showcase = raw.get(TeamField.SHOWCASE_CHANNEL) or None
        if showcase is not None and not CHANNEL_ID.match(str(showcase)):
            errors[TeamField.SHOWCASE_CHANNEL] = Message(N_("Choose a channel from the list."))
        wip_limit, digest_weekday, digest_time = _wip_and_digest(raw, errors)
        if errors:
            raise Invalid(errors)
        return cls(
            name=name,
            admin_channel_id=raw[TeamField.ADMIN_CHANNEL],
            owner_user_id=raw[TeamField.OWNER],
            scrum_master_user_id=raw[TeamField.SCRUM_MASTER],
            member_user_ids=members,
            sprint_length_weeks=length,  # type: ignore[arg-type]
            standup_time=standup,  # type: ignore[arg-type]
            working_days=days,
            time_zone=time_zone,
            language=language,  # type: ignore[arg-type]
            definition_of_done=dod,
            showcase_channel_id=showcase,
            standup_reminder_minutes=first,
            standup_second_reminder_minutes=second,
            retro_window_days=window or 1,
            wip_limit=wip_limit,
            digest_weekday=digest_weekday,
            digest_time=digest_time,
        )


def _wip_and_digest(
    raw: dict[str, Any], errors: dict[str, Message]
) -> tuple[int | None, int | None, dt.time]:
    """The WIP limit (empty: none) and the weekly digest's day (or none) and time, each
    refused on its own field."""
    text = str(raw.get(TeamField.WIP_LIMIT) or "").strip()
    wip_limit = _int_or_none(text) if text else None
    if text and (wip_limit is None or not 1 <= wip_limit <= WIP_LIMIT_MAX):
        errors[TeamField.WIP_LIMIT] = Message(
            # Translators: {max} is the largest limit allowed, a whole number.
            N_("Give a whole number of items from 1 to {max}, or leave it empty for no limit."),
            {"max": WIP_LIMIT_MAX},
        )
    day = raw.get(TeamField.DIGEST_DAY)
    weekday = None if day in (None, DIGEST_OFF) else _int_or_none(day)
    if day not in (None, DIGEST_OFF) and (weekday is None or not 0 <= weekday <= 6):
        errors[TeamField.DIGEST_DAY] = Message(N_("Choose the digest's day, or no digest."))
    time = _time_or_none(raw.get(TeamField.DIGEST_TIME))
    if time is None and (weekday is not None or raw.get(TeamField.DIGEST_TIME) is not None):
        errors[TeamField.DIGEST_TIME] = Message(N_("Choose the time of the weekly digest."))
    return wip_limit, weekday, time or dt.time(9, 0)


def is_time_zone(name: str) -> bool:
    if not name or name not in _zone_names():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _time_or_none(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def team_for_channel(session: Session, channel_id: str | None) -> Team | None:
    if not channel_id:
        return None
    return session.scalar(select(Team).where(Team.channel_id == channel_id))


def all_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name, Team.id)))


def get_team(session: Session, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None:
        raise NoTeam(Message(N_("That team no longer exists.")))
    return team


def resolve_team(session: Session, channel_id: str | None) -> Team:
    """The team of `channel_id` (if given); failing that, the workspace's only team. Raises
    NoTeam, naming the team channels when there are several."""
    team = team_for_channel(session, channel_id)
    if team is not None:
        return team
    teams = all_teams(session)
    if len(teams) == 1:
        return teams[0]
    if not teams:
        raise NoTeam(
            Message(N_("No team is set up yet. Run `/agile setup` in your team's channel."))
        )
    raise NoTeam(
        Message(
            # Translators: {channels} is a comma-separated list of links to the teams' channels.
            N_("This channel has no team. Use the command in a team's channel: {channels}."),
            {"channels": tuple(Channel(t.channel_id) for t in teams)},
        )
    )


def member_ids(session: Session, team: Team) -> list[str]:
    """Slack ids of the team's members, in the order they joined."""
    return list(
        session.scalars(
            select(Person.slack_user_id)
            .join(TeamMember, TeamMember.person_id == Person.id)
            .where(TeamMember.team_id == team.id)
            .order_by(TeamMember.joined_at, Person.id)
        )
    )


def team_of(session: Session, person: Person) -> Team | None:
    """A team the person works in (as member, owner or scrum master), the oldest first."""
    return session.scalar(
        select(Team)
        .where(
            (Team.owner_id == person.id)
            | (Team.scrum_master_id == person.id)
            | Team.id.in_(select(TeamMember.team_id).where(TeamMember.person_id == person.id))
        )
        .order_by(Team.id)
        .limit(1)
    )


def is_member(session: Session, team: Team, person: Person) -> bool:
    """Whether `person` is one of the team's members (who do its work)."""
    return (
        session.scalar(
            select(TeamMember.person_id).where(
                TeamMember.team_id == team.id, TeamMember.person_id == person.id
            )
        )
        is not None
    )


def can_configure(team: Team, person: Person) -> bool:
    """After creation a team is changed only by its scrum master, its owner or a workspace
    admin."""
    return person.id in (team.owner_id, team.scrum_master_id) or person.is_workspace_admin


def require_configurer(team: Team, person: Person) -> None:
    if not can_configure(team, person):
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name.
                N_(
                    "Only the scrum master, the marketing owner or a workspace admin can "
                    "change the set-up of {team}."
                ),
                {"team": team.name},
            )
        )


def is_owner(team: Team, person: Person) -> bool:
    return person.id == team.owner_id


def require_owner(team: Team, person: Person) -> None:
    if not is_owner(team, person):
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {owner} is the marketing owner, shown as
                # their Slack name.
                N_("Only the marketing owner of {team}, {owner}, can do that."),
                {"team": team.name, "owner": Mention.of(team.owner)},
            )
        )


def _scrum_masters_own(team: Team, settings: TeamSettings, actor: Person) -> TeamSettings:
    """The WIP limit and the weekly digest are the scrum master's to set (the owner or an admin
    who saves the set-up keeps them as they are): a change from anyone else is refused on its
    field. Returns the settings to save."""
    if actor.id == team.scrum_master_id:
        return settings
    scrum = {"scrum": Mention.of(team.scrum_master)}
    errors: dict[str, Message] = {}
    if settings.wip_limit != team.wip_limit:
        errors[TeamField.WIP_LIMIT] = Message(
            # Translators: {scrum} is the scrum master, shown as their Slack name.
            N_("Only the scrum master, {scrum}, sets the WIP limit."),
            scrum,
        )
    moved = settings.digest_weekday is not None and settings.digest_time != team.digest_time
    for field, changed in (
        (TeamField.DIGEST_DAY, settings.digest_weekday != team.digest_weekday),
        (TeamField.DIGEST_TIME, moved),
    ):
        if changed:
            errors[field] = Message(
                # Translators: {scrum} is the scrum master, shown as their Slack name.
                N_("Only the scrum master, {scrum}, schedules the weekly digest."),
                scrum,
            )
    if errors:
        raise Invalid(errors)
    return replace(settings, digest_time=team.digest_time)


def save_team(
    session: Session, channel_id: str, settings: TeamSettings, actor: Person, now: dt.datetime
) -> tuple[Team, bool]:
    """Create the team of `channel_id`, or update it if `actor` may. Returns (team, created)."""
    team = team_for_channel(session, channel_id)
    created = team is None
    if team is not None:
        require_configurer(team, actor)
        settings = _scrum_masters_own(team, settings, actor)
    roles = workspaces.people(
        session,
        [settings.owner_user_id, settings.scrum_master_user_id, *settings.member_user_ids],
    )
    if team is None:
        team = Team(channel_id=channel_id)
        session.add(team)
    team.name = settings.name
    team.admin_channel_id = settings.admin_channel_id
    team.owner = roles[settings.owner_user_id]
    team.scrum_master = roles[settings.scrum_master_user_id]
    team.sprint_length_weeks = settings.sprint_length_weeks
    team.standup_time = settings.standup_time
    team.working_days = settings.working_days
    team.time_zone = settings.time_zone
    team.language = settings.language
    team.definition_of_done = settings.definition_of_done
    team.showcase_channel_id = settings.showcase_channel_id
    team.standup_reminder_minutes = settings.standup_reminder_minutes
    team.standup_second_reminder_minutes = settings.standup_second_reminder_minutes
    team.retro_window_days = settings.retro_window_days
    team.wip_limit = settings.wip_limit
    schedule = (settings.digest_weekday, settings.digest_time)
    if created or schedule != (team.digest_weekday, team.digest_time):
        # A digest due before it was chosen is not posted (bot.jobs.digests).
        team.digest_since = now
    team.digest_weekday, team.digest_time = schedule
    team.updated_at = now
    session.flush()

    wanted = {roles[user_id].id for user_id in settings.member_user_ids}
    current = set(
        session.scalars(select(TeamMember.person_id).where(TeamMember.team_id == team.id))
    )
    if current - wanted:
        session.execute(
            delete(TeamMember).where(
                TeamMember.team_id == team.id, TeamMember.person_id.in_(current - wanted)
            )
        )
    for person_id in sorted(wanted - current):
        session.add(TeamMember(team_id=team.id, person_id=person_id, joined_at=now))
    session.flush()
    return team, created
