"""What went wrong, in words a person understands, never Slack's code: from a code, from a
Slack error, from a failure that never reached Slack."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.i18n import LANGUAGES, translator
from bot.views.failures import failure_words

CODES = [
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "missing_scope",
    "invalid_auth",
    "user_not_found",
    "ratelimited",
    "msg_too_long",
    "cant_update_message",
]


def slack_error(code: str | None, status: int = 200) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code} if code else {},
        headers={},
        status_code=status,
    )
    return SlackApiError("refused", response)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_code_reaches_a_person(language):
    tr = translator(language)
    words = [failure_words(tr, code) for code in CODES]
    assert not [w for w in words if "_" in w or w in CODES]
    assert len(set(words)) >= 7  # codes a person can act on differently read differently


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_slack_error_is_read_for_its_code(language):
    tr = translator(language)
    assert failure_words(tr, slack_error("is_archived")) == failure_words(tr, "is_archived")
    outage = tr.gettext("Slack did not answer in time")
    assert failure_words(tr, slack_error(None, status=503)) == outage


@pytest.mark.parametrize(
    "failure", [TimeoutError(), ConnectionError(), "ReadTimeout", "URLError", "502"]
)
def test_a_failure_that_never_reached_slack_is_an_outage(failure):
    assert failure_words(translator("en"), failure) == "Slack did not answer in time"


@pytest.mark.parametrize("failure", [None, "404", ValueError(), "a_code_from_next_year"])
def test_anything_else_is_a_plain_refusal(failure):
    assert failure_words(translator("it"), failure) == translator("it").gettext(
        "Slack refused the request"
    )
