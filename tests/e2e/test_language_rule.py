"""One language rule, everywhere: whatever the bot says to one person (a DM, an ephemeral
answer, a modal, a field error, a private answer through a response URL) is in that person's
language; whatever it posts in a channel is in the team's. Walked for an Italian and a Dutch
person who have never used the bot, in a team whose language is English."""

from __future__ import annotations

import datetime as dt
import re

from bot.i18n import translator
from bot.jobs import job_sources
from bot.scheduler import tick
from bot.slack import clients_for
from bot.views.ids import Action, Callback
from tests.conftest import ADMIN, ADMIN_CHANNEL, TEAM_CHANNEL
from tests.conftest import test_settings as settings_for
from tests.scenario import all_text, opened_view, set_up_team, submit_idea, wait_for_response

GIULIA, DAAN = "U0GIULIA1", "U0DAAN001"  # Italian Slack in Rome, Dutch Slack in Amsterdam
MONDAY_8_UTC = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)  # 9:00 in Rome and Amsterdam


def speaks(message: dict, language: str, msgid: str) -> bool:
    """Whether `message` says `msgid` in `language`: every stretch of its translation between
    placeholders is there. (English text would fail this for Italian and Dutch.)"""
    translated = translator(language).gettext(msgid)
    assert translated != msgid, f"no {language} translation for {msgid!r}"
    text = all_text(message)
    return all(part.strip() in text for part in re.split(r"\{\w+\}", translated) if part.strip())


def test_every_path_to_one_person_speaks_their_language(
    slack, double, db_url, session_factory, clock
):
    double.add_user(GIULIA, real_name="Giulia Rossi", tz="Europe/Rome", locale="it-IT")
    double.add_user(DAAN, real_name="Daan de Vries", tz="Europe/Amsterdam", locale="nl-NL")
    for user in (GIULIA, DAAN):
        double.channels[TEAM_CHANNEL]["members"].append(user)
    double.channels[ADMIN_CHANNEL]["members"] += [GIULIA, DAAN]
    clock.fixed = MONDAY_8_UTC - dt.timedelta(hours=1)
    # The team's language is English; Giulia owns the backlog, Daan is the scrum master.
    set_up_team(
        slack,
        user=ADMIN,
        owner=GIULIA,
        scrum_master=DAAN,
        members=[GIULIA, DAAN],
        standup_time="09:00",
    )
    assert "Growth" in all_text(double.messages_in(TEAM_CHANNEL)[-1])  # the channel: English

    # Slash commands answered privately.
    help_answer = slack.command("/agile", "help", user=GIULIA, channel=TEAM_CHANNEL).json
    assert speaks(help_answer, "it", "`/burnup`: post the sprint's burnup chart in the channel.")
    sprint = slack.command("/sprint", "", user=DAAN, channel=TEAM_CHANNEL)
    slack.settle()
    sprint_answer = sprint.json if sprint.body else wait_for_response(double, DAAN)
    assert speaks(
        sprint_answer,
        "nl",
        "{team} has no sprint yet. The marketing owner or scrum master plans one with "
        "`/sprint plan`.",
    )
    away = slack.command("/standup", "away 2026-12-21 2027-01-03", user=DAAN, channel=TEAM_CHANNEL)
    assert speaks(
        away.json,
        "nl",
        "You are away from {start} to {end}: no standup prompts until you are back.",
    )
    # An @mention: an ephemeral answer.
    slack.event({"type": "app_mention", "user": GIULIA, "channel": TEAM_CHANNEL, "text": "hi"})
    slack.settle()
    mention = [e for e in double.ephemeral if e["user"] == GIULIA][-1]
    assert speaks(mention, "it", "`/burnup`: post the sprint's burnup chart in the channel.")

    # An idea from Daan: the form and the thanks in Dutch; the cards in English.
    slack.command("/idea", "", user=DAAN, channel=TEAM_CHANNEL)
    form = opened_view(double, Callback.IDEA)
    assert form["title"]["text"] == translator("nl").gettext("New idea")
    empty = slack.submit(form, {"title": "", "kind": "content"}, user=DAAN)
    assert empty.json["response_action"] == "errors"
    for error in empty.json["errors"].values():
        assert error in {translator("nl").gettext(m) for m in ("Give the idea a title.",)}
    submit_idea(slack, user=DAAN, title="Webinar met klanten", kind="content")
    assert speaks(
        double.messages_in(DAAN)[-1],
        "nl",
        "Thanks! Your idea *#{id} {title}* is in {team}'s backlog, waiting for the marketing "
        "owner, {owner}, to triage it. I'll let you know the outcome.",
    )
    # Giulia declines it: her form in Italian, Daan told in Dutch.
    triage = double.messages_in(ADMIN_CHANNEL)[-1]
    assert "Webinar met klanten" in all_text(triage)
    slack.click(triage, Action.TRIAGE_DECLINE, user=GIULIA, channel=ADMIN_CHANNEL)
    decline = opened_view(double, Callback.DECLINE)
    assert decline["title"]["text"] == translator("it").gettext("Decline idea")
    slack.submit(decline, {"reason": "Non ora"}, user=GIULIA)
    slack.settle()
    assert speaks(
        double.messages_in(DAAN)[-1],
        "nl",
        "Your idea *#{id} {title}* was declined by {owner}. Their reason: {reason}",
    )
    backlog = slack.command("/backlog", "", user=GIULIA, channel=TEAM_CHANNEL).json
    assert speaks(backlog, "it", "page {page} of {pages}")

    # Standups: prompts and the reminder by DM, the form, its field error, the blocker's
    # resolution told to Giulia.
    sources = job_sources(clients_for(settings_for(double, db_url)), session_factory)
    tick(session_factory, MONDAY_8_UTC, sources)
    prompt = "Good morning! Time for your standup for {team} ({day})."
    assert speaks(double.messages_in(GIULIA)[-1], "it", prompt)
    clock.fixed = MONDAY_8_UTC + dt.timedelta(minutes=30)
    slack.click(
        double.messages_in(GIULIA)[-1],
        Action.STANDUP_OPEN,
        user=GIULIA,
        channel=double.dm_channel(GIULIA),
    )
    standup = opened_view(double, Callback.STANDUP)
    assert standup["title"]["text"] == translator("it").gettext("Daily standup")
    refused = slack.submit(standup, {}, user=GIULIA).json["errors"]["standup_done"]
    assert refused == translator("it").gettext(
        "Write at least what you finished or what you will do next."
    )
    slack.submit(standup, {"standup_done": "Newsletter", "standup_blockers": "Legale"}, user=GIULIA)
    slack.settle()
    card = double.messages_in(ADMIN_CHANNEL)[-1]
    assert "New blocker" in all_text(card)  # the admin channel: English
    slack.click(card, Action.BLOCKER_RESOLVE, user=DAAN, channel=ADMIN_CHANNEL)
    slack.settle()
    assert speaks(double.messages_in(GIULIA)[-1], "it", "{scrum} resolved your blocker: {text}")
    tick(session_factory, MONDAY_8_UTC + dt.timedelta(hours=2), sources)
    reminder = "A friendly reminder: your standup for {team} ({day}) is still open."
    assert speaks(double.messages_in(DAAN)[-1], "nl", reminder)

    # The retrospective: the answer to /retro, the form, a vote's answer.
    slack.command("/retro", "", user=GIULIA, channel=TEAM_CHANNEL)
    slack.settle()
    assert speaks(
        wait_for_response(double, GIULIA), "it", "The retrospective is open in the channel."
    )
    retro = next(m for m in double.messages_in(TEAM_CHANNEL) if "Retrospective" in all_text(m))
    slack.click(retro, Action.RETRO_ADD, user=DAAN, channel=TEAM_CHANNEL)
    item = opened_view(double, Callback.RETRO_ITEM)
    assert speaks(item, "nl", "Anonymous: your name is not stored with the item.")
    # A forged button: the failure is explained in the clicker's language.
    forged = {
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": Action.RETRO_VOTE,
                        "value": "999999",
                        "text": {"type": "plain_text", "text": "x"},
                    },
                ],
            }
        ]
    }
    slack.click(forged, Action.RETRO_VOTE, user=GIULIA, channel=TEAM_CHANNEL)
    slack.settle()
    assert speaks(wait_for_response(double, GIULIA, count=2), "it", "That item no longer exists.")
