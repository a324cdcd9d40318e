"""A team's activities: the social-media processes its backlog items belong to (content and
editorial, community and responding, outreach, networking, monitoring and listening,
measurement and reporting, optimisation, campaigns), so that the team learns how long each
really takes (bot.services.sprints.actuals).

Every team starts with the built-in ones, shown in each reader's language. The marketing owner
or the scrum master may rename them in the team's words, stop offering some, and add up to
OWN_ACTIVITIES_MAX of the team's own, shown as typed. An activity is never deleted: one the
team stops offering is retired, and the items that name it keep it.

An activity travels through forms by its key: a built-in one's value ("content"), or the id of
one of the team's own ("17").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.errors import Invalid, Mention, Message, NotAllowed
from bot.fields import ActivityField
from bot.i18n import LANGUAGES, N_, translator
from bot.models import Activity, BacklogItem, Person, Team, TeamActivity
from bot.models.activity import ACTIVITY_NAME_MAX, OWN_ACTIVITIES_MAX

NEW_SLOTS = 3  # empty fields the form offers for new activities

# The built-in activities' words, translated where they are shown.
ACTIVITY_WORDS: dict[Activity, str] = {
    Activity.CONTENT: N_("Content and editorial"),
    Activity.COMMUNITY: N_("Community and responding"),
    Activity.OUTREACH: N_("Outreach"),
    Activity.NETWORKING: N_("Networking"),
    Activity.MONITORING: N_("Monitoring and listening"),
    Activity.MEASUREMENT: N_("Measurement and reporting"),
    Activity.OPTIMISATION: N_("Optimisation"),
    Activity.CAMPAIGN: N_("Campaigns"),
}


@dataclass(frozen=True)
class Choice:
    """One of a team's activities, as forms offer it and labels name it."""

    key: str  # a built-in one's value, or the id of one of the team's own
    builtin: Activity | None = None
    name: str | None = None  # the team's words; None: the built-in's, in each reader's language
    offered: bool = True  # False: retired, or a built-in one the team does not offer


@dataclass(frozen=True)
class Activities:
    """A team's activities: the built-in ones in their order, then its own as added."""

    choices: tuple[Choice, ...]

    @property
    def offered(self) -> list[Choice]:
        return [c for c in self.choices if c.offered]

    def get(self, key: str | None) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None) if key else None

    def of(self, item: BacklogItem) -> Choice | None:
        return self.get(key_of(item))


BUILTIN_ACTIVITIES = Activities(tuple(Choice(a.value, a) for a in Activity))


def key_of(item: BacklogItem) -> str | None:
    """The key of the item's activity, if it has one."""
    return key_for(item.activity, item.activity_id)


def key_for(activity: Activity | None, activity_id: int | None) -> str | None:
    """The key of an item's activity from its two columns (a built-in one, or the team's)."""
    if activity is not None:
        return activity.value
    return str(activity_id) if activity_id is not None else None


def team_activities(session: Session, team: Team) -> Activities:
    """The team's activities, those it no longer offers included (items may name them)."""
    rows = list(session.scalars(select(TeamActivity).where(TeamActivity.team_id == team.id)))
    renamed = {r.builtin: r for r in rows if r.builtin is not None}
    choices = []
    for activity in Activity:
        row = renamed.get(activity)
        name, offered = (row.name, not row.retired) if row else (None, True)
        choices.append(Choice(activity.value, activity, name, offered))
    own = sorted((r for r in rows if r.builtin is None), key=lambda r: r.id)
    choices += [Choice(str(r.id), None, r.name, not r.retired) for r in own]
    return Activities(tuple(choices))


def choose(session: Session, team: Team, key: str | None, field: str) -> Choice | None:
    """The team's activity of `key` (None for none), refused on `field` when the team has no
    such activity (a forged key, or another team's)."""
    if not key:
        return None
    choice = team_activities(session, team).get(str(key))
    if choice is None:
        raise Invalid({field: Message(N_("Choose one of the team's activities."))})
    return choice


def assign(item: BacklogItem, choice: Choice | None) -> None:
    """The item belongs to `choice` (None: to no activity)."""
    if choice is None:
        item.activity, item.activity_id = None, None
    elif choice.builtin is not None:
        item.activity, item.activity_id = choice.builtin, None
    else:
        item.activity, item.activity_id = None, int(choice.key)


# --- the team's own words --------------------------------------------------------------------


def can_edit(team: Team, person: Person) -> bool:
    return person.id in (team.owner_id, team.scrum_master_id)


def require_editor(team: Team, person: Person) -> None:
    if not can_edit(team, person):
        raise NotAllowed(
            Message(
                # Translators: {owner} is the marketing owner, shown as their Slack name; {scrum} is
                # the scrum master, shown as their Slack name; {team} is the team's name.
                N_(
                    "Only the marketing owner ({owner}) or the scrum master ({scrum}) of {team} "
                    "can change its activities."
                ),
                {
                    "owner": Mention.of(team.owner),
                    "scrum": Mention.of(team.scrum_master),
                    "team": team.name,
                },
            )
        )


def builtin_field(activity: Activity) -> str:
    return ActivityField.BUILTIN.format(key=activity.value)


def own_field(activity_id: int | str) -> str:
    return ActivityField.OWN.format(id=activity_id)


def new_field(n: int) -> str:
    return ActivityField.NEW.format(n=n)


def _words(value: Any) -> str:
    return " ".join(str(value or "").split()) if isinstance(value, str | None) else ""


def _same(text: str) -> str:
    return text.casefold()


def is_builtin_words(activity: Activity, text: str) -> bool:
    """Whether `text` is the built-in activity's own words in a language we ship: one kept as
    the form showed it stays built-in, in each reader's language."""
    return any(
        _same(translator(lang).gettext(ACTIVITY_WORDS[activity])) == _same(text)
        for lang in LANGUAGES
    )


@dataclass(frozen=True)
class ActivitySetup:
    """The activities form as submitted: each built-in one's words ("" to stop offering it),
    the team's own by id ("" to retire one), and new ones."""

    builtins: dict[Activity, str]
    own: dict[int, str]
    new: tuple[str, ...]

    @classmethod
    def validate(cls, raw: dict[str, Any]) -> ActivitySetup:
        """Check the form's values; raise Invalid with a message per bad field. Fields the
        form did not send are left as they are."""
        builtins = {a: _words(raw[builtin_field(a)]) for a in Activity if builtin_field(a) in raw}
        own_prefix, new_prefix = own_field(""), new_field(0)[:-1]
        own: dict[int, str] = {}
        new: dict[int, str] = {}
        for key, value in raw.items():
            for prefix, found in ((own_prefix, own), (new_prefix, new)):
                number = key[len(prefix) :] if key.startswith(prefix) else ""
                if number.isdigit():
                    found[int(number)] = _words(value)
        errors: dict[str, Message] = {}
        seen: set[str] = set()
        fields = [(builtin_field(a), text) for a, text in builtins.items()]
        fields += [(own_field(i), own[i]) for i in sorted(own)]
        fields += [(new_field(n), new[n]) for n in sorted(new)]
        active = sum(1 for text in own.values() if text)
        for field, text in fields:
            if not text:
                continue
            if len(text) > ACTIVITY_NAME_MAX:
                errors[field] = Message(
                    # Translators: {max} and {count} are each a number of characters.
                    N_("Keep the name to {max} characters (it has {count})."),
                    {"max": ACTIVITY_NAME_MAX, "count": len(text)},
                )
            elif _same(text) in seen:
                errors[field] = Message(N_("Another activity above already has this name."))
            elif field.startswith(new_prefix):
                active += 1
                if active > OWN_ACTIVITIES_MAX:
                    errors[field] = Message(
                        # Translators: {max} is a number of activities.
                        N_("A team has at most {max} activities of its own."),
                        {"max": OWN_ACTIVITIES_MAX},
                    )
            seen.add(_same(text))
        if errors:
            raise Invalid(errors)
        return cls(builtins, own, tuple(new[n] for n in sorted(new) if new[n]))


def save_setup(
    session: Session, team: Team, actor: Person, setup: ActivitySetup, now: dt.datetime
) -> Activities:
    """Store the team's words for its activities: built-in ones renamed (or back to their
    own words, or no longer offered), its own renamed or retired, new ones added (a new one
    named as a retired one brings it back, with its history)."""
    require_editor(team, actor)
    rows = list(
        session.scalars(
            select(TeamActivity).where(TeamActivity.team_id == team.id).with_for_update()
        )
    )
    renamed = {r.builtin: r for r in rows if r.builtin is not None}
    own = {r.id: r for r in rows if r.builtin is None}
    for activity, text in setup.builtins.items():
        name = None if not text or is_builtin_words(activity, text) else text
        row = renamed.get(activity)
        if row is None and (name is not None or not text):
            row = TeamActivity(
                workspace_id=team.workspace_id, team_id=team.id, builtin=activity, created_at=now
            )
            session.add(row)
        if row is not None:
            row.name, row.retired, row.updated_at = name, not text, now
    for activity_id, text in setup.own.items():
        row = own.get(activity_id)
        if row is None:
            raise Invalid(
                {
                    own_field(activity_id): Message(
                        N_("This activity is no longer there. Close the form and open it again.")
                    )
                }
            )
        row.retired, row.updated_at = not text, now
        if text:
            row.name = text
    retired = {_same(r.name or ""): r for r in own.values() if r.retired}
    for text in setup.new:
        row = retired.pop(_same(text), None)
        if row is None:
            row = TeamActivity(
                workspace_id=team.workspace_id, team_id=team.id, name=text, created_at=now
            )
            session.add(row)
        row.name, row.retired, row.updated_at = text, False, now
    session.flush()
    active = session.scalar(
        select(func.count(TeamActivity.id)).where(
            TeamActivity.team_id == team.id,
            TeamActivity.builtin.is_(None),
            TeamActivity.retired.is_(False),
        )
    )
    if (active or 0) > OWN_ACTIVITIES_MAX:  # a form opened before others were added
        raise Invalid(
            {
                new_field(1): Message(
                    # Translators: {max} is a number of activities.
                    N_("A team has at most {max} activities of its own."),
                    {"max": OWN_ACTIVITIES_MAX},
                )
            }
        )
    return team_activities(session, team)
