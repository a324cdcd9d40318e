"""Steps that many end-to-end tests share, each done the way a person does it in Slack."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from bot.models.team import MONDAY_TO_FRIDAY
from bot.services.teams import TeamSettings
from tests.conftest import ADMIN_CHANNEL, MEMBER, OWNER, SCRUM, TEAM_CHANNEL
from tests.slack_double import SlackDouble
from tests.slack_requests import Response, Slack

TEAM_FORM = {
    "team_name": "Growth",
    "admin_channel": ADMIN_CHANNEL,
    "owner": OWNER,
    "scrum_master": SCRUM,
    "members": [MEMBER, SCRUM],
    "sprint_length": "2",
    "standup_time": "09:30",
    "working_days": ["0", "1", "2", "3", "4"],
    "time_zone": "Europe/Rome",
    "language": "en",
}

IDEA_FORM = {
    "title": "Offer A vs offer B",
    "description": "Test two offers on the spring newsletter.",
    "kind": "experiment",
    "hypothesis": "Offer B doubles clicks because it is concrete.",
    "kpi": "Newsletter click-through rate",
    "customer_value": "7",
    "business_value": "8",
}


def team_settings(**changes: Any) -> TeamSettings:
    """The settings of the Growth team that most tests set up by hand, with `changes` made."""
    growth = TeamSettings(
        name="Growth",
        admin_channel_id=ADMIN_CHANNEL,
        owner_user_id=OWNER,
        scrum_master_user_id=SCRUM,
        member_user_ids=(MEMBER, SCRUM),
        sprint_length_weeks=2,
        standup_time=dt.time(9, 0),
        working_days=MONDAY_TO_FRIDAY,
        time_zone="Europe/Rome",
        language="en",
    )
    return replace(growth, **changes)


def opened_view(double: SlackDouble, callback_id: str, *, count: int = 1) -> dict[str, Any]:
    """The `count`-th modal with this callback id that the app opened (waiting for it)."""
    calls = double.wait_for(
        "views.open", lambda c: c.args["view"]["callback_id"] == callback_id, count=count
    )
    return calls[count - 1].args["view"]


def open_and_submit(
    slack: Slack,
    command: str,
    text: str,
    form: dict[str, Any],
    *,
    user: str,
    channel: str,
    callback_id: str,
) -> Response:
    before = len(slack.double.calls_to("views.open"))
    response = slack.command(command, text, user=user, channel=channel)
    assert response.status == 200, response.body
    calls = slack.double.wait_for("views.open", count=before + 1)
    view = calls[-1].args["view"]
    assert view["callback_id"] == callback_id
    return slack.submit(view, form, user=user)


def set_up_team(
    slack: Slack, *, user: str = OWNER, channel: str = TEAM_CHANNEL, **changes: Any
) -> Response:
    form = {**TEAM_FORM, **changes}
    response = open_and_submit(
        slack, "/agile", "setup", form, user=user, channel=channel, callback_id="team.setup"
    )
    slack.settle()
    return response


def submit_idea(
    slack: Slack, *, user: str = MEMBER, channel: str = TEAM_CHANNEL, **changes: Any
) -> Response:
    form = {**IDEA_FORM, **changes}
    response = open_and_submit(
        slack, "/idea", "", form, user=user, channel=channel, callback_id="idea.submit"
    )
    slack.settle()
    return response


def last_message(double: SlackDouble, channel: str) -> dict[str, Any]:
    messages = double.messages_in(channel)
    assert messages, f"nothing posted in {channel}"
    return messages[-1]


def all_text(message: dict[str, Any]) -> str:
    """Every piece of text in a message or view, for assertions."""
    parts: list[str] = [str(message.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", []))
    return "\n".join(parts)


def responses_to(double: SlackDouble, user: str) -> list[dict[str, Any]]:
    """Bodies the app posted to response URLs issued for `user` (private answers)."""
    return [r["body"] for r in double.responses if r["user"] == user and r.get("ok")]


def wait_for_response(
    double: SlackDouble, user: str, count: int = 1, timeout: float = 5.0
) -> dict[str, Any]:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        bodies = responses_to(double, user)
        if len(bodies) >= count:
            return bodies[count - 1]
        time.sleep(0.01)
    raise AssertionError(f"no response #{count} for {user}: {double.responses}")


def every_payload_text(double: SlackDouble) -> str:
    """All that the app sent to Slack (API calls and response URLs), as one string."""
    import json

    parts = [json.dumps(call.args) for call in double.calls]
    parts += [json.dumps(r["body"]) for r in double.responses]
    return "\n".join(parts)


def ticks(
    start: dt.datetime, end: dt.datetime, *, every: int = 1, daytime: tuple[int, int] = (5, 21)
) -> Iterator[dt.datetime]:
    """The instants a scenario ticks at, from `start` to `end` (UTC): every `every` hours while
    someone's working day runs (the `daytime` hours, UTC), every six hours at night but never
    past the day's first hour. Whatever comes due at night waits for the next tick, as after a
    pause of the scheduler; a job that ran at the wrong hour still shows at the next tick."""
    at = start
    while at <= end:
        yield at
        if daytime[0] <= at.hour < daytime[1]:
            at += dt.timedelta(hours=every)
            continue
        morning = at.replace(hour=daytime[0], minute=0, second=0, microsecond=0)
        if morning <= at:
            morning += dt.timedelta(days=1)
        at = min(at + dt.timedelta(hours=6), morning)


def race_ticks(
    session_factory: Any, at: dt.datetime, make_sources: Callable[[], list[Any]]
) -> None:
    """Two schedulers, each with its own sources, tick the same instant at once; neither
    fails."""
    from bot.scheduler import tick

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def one() -> None:
        own = make_sources()
        barrier.wait()
        try:
            report = tick(session_factory, at, own)
            assert report.failed == [], report.failed
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
