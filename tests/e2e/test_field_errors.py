"""Field errors are plain text: Slack shows them as typed, so they carry neither mrkdwn
escapes nor raw `<@U…>` mentions; a person is named as Slack shows them."""

from __future__ import annotations

from bot.models import Person
from tests.conftest import ADMIN_CHANNEL, ITALIAN, MEMBER, OWNER, STAKEHOLDER
from tests.scenario import last_message, opened_view, set_up_team, submit_idea

TEAM_NAME = "Sales & <Marketing>"


def _owner_name(read) -> str:
    name = read(lambda s: s.query(Person.display_name).filter_by(slack_user_id=OWNER).scalar())
    assert name
    return name


def _accept_as(slack, double, user: str):
    """The owner opens the accept form of an idea; `user` submits it."""
    slack.click(
        last_message(double, ADMIN_CHANNEL), "triage.accept", user=OWNER, channel=ADMIN_CHANNEL
    )
    view = opened_view(double, "triage.accept")
    return slack.submit(
        view, {"effort": "1", "customer_value": "10", "business_value": "10"}, user=user
    )


def test_a_refusal_on_a_field_is_plain_text_with_the_owner_by_name(slack, double, read):
    set_up_team(slack, team_name=TEAM_NAME)
    submit_idea(slack, user=STAKEHOLDER)
    response = _accept_as(slack, double, MEMBER)

    assert response.json["response_action"] == "errors"
    error = response.json["errors"]["effort"]
    assert error == f"Only the marketing owner of {TEAM_NAME}, @{_owner_name(read)}, can do that."
    for markup in ("&amp;", "&lt;", "&gt;", "<@"):
        assert markup not in error


def test_a_refusal_on_a_field_is_plain_text_in_italian(slack, double, read):
    set_up_team(slack, team_name=TEAM_NAME)
    submit_idea(slack, user=STAKEHOLDER)
    response = _accept_as(slack, double, ITALIAN)

    error = response.json["errors"]["effort"]
    assert error == f"Solo il marketing owner di {TEAM_NAME}, @{_owner_name(read)}, può farlo."


def test_set_up_problems_are_told_in_words_and_logged_with_slack_codes(slack, double, caplog):
    double.fail_next("conversations.join", error="is_archived")
    double.fail_next("chat.postMessage", error="restricted_action")
    set_up_team(slack)
    told = "\n".join(m["text"] for m in double.messages_in(OWNER))
    assert "I could not join" in told and "the channel is archived" in told
    assert "The team is saved, but I could not post in" in told
    assert "the workspace does not let me post there" in told
    assert "is_archived" not in told and "restricted_action" not in told
    assert "is_archived" in caplog.text and "restricted_action" in caplog.text
