"""Who may do what with a team's sprints: the marketing owner and the scrum master plan,
start and end them; the team's members move their items. Checked on the server, whatever the
client sent."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.errors import Mention, Message, NotAllowed
from bot.i18n import N_
from bot.models import Person, Team
from bot.services.teams import is_member


def can_plan(team: Team, person: Person) -> bool:
    return person.id in (team.owner_id, team.scrum_master_id)


def require_planner(team: Team, person: Person) -> None:
    if not can_plan(team, person):
        raise NotAllowed(
            Message(
                # Translators: {owner} is the marketing owner, shown as their Slack name; {scrum} is
                # the scrum master, shown as their Slack name; {team} is the team's name.
                N_(
                    "Only the marketing owner ({owner}) or the scrum master ({scrum}) "
                    "of {team} can plan, start or end a sprint."
                ),
                {
                    "owner": Mention.of(team.owner),
                    "scrum": Mention.of(team.scrum_master),
                    "team": team.name,
                },
            )
        )


def require_member(session: Session, team: Team, person: Person) -> None:
    if not is_member(session, team, person):
        raise NotAllowed(
            Message(
                # Translators: {team} is the team's name; {scrum} is the scrum master, shown as
                # their Slack name.
                N_("Only members of {team} move the sprint's items. Ask {scrum} to add you."),
                {"team": team.name, "scrum": Mention.of(team.scrum_master)},
            )
        )
