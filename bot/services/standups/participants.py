"""Who takes part in a team's standups, and at what time of their own.

By default every member is asked, and the marketing owner and the scrum master only as
members. The scrum master chooses who is asked among the team's people (its members, the
owner and themself); a member left out may still answer. Anyone of the team may set a
standup time of their own (`/standup time 08:30`), in their own time zone, and return to the
team's.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid, Mention, Message, NotAllowed
from bot.fields import StandupSetupField
from bot.i18n import N_
from bot.models import Person, StandupParticipant, Team, TeamMember
from bot.services.teams import is_member

# A time as people type it: 8:30 or 08:30, 24-hour.
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def is_in_team(session: Session, team: Team, person: Person) -> bool:
    """Whether the person has a part in the team: member, marketing owner or scrum master."""
    return person.id in (team.owner_id, team.scrum_master_id) or is_member(session, team, person)


def _row(session: Session, team: Team, person: Person) -> StandupParticipant | None:
    return session.get(StandupParticipant, (team.id, person.id))


def takes_part(session: Session, team: Team, person: Person) -> bool:
    """Whether the person is asked for the team's standups."""
    member = is_member(session, team, person)
    row = _row(session, team, person)
    if row is None or row.asked is None:
        return member
    return row.asked and (member or person.id in (team.owner_id, team.scrum_master_id))


def require_participant(session: Session, team: Team, person: Person) -> None:
    """Members answer (also one left out of the prompts), and whoever the team asks."""
    if not (is_member(session, team, person) or takes_part(session, team, person)):
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Standups are for the members of {team}. Ask {scrum} to add you."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )


def require_in_team(session: Session, team: Team, person: Person) -> None:
    if not is_in_team(session, team, person):
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Standups are for the members of {team}. Ask {scrum} to add you."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )


def participants(session: Session, team: Team) -> list[Person]:
    """The people the team asks, in the order they joined (guests last)."""
    rows = session.execute(
        select(Person, StandupParticipant.asked)
        .join(TeamMember, TeamMember.person_id == Person.id)
        .outerjoin(
            StandupParticipant,
            (StandupParticipant.team_id == TeamMember.team_id)
            & (StandupParticipant.person_id == Person.id),
        )
        .where(TeamMember.team_id == team.id)
        .order_by(TeamMember.joined_at, Person.id)
    ).all()
    asked = [person for person, flag in rows if flag is not False]
    members = {person.id for person, _ in rows}
    guests = session.scalars(
        select(Person)
        .join(StandupParticipant, StandupParticipant.person_id == Person.id)
        .where(
            StandupParticipant.team_id == team.id,
            StandupParticipant.asked.is_(True),
            Person.id.in_({team.owner_id, team.scrum_master_id} - members),
        )
        .order_by(Person.id)
    )
    return asked + list(guests)


def ask(session: Session, team: Team, wanted: list[Person], now: dt.datetime) -> None:
    """Ask exactly `wanted` (among the team's people, who the caller checked). A choice that
    is what a role gives anyway is stored as no choice, so that a member added later is asked
    by default."""
    members = set(
        session.scalars(select(TeamMember.person_id).where(TeamMember.team_id == team.id))
    )
    people = members | {team.owner_id, team.scrum_master_id}
    chosen = {p.id for p in wanted}
    rows = {
        row.person_id: row
        for row in session.scalars(
            select(StandupParticipant).where(StandupParticipant.team_id == team.id)
        )
    }
    for person_id in people | set(rows):
        default = person_id in members
        asked = person_id in chosen
        choice = None if asked == default else asked
        row = rows.get(person_id)
        if row is None and choice is None:
            continue
        if row is None:
            row = StandupParticipant(
                workspace_id=team.workspace_id, team_id=team.id, person_id=person_id
            )
            session.add(row)
        row.asked, row.updated_at = choice, now
    session.flush()


def refuse_outsiders(session: Session, team: Team, wanted: list[Person]) -> None:
    """Only the team's people can be asked: its members, its owner and its scrum master."""
    outsiders = [p for p in wanted if not is_in_team(session, team, p)]
    if outsiders:
        raise Invalid(
            {
                StandupSetupField.ASKED: Message(
                    # Translators: {team} is the team's name; {people} is a comma-separated
                    # list of people's names.
                    N_(
                        "Not in {team}: {people}. Add them as members with /agile setup first, "
                        "or leave them out."
                    ),
                    {"people": tuple(Mention.of(p) for p in outsiders), "team": team.name},
                )
            }
        )


# --- a time of one's own ---------------------------------------------------------------------


def parse_time(text: str) -> dt.time | None:
    """HH:MM (or H:MM) as a time; None for anything else."""
    found = TIME.match(text.strip())
    return dt.time(int(found[1]), int(found[2])) if found else None


def own_time(session: Session, team: Team, person: Person) -> dt.time | None:
    row = _row(session, team, person)
    return row.own_time if row else None


def set_own_time(
    session: Session, team: Team, person: Person, text: str, now: dt.datetime
) -> dt.time:
    """The person's own standup time for the team, from what they typed."""
    require_in_team(session, team, person)
    time = parse_time(text)
    if time is None:
        raise Conflict(
            Message(N_("Give the time as HH:MM, on a 24-hour clock, e.g. `/standup time 08:30`."))
        )
    row = _row(session, team, person)
    if row is None:
        row = StandupParticipant(
            workspace_id=team.workspace_id, team_id=team.id, person_id=person.id
        )
        session.add(row)
    row.own_time, row.updated_at = time, now
    return time


def reset_own_time(session: Session, team: Team, person: Person, now: dt.datetime) -> None:
    """Back to the team's standup time."""
    require_in_team(session, team, person)
    row = _row(session, team, person)
    if row is not None:
        row.own_time, row.updated_at = None, now
