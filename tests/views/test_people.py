"""Messages about people as Slack knows them: a member who left the workspace, and profiles
that Slack has not given yet."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, translator
from bot.views.people import left_slack_message, profiles_unknown
from tests.views.blockkit import assert_message
from tests.views.factories import HOSTILE, HOSTILE_ESCAPED, MEMBER, SCRUM, person, pings, team


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_scrum_master_is_told_who_left_and_what_to_do(language):
    tr = translator(language)
    message = left_slack_message(tr, team(), person(MEMBER))
    assert_message(message)
    assert f"<@{MEMBER}>" in message["text"] and "Growth" in message["text"]
    assert message["blocks"][0]["text"]["text"] == ":wave: " + message["text"]
    hint = message["blocks"][1]["elements"][0]["text"]
    assert hint == tr.gettext("You can take them off the team with `/agile setup`.")
    assert "`/agile setup`" in hint


def test_the_team_name_is_escaped():
    message = left_slack_message(translator("en"), team(name=HOSTILE), person(MEMBER))
    assert not pings(message)
    assert HOSTILE_ESCAPED in message["text"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_unread_profiles_are_named_each_once(language):
    text = profiles_unknown(translator(language), [MEMBER, SCRUM])
    assert f"<@{MEMBER}>, <@{SCRUM}>" in text
    assert text.count("<@") == 2
