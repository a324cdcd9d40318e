"""A local double of Slack's Web API for tests, serving only what agilebot uses.

The app's real ``slack_sdk.WebClient(base_url=double.api_url, token=double.BOT_TOKEN)``
talks to it over real HTTP on 127.0.0.1. Every call is checked against Slack's own
method reference (``methods/<method>.json`` in the shared slack-reference folder):
arguments against the draft-7 ``args`` schema, the bot scopes the method needs, and
the Block Kit limits Slack documents. Anything the app does that real Slack would
refuse or frown upon is recorded in ``violations``; app tests assert it stays empty.

The methods served, one module per family: auth.test and users.info (``users``),
conversations.join, conversations.history and the rules of where the bot may post and read
(``conversations``), chat.postMessage, chat.postEphemeral and chat.update (``chat``),
views.open, views.update and views.publish (``views``),
files.getUploadURLExternal and files.completeUploadExternal (``files``), and
oauth.v2.access with Slack's authorize page (``oauth``). A call to any other method of
Slack's reference is a violation.

Workspaces are kept apart: each has its own bot tokens (``add_team``, and the ones the OAuth
flow issues), people and channels; a call about one workspace's channel or person made with
another's token is refused and recorded as a violation; a workspace's tokens can be revoked
(``revoke_tokens``).

Besides the Web API (``/api/<method>``) it serves the two other URLs Slack hands to
an app: file upload URLs (``/upload/<file id>``, step two of the files upload v2
flow) and interaction response URLs (``/response/<id>``, ``responses``).
"""

from tests.slack_double.contract import default_reference_dir
from tests.slack_double.double import SlackDouble
from tests.slack_double.records import RESPONSE_URL_TTL, TRIGGER_TTL, Call, ResponseUrl, Trigger

__all__ = [
    "RESPONSE_URL_TTL",
    "TRIGGER_TTL",
    "Call",
    "ResponseUrl",
    "SlackDouble",
    "Trigger",
    "default_reference_dir",
]
