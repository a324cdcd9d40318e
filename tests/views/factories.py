"""Model objects built in memory for the view builders: never added to a session, so no
database is touched. Each factory gives a plausible default that a keyword overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.models import (
    MONDAY_TO_FRIDAY,
    BacklogItem,
    ItemKind,
    ItemStatus,
    Person,
    Retro,
    RetroAction,
    RetroColumn,
    RetroItem,
    RetroState,
    Sprint,
    SprintState,
    Team,
    WorkState,
)
from bot.models.backlog import TITLE_MAX
from bot.services.sprints import Closed, Entry, Totals
from tests.views.blockkit import mrkdwn_texts

OWNER = "U0OWNER01"
SCRUM = "U0SCRUM01"
MEMBER = "U0MEMBER1"
TEAM_CHANNEL = "C0TEAM001"
ADMIN_CHANNEL = "C0ADMIN01"

# User text that would ping the whole channel and a stranger if it reached mrkdwn unescaped.
HOSTILE = "<!channel> & <@U0HACKER1>"
HOSTILE_ESCAPED = "&lt;!channel&gt; &amp; &lt;@U0HACKER1&gt;"


def worst(length: int) -> str:
    """User text as long as a field allows, each character one that escaping makes longer."""
    return ("<&>" * length)[:length]


WORST_TITLE = worst(TITLE_MAX)

MONDAY = dt.date(2026, 12, 7)  # a sprint of two weeks from here runs to Friday 18 December


def pings(payload: dict[str, Any]) -> list[str]:
    """The texts of a payload where HOSTILE would ping the channel or a stranger."""
    return [t for t in mrkdwn_texts(payload) if "<!channel>" in t or "<@U0HACKER1>" in t]


def person(slack_user_id: str = MEMBER, id: int = 3, **fields: Any) -> Person:
    return Person(id=id, slack_user_id=slack_user_id, **fields)


def team(**fields: Any) -> Team:
    values: dict[str, Any] = {
        "id": 7,
        "name": "Growth",
        "channel_id": TEAM_CHANNEL,
        "admin_channel_id": ADMIN_CHANNEL,
        "owner_id": 1,
        "owner": person(OWNER, 1),
        "scrum_master_id": 2,
        "scrum_master": person(SCRUM, 2),
        "sprint_length_weeks": 2,
        "standup_time": dt.time(9, 30),
        "working_days": MONDAY_TO_FRIDAY,
        "time_zone": "Europe/Rome",
        "language": "en",
        "definition_of_done": None,
        "showcase_channel_id": None,
        "standup_reminder_minutes": 120,
        "standup_second_reminder_minutes": 0,
        "standup_days": None,
        "retro_named": False,
        "retro_window_days": 1,
    }
    return Team(**(values | fields))


def item(id: int = 12, **fields: Any) -> BacklogItem:
    """A ready item scored (7 + 3) / 6 = 1.67: a score with decimals."""
    values: dict[str, Any] = {
        "title": "Offer A vs offer B",
        "description": None,
        "kind": ItemKind.CAMPAIGN,
        "status": ItemStatus.READY,
        "hypothesis": None,
        "kpi": None,
        "submitter_id": 3,
        "proposed_customer_value": None,
        "proposed_business_value": None,
        "effort": 6,
        "customer_value": 7,
        "business_value": 3,
        "score": 10 / 6,
        "vote_count": 0,
        "decline_reason": None,
        "result": None,
        "result_figure": None,
        "learning": None,
    }
    return BacklogItem(id=id, team_id=7, **(values | fields))


def experiment(id: int = 21, **fields: Any) -> BacklogItem:
    values: dict[str, Any] = {
        "title": "Subject line with an emoji",
        "kind": ItemKind.EXPERIMENT,
        "hypothesis": "An emoji lifts the open rate",
        "kpi": "Open rate",
    }
    return item(id, **(values | fields))


def sprint(**fields: Any) -> Sprint:
    values: dict[str, Any] = {
        "id": 3,
        "team_id": 7,
        "number": 4,
        "goal": "200 trial sign-ups",
        "serves": None,
        "start_date": MONDAY,
        "end_date": MONDAY + dt.timedelta(days=13),
        "length_weeks": 2,
        "capacity": 20,
        "state": SprintState.ACTIVE,
        "closed_at": None,
    }
    return Sprint(**(values | fields))


def entry(n: int, **fields: Any) -> Entry:
    """The n-th item of a sprint: sprint item 100 + n, backlog item n."""
    values: dict[str, Any] = {
        "sprint_item_id": 100 + n,
        "item_id": n,
        "title": f"Item {n}",
        "kind": ItemKind.CONTENT,
        "points": 3,
        "state": WorkState.TODO,
        "committed": True,
    }
    return Entry(**(values | fields))


def entries(count: int, **fields: Any) -> list[Entry]:
    """`count` items spread over to do, doing and done (unless a state is given)."""
    states = list(WorkState)
    return [entry(n, **({"state": states[(n - 1) % 3]} | fields)) for n in range(1, count + 1)]


def closed(
    finished: list[Entry],
    unfinished: list[Entry],
    committed: Totals | None = None,
    **sprint_fields: Any,
) -> Closed:
    """A closed sprint's recap: committed at the start (by default what was planned), and what
    the finished and unfinished entries add up to at the close."""
    done_points = sum(e.points for e in finished)
    everything = finished + unfinished
    final = Totals(
        scope_points=sum(e.points for e in everything),
        scope_items=len(everything),
        done_points=done_points,
        done_items=len(finished),
    )
    if committed is None:
        planned = [e for e in everything if e.committed]
        committed = Totals(sum(e.points for e in planned), len(planned))
    state = {"state": SprintState.CLOSED, "closed_at": dt.datetime(2026, 12, 18, 16, tzinfo=dt.UTC)}
    return Closed(
        sprint=sprint(**(state | sprint_fields)),
        team=team(),
        committed=committed,
        final=final,
        finished=finished,
        unfinished=unfinished,
    )


def retro(state: RetroState = RetroState.COLLECTING, **fields: Any) -> Retro:
    values: dict[str, Any] = {
        "id": 5,
        "team_id": 7,
        "sprint_id": 3,
        "state": state,
        "named": False,
        "opened_at": dt.datetime(2026, 12, 18, 16, tzinfo=dt.UTC),
        "voting_at": dt.datetime(2026, 12, 21, 16, tzinfo=dt.UTC),
        "closes_at": dt.datetime(2026, 12, 22, 16, tzinfo=dt.UTC),
        "closed_at": None,
    }
    return Retro(**(values | fields))


def retro_item(id: int, column: RetroColumn, text: str | None = None, **fields: Any) -> RetroItem:
    values: dict[str, Any] = {
        "author_id": None,
        "created_at": dt.datetime(2026, 12, 18, 17, tzinfo=dt.UTC),
    }
    return RetroItem(
        id=id, retro_id=5, column=column, text=text or f"Note {id}", **(values | fields)
    )


def retro_action(id: int, text: str | None = None, **fields: Any) -> RetroAction:
    values: dict[str, Any] = {"backlog_item_id": None, "done_at": None, "votes": 2}
    return RetroAction(
        id=id,
        team_id=7,
        retro_id=4,
        item_id=1000 + id,
        text=text or f"Action {id}",
        created_at=dt.datetime(2026, 12, 4, 16, tzinfo=dt.UTC),
        **(values | fields),
    )
