"""The one place where failures become a message for the person, and how listeners are
registered.

Every listener has a fast ack function, which answers Slack at once (with content, field
errors or nothing), and may have a lazy function for the slow part (views.open, chat.update),
which Bolt runs after answering (`process_before_response=True`, see bot.app). Both are
wrapped by `guarded`: a domain error (AgileError) becomes a private explanation, anything else
is logged with its traceback and the person is told plainly. No exception reaches Bolt.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import AgileError
from bot.handlers.support import Deps, lookup_person, reader_translator, tell_privately
from bot.i18n import Translator, translator
from bot.slack import error_reason
from bot.views.failures import failure_words
from bot.views.help import notice

log = logging.getLogger(__name__)

# What Bolt can pass to a listener that our listeners use; Bolt injects arguments by name.
LISTENER_ARGS = (
    "ack",
    "body",
    "client",
    "context",
    "respond",
    "action",
    "command",
    "view",
    "event",
)


def guarded(
    deps: Deps, *, lazy: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap a listener so that its failures are reported to the person. A lazy listener runs
    after Slack has its answer, so it reports through the response URL or a DM."""

    def wrap(listener: Callable[..., None]) -> Callable[..., None]:
        wanted = set(inspect.signature(listener).parameters)
        unknown = wanted - set(LISTENER_ARGS)
        if unknown:
            raise TypeError(f"{listener.__name__} takes {unknown}, not offered by guarded()")

        def guarded_listener(ack, body, client, context, respond, action, command, view, event):  # noqa: ANN001, PLR0913
            offered = {
                "ack": ack, "body": body, "client": client, "context": context, "respond": respond,
                "action": action, "command": command, "view": view, "event": event,
            }  # fmt: skip
            try:
                listener(**{name: offered[name] for name in wanted})
            except Exception as error:  # noqa: BLE001 - reported to the person, logged if unexpected
                # A lazy listener runs after Slack has its answer: report through the
                # response URL or a DM, never through ack().
                report_failure(
                    deps, error, ack=None if lazy else ack, body=body, client=client,
                    context=context, respond=respond,
                )  # fmt: skip

        guarded_listener.__name__ = listener.__name__
        guarded_listener.__qualname__ = listener.__qualname__
        return guarded_listener

    return wrap


def just_ack(ack: Ack) -> None:
    """The ack function of listeners whose work is all in their lazy function."""
    ack()


class Listeners:
    """Registers guarded listeners: `listeners.add(app.action(X), on_ack, later)`."""

    def __init__(self, deps: Deps):
        self._now = guarded(deps)
        self._later = guarded(deps, lazy=True)

    def add(
        self,
        route: Callable[..., Any],
        on_ack: Callable[..., None],
        later: Callable[..., None] | None = None,
    ) -> None:
        if later is None:
            route(self._now(on_ack))
        else:
            route(ack=self._now(on_ack), lazy=[self._later(later)])


def report_failure(
    deps: Deps,
    error: Exception,
    *,
    ack: Ack | None,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Any = None,
) -> None:
    tr = _translator_for(deps, context)
    message = notice(":warning: " + failure_text(tr, error))
    try:
        if ack is not None and ack.response is None:
            if body.get("command"):  # answer the slash command itself
                ack(response_type="ephemeral", **message)
                return
            ack()
        tell_privately(client, body, message, respond)
    except Exception:  # noqa: BLE001 - nothing more we can do for this person
        log.exception("could not tell the person about an error")


def failure_text(tr: Translator, error: Exception) -> str:
    if isinstance(error, AgileError):
        return error.message.render(tr)
    if isinstance(error, SlackApiError):
        log.error("Slack refused a request (%s)", error_reason(error), exc_info=error)
        # Translators: {reason} says what went wrong in a few lowercase words, e.g. "the
        # channel is archived" or "Slack did not answer in time".
        return tr.gettext("I could not finish: {reason}. Please try again in a moment.").format(
            reason=failure_words(tr, error)
        )
    log.error("unhandled error in a Slack request", exc_info=error)
    return tr.gettext(
        "Something went wrong on my side and nothing was changed. Please try again; if it "
        "keeps happening, tell your scrum master."
    )


def register(app: App, deps: Deps) -> None:
    @app.error
    def on_error(
        error: Exception,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Any = None,
    ) -> None:
        # Only failures outside our listeners (middleware) arrive here.
        report_failure(
            deps, error, ack=None, body=body, client=client, context=context, respond=respond
        )


def _translator_for(deps: Deps, context: BoltContext) -> Translator:
    try:
        if context.get("workspace_id") and context.user_id:
            with deps.transaction(context) as session:
                person = lookup_person(session, context.user_id)
            return reader_translator(deps, context, person)
    except Exception:  # noqa: BLE001 - the database may be what failed
        log.debug("no translator for the error message", exc_info=True)
    return translator("en")
