"""The Block Kit check itself: each rule it claims is one it enforces, so that a view test that
passes means Slack would take the payload."""

from __future__ import annotations

import pytest

from tests.views.blockkit import message_problems, modal_problems


def section(text: str = "Hello", **fields) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **fields}


def button(text: str = "Go", action_id: str = "a.go", value: str = "1", **fields) -> dict:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": action_id,
        "value": value,
        **fields,
    }


def option(text: str = "One", value: str = "1") -> dict:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


def select(options: list[dict], **fields) -> dict:
    return {"type": "static_select", "action_id": "a.pick", "options": options, **fields}


def modal(blocks: list[dict] | None = None, **fields) -> dict:
    view = {
        "type": "modal",
        "callback_id": "c.form",
        "title": {"type": "plain_text", "text": "Form"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": blocks or [section()],
    }
    return view | fields


def input_block(**element) -> dict:
    return {
        "type": "input",
        "block_id": "b.in",
        "label": {"type": "plain_text", "text": "Name"},
        "element": {"action_id": "value", **element},
    }


def text_input(**fields) -> dict:
    return input_block(type="plain_text_input", **fields)


def test_a_plain_message_and_modal_pass():
    assert message_problems({"text": "Hi", "blocks": [section(accessory=button())]}) == []
    assert modal_problems(modal([text_input(max_length=80, initial_value="Growth")])) == []


def actions(*elements: dict) -> dict:
    return {"type": "actions", "elements": list(elements)}


CONFIRM_TOO_LONG = {
    "title": {"type": "plain_text", "text": "Sure?"},
    "text": {"type": "plain_text", "text": "t" * 301},
    "confirm": {"type": "plain_text", "text": "Yes"},
    "deny": {"type": "plain_text", "text": "No"},
}


def test_a_message_without_a_fallback_text_is_caught():
    assert any("fallback text" in p for p in message_problems({"blocks": [section()]}))


@pytest.mark.parametrize(
    "blocks, problem",
    [
        ([section()] * 51, "51 blocks, over 50"),
        ([section("x" * 3001)], "3001 characters, over 3000"),
        ([section("")], "empty text"),
        ([section(accessory=button("b" * 76))], "76 characters, over 75"),
        ([section(accessory=button(value="v" * 2001))], "over 2000"),
        ([section(accessory=button(confirm=CONFIRM_TOO_LONG))], "301 characters, over 300"),
        ([section(block_id="x"), section(block_id="x")], "used twice"),
        ([section(block_id="x" * 256)], "an id must be"),
        ([actions(button(), button())], "action ids repeat"),
        ([actions(select([option(value="v" * 151)]))], "1 to 150 characters"),
        ([actions(select([option(value=str(n)) for n in range(101)]))], "101 options"),
        ([actions(select([option()], initial_option=option("Two", "2")))], "not one of the"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "11 context"),
        ([{"type": "video"}], "does not know"),
    ],
)
def test_a_message_slack_would_refuse_is_caught(blocks, problem):
    problems = message_problems({"text": "Hi", "blocks": blocks})
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    "view, problem",
    [
        (modal(title={"type": "plain_text", "text": "t" * 25}), "25 characters, over 24"),
        (modal(submit={"type": "plain_text", "text": "s" * 25}), "25 characters, over 24"),
        (modal([section()] * 101), "101 blocks, over 100"),
        (modal(private_metadata="m" * 3001), "over 3000"),
        (modal(callback_id=""), "an id must be"),
        (modal([text_input(max_length=5, initial_value="Growth")]), "6 characters, over 5"),
        (modal([text_input(max_length=3001)]), "3001, not 1 to 3000"),
        (
            modal(
                [
                    input_block(
                        type="number_input", min_value="1", max_value="10", initial_value="11"
                    )
                ]
            ),
            "out of order",
        ),
        (modal([input_block(type="datepicker", initial_date="7/12/2026")]), "not YYYY-MM-DD"),
    ],
)
def test_a_modal_slack_would_refuse_is_caught(view, problem):
    problems = modal_problems(view)
    assert any(problem in p for p in problems), problems
