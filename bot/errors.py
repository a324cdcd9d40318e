"""Domain errors. Services raise them; the Slack edge turns them into a message for the person
in one place (bot.handlers.errors). Texts are English msgids, translated where shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.i18n import Translator
from bot.mrkdwn import esc


@dataclass(frozen=True)
class Message:
    """A translatable text with named `{placeholders}`; the text is marked with N_()."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, tr: Translator) -> str:
        """The translated text; string parameters are escaped unless they are Markup."""
        params = {k: esc(v) if isinstance(v, str) else v for k, v in self.params.items()}
        return tr.gettext(self.text).format(**params)


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
