"""The one place where failures become a message for the person."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import AgileError
from bot.handlers.support import Deps, lookup_person, person_translator, tell_privately
from bot.i18n import Translator, translator
from bot.views.help import notice

log = logging.getLogger(__name__)


def register(app: App, deps: Deps) -> None:
    @app.error
    def on_error(
        error: Exception,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Any = None,
    ) -> None:
        tr = _translator_for(deps, context)
        if isinstance(error, AgileError):
            message = notice(":warning: " + error.message.render(tr))
        else:
            log.error("unhandled error in a Slack request", exc_info=error)
            if isinstance(error, SlackApiError):
                text = tr.gettext(
                    "Slack refused a request of mine ({reason}), so I could not finish. "
                    "Please try again in a moment."
                ).format(reason=error.response.get("error") or error.response.status_code)
            else:
                text = tr.gettext(
                    "Something went wrong on my side and nothing was changed. Please try "
                    "again; if it keeps happening, tell your scrum master."
                )
            message = notice(":warning: " + text)
        try:
            tell_privately(client, body, message, respond)
        except Exception:  # noqa: BLE001 - nothing more we can do for this person
            log.exception("could not tell the person about an error")


def _translator_for(deps: Deps, context: BoltContext) -> Translator:
    try:
        if context.get("workspace_id") and context.user_id:
            with deps.transaction(context) as session:
                return person_translator(lookup_person(session, context.user_id), None)
    except Exception:  # noqa: BLE001 - the database may be what failed
        log.debug("no translator for the error message", exc_info=True)
    return translator("en")
