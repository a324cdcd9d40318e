"""Domain errors. Services raise them; the Slack edge turns them into a message for the person
in one place (bot.handlers.listeners). Texts are English msgids, translated where shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.i18n import Translator, day_label, decimal
from bot.mrkdwn import Markup, channel_link, esc, mention


class _Someone(Protocol):
    slack_user_id: str
    display_name: str | None


@dataclass(frozen=True)
class Mention:
    """A person named in a message: `<@U…>` in mrkdwn, which Slack shows as their name, and
    "@Name" in plain text (a field error, a title), where Slack shows a mention as typed."""

    slack_user_id: str
    name: str | None = None

    @classmethod
    def of(cls, person: _Someone) -> Mention:
        return cls(person.slack_user_id, person.display_name)

    def render(self, tr: Translator, *, plain: bool = False) -> str:
        if not plain:
            return mention(self.slack_user_id)
        if self.name:
            return "@" + self.name
        # Translators: stands for a person whose Slack name the bot has not read yet, in a
        # sentence such as "Only the marketing owner of Growth, (name not known yet), can do
        # that."
        return tr.gettext("(name not known yet)")


@dataclass(frozen=True)
class Channel:
    """A Slack channel named in a message: `<#C…>` in mrkdwn, which Slack shows as a link with
    the channel's name. Plain text (a field error) has no links, and the bot does not know
    channel names, so there it is the id after a "#"."""

    channel_id: str

    def render(self, *, plain: bool = False) -> str:
        return "#" + self.channel_id if plain else channel_link(self.channel_id)


@dataclass(frozen=True)
class Message:
    """A translatable text with named `{placeholders}`; the text is marked with N_().

    Parameters are shown in the reader's language: a date as "Tue 24 Nov", a float with the
    reader's decimal sign, a Mention as the person, a Channel as a link to it, a tuple as its
    parameters separated by commas; a string is user text (escaped for mrkdwn) unless it is
    Markup. Services name people and channels this way and never render mrkdwn themselves.
    """

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, tr: Translator, *, plain: bool = False) -> str:
        """The translated text, as mrkdwn, or as `plain` text for where Slack shows text as it
        is (field errors): then nothing is escaped and people are named, not mentioned."""
        params = {k: _param(tr, v, plain) for k, v in self.params.items()}
        template = tr.gettext(self.text)
        if plain:  # "Run `/agile setup`": Slack would show the backticks as typed
            template = template.replace("`", "")
        return template.format(**params)


def _param(tr: Translator, value: Any, plain: bool) -> Any:
    if isinstance(value, Mention):
        return value.render(tr, plain=plain)
    if isinstance(value, Channel):
        return value.render(plain=plain)
    if isinstance(value, tuple):
        return ", ".join(str(_param(tr, v, plain)) for v in value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return day_label(tr, value)
    if isinstance(value, float):
        return decimal(tr, value)
    if isinstance(value, str) and not isinstance(value, Markup) and not plain:
        return esc(value)
    return value


class AgileError(Exception):
    """An expected failure with something to tell the person."""

    def __init__(self, message: Message):
        super().__init__(message.text)
        self.message = message


class NotAllowed(AgileError):
    """The person may not do this (checked on the server, whatever the client sent)."""


class NotFound(AgileError):
    """The thing is gone, or belongs to another workspace."""


class NoTeam(AgileError):
    """The command needs a team and none is set up where it was used."""


class Conflict(AgileError):
    """The action no longer applies (already triaged, already at the top, ...)."""


class Invalid(AgileError):
    """Form input that fails validation: one message per field (the input block id)."""

    def __init__(self, errors: dict[str, Message]):
        super().__init__(next(iter(errors.values())))
        self.errors = errors
