"""`/agile help` and `/sprint help`: every command, in the reader's language; a command the bot
does not know is quoted back, escaped, above the list."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, translator
from bot.views.help import help_message, notice, sprint_help
from tests.views.blockkit import all_text, assert_message
from tests.views.factories import HOSTILE, HOSTILE_ESCAPED, pings

COMMANDS = [
    "`/idea ",
    "`/backlog`",
    "`/sprint`",
    "`/burnup`",
    "`/retro`",
    "`/standup`",
    "`/agile setup`",
    "`/agile help`",
]
SPRINT_COMMANDS = [
    "`/sprint`",
    "`/sprint plan`",
    "`/sprint edit`",
    "`/sprint start`",
    "`/sprint end`",
    "`/sprint velocity`",
    "`/burnup`",
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_lists_every_command_in_the_readers_language(language):
    tr = translator(language)
    message = help_message(tr)
    assert_message(message)
    assert message["text"] == message["blocks"][0]["text"]["text"]  # the introduction
    listed = message["blocks"][1]["text"]["text"]
    assert [c for c in COMMANDS if c not in listed] == []
    assert listed.startswith(
        tr.gettext("`/idea [title]`: submit an idea (anyone, stakeholders included).")
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_sprint_help_lists_the_sprint_commands_and_the_cadence(language):
    message = sprint_help(translator(language))
    assert_message(message)
    assert [c for c in SPRINT_COMMANDS if c not in message["blocks"][0]["text"]["text"]] == []
    assert "17:00" in message["blocks"][1]["elements"][0]["text"]


@pytest.mark.parametrize("build", [help_message, sprint_help])
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unknown_command_is_quoted_back_escaped_first(build, language):
    tr = translator(language)
    message = build(tr, unknown=HOSTILE)
    assert_message(message)
    warning = tr.gettext("I don't know the command `{command}`. Here is what I can do:")
    assert message["text"] == warning.format(command=HOSTILE_ESCAPED)
    assert message["blocks"][0]["text"]["text"] == ":grey_question: " + message["text"]
    assert not pings(message)


def test_a_long_unknown_command_is_cut():
    message = help_message(translator("en"), unknown="x" * 5000)
    assert_message(message)
    assert "`" + "x" * 100 + "`" in message["text"] and "x" * 101 not in all_text(message)


def test_a_notice_is_its_text_as_fallback_and_block():
    message = notice("Saved.")
    assert_message(message)
    assert message == {
        "text": "Saved.",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Saved."}}],
    }
