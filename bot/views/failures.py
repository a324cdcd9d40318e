"""Slack's refusals in words. A person reads what happened ("the channel is archived"), never
Slack's error code (`is_archived`); the code goes to the log, where an engineer reads it."""

from __future__ import annotations

from bot.i18n import N_, Translator
from bot.slack import error_reason

# Slack's error codes (and the kinds of failure that never reached Slack), grouped by what a
# person can understand and do about them.
_WORDS: dict[str, str] = {
    "channel_not_found": N_("the channel is gone, or I cannot see it"),
    "not_in_channel": N_("I am not in that channel"),
    "is_archived": N_("the channel is archived"),
    "method_not_supported_for_channel_type": N_("I cannot join that kind of channel by myself"),
    "restricted_action": N_("the workspace does not let me post there"),
    "access_denied": N_("the workspace does not let me post there"),
    "user_not_found": N_("they are no longer in this Slack workspace"),
    "account_inactive": N_("they are no longer in this Slack workspace"),
    "user_disabled": N_("they are no longer in this Slack workspace"),
    "cannot_dm_bot": N_("that account is a bot"),
    "message_not_found": N_("the message was deleted"),
    "cant_update_message": N_("the message can no longer be changed"),
    "missing_scope": N_("the app lacks a permission: reinstall it from its manifest"),
    "not_authed": N_("the app's token is missing or revoked"),
    "invalid_auth": N_("the app's token is missing or revoked"),
    "token_revoked": N_("the app's token is missing or revoked"),
    "account_inactive_token": N_("the app's token is missing or revoked"),
    "ratelimited": N_("Slack asked me to slow down"),
    "msg_too_long": N_("the message was too long for Slack"),
}
_OUTAGE = N_("Slack did not answer in time")
_UNKNOWN = N_("Slack refused the request")
_OUTAGE_KINDS = ("Timeout", "TimeoutError", "URLError", "ConnectionError", "RemoteDisconnected")


def failure_words(tr: Translator, failure: BaseException | str | None) -> str:
    """What went wrong, in the reader's words: a Slack error, or one of its codes."""
    reason = failure if isinstance(failure, str) else error_reason(failure)
    if reason in _WORDS:
        return tr.gettext(_WORDS[reason])
    if reason.isdigit() and reason.startswith("5") or reason.endswith(_OUTAGE_KINDS):
        return tr.gettext(_OUTAGE)
    return tr.gettext(_UNKNOWN)
