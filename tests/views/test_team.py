"""`/agile setup`: the form for a new team and for an existing one, and the announcement of who
plays which role, in each language."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.fields import (
    DOD_MAX,
    REMINDER_CHOICES,
    RETRO_WINDOW_CHOICES,
    SECOND_REMINDER_CHOICES,
    TEAM_NAME_MAX,
    TeamField,
)
from bot.i18n import LANGUAGES, translator
from bot.views.ids import Callback
from bot.views.team import setup_modal, team_saved_message
from tests.views.blockkit import assert_message, assert_modal
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    MEMBER,
    OWNER,
    SCRUM,
    TEAM_CHANNEL,
    pings,
    team,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)
FIELDS = [
    TeamField.NAME,
    TeamField.ADMIN_CHANNEL,
    TeamField.OWNER,
    TeamField.SCRUM_MASTER,
    TeamField.MEMBERS,
    TeamField.SPRINT_LENGTH,
    TeamField.STANDUP_TIME,
    TeamField.WORKING_DAYS,
    TeamField.TIME_ZONE,
    TeamField.LANGUAGE,
    TeamField.DEFINITION_OF_DONE,
    TeamField.SHOWCASE_CHANNEL,
    TeamField.STANDUP_REMINDER,
    TeamField.STANDUP_SECOND_REMINDER,
    TeamField.RETRO_WINDOW,
    TeamField.WIP_LIMIT,
    TeamField.DIGEST_DAY,
    TeamField.DIGEST_TIME,
]


def new_team_form(tr=EN):
    return setup_modal(
        tr,
        channel_id=TEAM_CHANNEL,
        team=None,
        member_ids=[],
        creator_id=MEMBER,
        default_time_zone="Europe/Amsterdam",
    )


def elements(view) -> dict[str, dict]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_team_starts_from_sensible_defaults(language):
    tr = translator(language)
    view = new_team_form(tr)
    assert_modal(view)
    assert view["callback_id"] == Callback.TEAM_SETUP
    assert json.loads(view["private_metadata"]) == {"channel_id": TEAM_CHANNEL}
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == FIELDS
    assert view["blocks"][0]["text"]["text"].endswith(f"<#{TEAM_CHANNEL}>.")
    element = elements(view)
    assert element[TeamField.OWNER]["initial_user"] == MEMBER  # whoever sets it up, to start with
    assert "initial_user" not in element[TeamField.SCRUM_MASTER]
    assert element[TeamField.SPRINT_LENGTH]["initial_option"]["value"] == "2"
    assert element[TeamField.STANDUP_TIME]["initial_time"] == "09:30"
    assert [o["value"] for o in element[TeamField.WORKING_DAYS]["initial_options"]] == [
        "0",
        "1",
        "2",
        "3",
        "4",
    ]
    assert element[TeamField.TIME_ZONE]["initial_value"] == "Europe/Amsterdam"
    assert element[TeamField.LANGUAGE]["initial_option"]["value"] == language  # the reader's own
    assert element[TeamField.STANDUP_REMINDER]["initial_option"]["value"] == "120"
    assert element[TeamField.STANDUP_SECOND_REMINDER]["initial_option"]["value"] == "0"
    assert element[TeamField.RETRO_WINDOW]["initial_option"]["value"] == "1"
    assert element[TeamField.NAME]["max_length"] == TEAM_NAME_MAX
    assert element[TeamField.DEFINITION_OF_DONE]["max_length"] == DOD_MAX


@pytest.mark.parametrize(
    "language, monday, sunday",
    [("en", "Monday", "Sunday"), ("it", "lunedì", "domenica"), ("nl", "maandag", "zondag")],
    ids=LANGUAGES,
)
def test_working_days_are_named_in_the_readers_language(language, monday, sunday):
    options = elements(new_team_form(translator(language)))[TeamField.WORKING_DAYS]["options"]
    assert (options[0]["text"]["text"], options[6]["text"]["text"]) == (monday, sunday)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_existing_team_is_edited_from_what_it_has(language):
    existing = team(
        name="n" * TEAM_NAME_MAX,
        sprint_length_weeks=3,
        working_days=0b1100001,
        standup_time=dt.time(8, 5),
        time_zone="America/Argentina/ComodRivadavia",
        language="nl",
        definition_of_done="d" * DOD_MAX,
        showcase_channel_id="C0SHOW001",
        standup_reminder_minutes=30,
        standup_second_reminder_minutes=240,
        retro_window_days=3,
    )
    members = [f"U{n:08}" for n in range(60)]
    view = setup_modal(
        translator(language),
        channel_id=TEAM_CHANNEL,
        team=existing,
        member_ids=members,
        creator_id=MEMBER,
        default_time_zone="UTC",
    )
    assert_modal(view)
    element = elements(view)
    assert element[TeamField.NAME]["initial_value"] == "n" * TEAM_NAME_MAX
    assert element[TeamField.ADMIN_CHANNEL]["initial_conversation"] == existing.admin_channel_id
    assert (
        element[TeamField.OWNER]["initial_user"],
        element[TeamField.SCRUM_MASTER]["initial_user"],
    ) == (
        OWNER,
        SCRUM,
    )
    assert element[TeamField.MEMBERS]["initial_users"] == members
    assert element[TeamField.SPRINT_LENGTH]["initial_option"]["value"] == "3"
    assert element[TeamField.STANDUP_TIME]["initial_time"] == "08:05"
    assert [o["value"] for o in element[TeamField.WORKING_DAYS]["initial_options"]] == [
        "0",
        "5",
        "6",
    ]
    assert element[TeamField.TIME_ZONE]["initial_value"] == "America/Argentina/ComodRivadavia"
    assert element[TeamField.LANGUAGE]["initial_option"]["value"] == "nl"
    assert element[TeamField.DEFINITION_OF_DONE]["initial_value"] == "d" * DOD_MAX
    assert element[TeamField.SHOWCASE_CHANNEL]["initial_conversation"] == "C0SHOW001"
    assert element[TeamField.STANDUP_REMINDER]["initial_option"]["value"] == "30"
    assert element[TeamField.STANDUP_SECOND_REMINDER]["initial_option"]["value"] == "240"
    assert element[TeamField.RETRO_WINDOW]["initial_option"]["value"] == "3"


def test_every_reminder_and_retrospective_choice_is_offered_in_words():
    element = elements(new_team_form(IT))
    reminders = element[TeamField.STANDUP_REMINDER]["options"]
    assert [o["value"] for o in reminders] == [str(m) for m in REMINDER_CHOICES]
    assert [o["text"]["text"] for o in reminders[:3]] == [
        "Nessun promemoria",
        "Dopo 30 minuti",
        "Dopo 1 ora",
    ]
    second = element[TeamField.STANDUP_SECOND_REMINDER]["options"]
    assert [o["value"] for o in second] == [str(m) for m in SECOND_REMINDER_CHOICES]
    assert [o["text"]["text"] for o in second[:2]] == ["Nessun secondo promemoria", "Dopo 1 ora"]
    windows = element[TeamField.RETRO_WINDOW]["options"]
    assert [o["value"] for o in windows] == [str(n) for n in RETRO_WINDOW_CHOICES]


@pytest.mark.parametrize(
    "language, roles, cadence",
    [
        (
            "en",
            "Marketing owner: <@U0OWNER01>\nScrum master: <@U0SCRUM01>\n"
            "Members: <@U0MEMBER1>, <@U0SCRUM01>",
            "Sprints of 2 weeks · standup at 09:30 · Monday, Tuesday, Friday · Europe/Rome",
        ),
        (
            "it",
            "Marketing owner: <@U0OWNER01>\nScrum master: <@U0SCRUM01>\n"
            "Membri: <@U0MEMBER1>, <@U0SCRUM01>",
            "Sprint di 2 settimane · standup alle 09:30 · lunedì, martedì, venerdì · Europe/Rome",
        ),
        (
            "nl",
            "Marketing owner: <@U0OWNER01>\nScrum master: <@U0SCRUM01>\n"
            "Leden: <@U0MEMBER1>, <@U0SCRUM01>",
            "Sprints van 2 weken · standup om 09:30 · maandag, dinsdag, vrijdag · Europe/Rome",
        ),
    ],
    ids=LANGUAGES,
)
def test_the_channel_learns_who_plays_which_role_and_the_cadence(language, roles, cadence):
    tr = translator(language)
    message = team_saved_message(tr, team(working_days=0b0010011), [MEMBER, SCRUM], created=True)
    assert_message(message)
    assert message["text"] == tr.gettext("*{team}* is set up in this channel.").format(
        team="Growth"
    )
    details = message["blocks"][1]["text"]["text"]
    assert details == f"{roles}\n{cadence}\n" + tr.gettext("Admin channel: {channel}").format(
        channel="<#C0ADMIN01>"
    )


def test_an_update_says_it_was_updated():
    message = team_saved_message(EN, team(), [MEMBER], created=False)
    assert message["text"] == "The set-up of *Growth* was updated."


def test_the_announcement_escapes_the_team_name_and_time_zone():
    message = team_saved_message(EN, team(name=HOSTILE, time_zone=HOSTILE), [MEMBER], created=True)
    assert not pings(message)
    assert message["text"] == f"*{HOSTILE_ESCAPED}* is set up in this channel."
    assert f" · {HOSTILE_ESCAPED}\n" in message["blocks"][1]["text"]["text"]  # the time zone
