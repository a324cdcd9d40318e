"""How listeners are registered, and the one place where failures become a message for the
person.

Every listener has a fast ack function, which answers Slack at once (with content, field
errors or nothing), and may have a lazy function for the slow part (views.open, chat.update),
which Bolt runs after answering (`process_before_response=True`, see bot.app). Listeners are
plain functions that name what they need: Bolt's arguments (LISTENER_ARGS) and `deps`, the
app's wiring (bot.handlers.deps). Both are wrapped by `guarded`: a domain error (AgileError)
becomes a private explanation, or, raised while a modal is submitted, an error on its field;
anything else is logged with its traceback and the person is told plainly. No exception
reaches Bolt.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import logs
from bot.errors import AgileError, Invalid
from bot.handlers.deps import DEPS_KEY, Deps
from bot.handlers.readers import lookup_person, reader_translator
from bot.handlers.replies import tell_privately
from bot.i18n import Translator, translator
from bot.slack import error_reason
from bot.views.failures import failure_words
from bot.views.help import notice

log = logging.getLogger(__name__)

Listener = Callable[..., None]
# A listener's route: what `app.command("/x")`, `app.action(...)`, `app.view(...)` return.
Route = Callable[..., Any]

# What a listener may name: what Bolt can pass (by name) that our listeners use, and `deps`.
LISTENER_ARGS = (
    "deps",
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


# A form's trigger that Slack does not take: it came more than 3 seconds ago, was used, or is
# not one Slack issued.
TRIGGER_SPENT = frozenset({"expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"})


def listen(
    route: Route,
    on_ack: Listener | None = None,
    later: Listener | None = None,
    *,
    opens_form: bool = False,
) -> None:
    """Register a listener: `on_ack` answers Slack (an empty answer if omitted), and `later`
    does the slow part once Slack has it. With `opens_form`, `later` opens a form from the
    request's trigger, which Slack takes for 3 seconds only: it runs on the forms' own pool
    (Deps.form_executor), never queued behind other background work."""
    ack_listener = guarded(on_ack or just_ack)
    if later is None:
        route(ack_listener)
    elif opens_form:
        route(guarded(on_ack or just_ack, then_form=guarded(later, lazy=True)))
    else:
        route(ack=ack_listener, lazy=[guarded(later, lazy=True)])


def _spent_ack(*args: Any, **kwargs: Any) -> None:
    """The request is answered: a form's lazy work has no ack of its own."""


def listen_to_modal(
    route: Route, save: Listener, later: Listener | None = None, *, refuse_on: str
) -> None:
    """Register a modal's submission. `save` checks and stores it, and the modal closes. A
    domain error that `save` raises refuses the submission on the modal's fields (each field's
    message where validation put it, any other on the field `refuse_on`): nothing is stored,
    and `later` finds nothing saved in the context."""
    on_submit = guarded(save, refuse_on=refuse_on)
    if later is None:
        route(on_submit)
    else:
        route(ack=on_submit, lazy=[guarded(later, lazy=True)])


def subcommand(*words: str) -> Callable[..., bool]:
    """A route matcher: the command's first word (in any case) is one of `words`; "" stands
    for the bare command. A command whose words do different things gets a route for each,
    with its own ack and lazy functions, in the module of its domain, instead of a listener
    that dispatches."""
    return lambda body: _first_word(body) in words


def other_subcommand(*words: str) -> Callable[..., bool]:
    """A route matcher for the rest of a command: no word, or a first word not in `words`
    (the help, or what the command does on its own)."""
    return lambda body: _first_word(body) not in words


def _first_word(body: dict[str, Any]) -> str:
    words = (body.get("text") or "").split()
    return words[0].lower() if words else ""


def just_ack(ack: Ack) -> None:
    """The ack function of listeners whose work is all in their lazy function."""
    ack()


def guarded(
    listener: Listener,
    *,
    lazy: bool = False,
    refuse_on: str | None = None,
    then_form: Listener | None = None,
) -> Listener:
    """Wrap a listener so that its failures are reported to the person. A lazy listener runs
    after Slack has its answer, so it reports through the response URL or a DM. With
    `refuse_on`, the listener saves a modal's submission: the wrapper closes the modal, or
    refuses it on its fields. With `then_form` (a guarded lazy listener), the form it opens is
    handed to the forms' pool before Slack gets its answer."""
    wanted = set(inspect.signature(listener).parameters)
    unknown = wanted - set(LISTENER_ARGS)
    if unknown:
        raise TypeError(f"{listener.__name__} takes {unknown}, not offered by guarded()")

    def guarded_listener(  # Bolt passes these by name
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        respond: Any,
        action: Any,
        command: Any,
        view: Any,
        event: Any,
    ) -> None:
        offered = {
            "ack": ack,
            "body": body,
            "client": client,
            "context": context,
            "respond": respond,
            "action": action,
            "command": command,
            "view": view,
            "event": event,
            "deps": context.get(DEPS_KEY),
        }
        # Its log lines name the request, in whichever thread it runs.
        with logs.working_on(request_id=context.get(logs.REQUEST_KEY)):
            try:
                listener(**{name: offered[name] for name in wanted})
                if refuse_on is not None:
                    ack()  # saved: the modal closes
            except Exception as error:  # noqa: BLE001 - reported to the person, logged if unexpected
                if refuse_on is not None and isinstance(error, AgileError):
                    refuse_modal(ack, context, error, refuse_on)
                    return
                # A lazy listener runs after Slack has its answer: report through the
                # response URL or a DM, never through ack().
                report_failure(
                    error,
                    ack=None if lazy else ack,
                    body=body,
                    client=client,
                    context=context,
                    respond=respond,
                )
        if then_form is not None:
            bolt_args = {name: offered[name] for name in LISTENER_ARGS if name != "deps"}
            offered["deps"].form_executor.submit(then_form, **{**bolt_args, "ack": _spent_ack})

    guarded_listener.__name__ = listener.__name__
    guarded_listener.__qualname__ = listener.__qualname__
    return guarded_listener


def refuse_modal(ack: Ack, context: BoltContext, error: AgileError, first_field: str) -> None:
    """Refuse a modal submission on its fields (`response_action: errors`): each field's
    message where validation put it, any other refusal on `first_field`. Slack shows them as
    plain text, so they are rendered plain: no mrkdwn escapes, people by name, not `<@U…>`."""
    tr = _translator_for(context)
    errors = error.errors if isinstance(error, Invalid) else {first_field: error.message}
    ack(
        response_action="errors",
        errors={field: message.render(tr, plain=True) for field, message in errors.items()},
    )


def report_failure(
    error: Exception,
    *,
    ack: Ack | None,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Any = None,
) -> None:
    tr = _translator_for(context)
    message = notice(":warning: " + failure_text(tr, error))
    try:
        if ack is not None and ack.response is None:
            if body.get("command"):  # answer the slash command itself
                ack(response_type="ephemeral", **message)
                return
            ack()
        tell_privately(client, body, message, respond)
    except Exception:  # nothing more we can do for this person
        log.exception("could not tell the person about an error")


def failure_text(tr: Translator, error: Exception) -> str:
    if isinstance(error, AgileError):
        return error.message.render(tr)
    if isinstance(error, SlackApiError):
        reason = error_reason(error)
        if reason in TRIGGER_SPENT:  # Slack's timing, not a fault: the person tries again
            log.warning("a form could not open: %s", reason)
        else:
            log.error("Slack refused a request (%s)", reason, exc_info=error)
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


def report_unhandled(
    error: Exception,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    respond: Any = None,
) -> None:
    """Bolt's error handler: only failures outside our listeners (middleware) arrive here."""
    report_failure(error, ack=None, body=body, client=client, context=context, respond=respond)


def register(app: App) -> None:
    app.error(report_unhandled)


def _translator_for(context: BoltContext) -> Translator:
    """The language of the person who acted; English if even that cannot be known."""
    deps: Deps | None = context.get(DEPS_KEY)
    try:
        if deps is not None and context.get("workspace_id") and context.user_id:
            with deps.transaction(context) as session:
                person = lookup_person(session, context.user_id)
            return reader_translator(deps, context, person)
    except Exception:  # the database may be what failed
        log.debug("no translator for the error message", exc_info=True)
    return translator("en")
