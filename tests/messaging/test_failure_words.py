"""A person reads what went wrong in words ("the channel is archived"), never Slack's error
code (`is_archived`): every `{reason}` the bot fills from a failure goes through
bot.views.failures.failure_words, and the code goes to the log."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.i18n import translator
from bot.views.failures import failure_words

ROOT = Path(__file__).resolve().parents[2]
# {reason} that a person typed (the marketing owner's reason to decline an idea).
TYPED_REASONS = {
    "Declined by {person}: {reason}",
    "Your idea *#{id} {title}* was declined by {owner}. Their reason: {reason}",
    "{item}, an idea you follow, was declined by {owner}. Their reason: {reason}",
}


def _reasons() -> list[tuple[str, str, ast.expr]]:
    """(where, msgid, the expression given as `reason=`) for `tr.gettext("…{reason}…").format(
    reason=…)` everywhere in bot/."""
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call) or not (
                isinstance(call.func, ast.Attribute) and call.func.attr == "format"
            ):
                continue
            receiver = call.func.value
            if not (
                isinstance(receiver, ast.Call)
                and isinstance(receiver.func, ast.Attribute)
                and receiver.func.attr in ("gettext", "ngettext")
                and receiver.args
                and isinstance(receiver.args[0], ast.Constant)
            ):
                continue
            msgid = receiver.args[0].value
            for keyword in call.keywords:
                if keyword.arg == "reason":
                    where = f"{path.relative_to(ROOT)}:{call.lineno}"
                    found.append((where, msgid, keyword.value))
    return found


def test_every_failure_reason_is_said_in_words():
    reasons = _reasons()
    assert len(reasons) >= 5  # the scan finds them
    raw = [
        f"{where}: {msgid!r}"
        for where, msgid, value in reasons
        if msgid not in TYPED_REASONS
        and not any(
            isinstance(node, ast.Call) and getattr(node.func, "id", None) == "failure_words"
            for node in ast.walk(value)
        )
    ]
    assert not raw, "a Slack error code reaches a person:\n" + "\n".join(raw)


def test_failure_words_in_each_language():
    assert failure_words(translator("en"), "is_archived") == "the channel is archived"
    assert failure_words(translator("it"), "is_archived") == "il canale è archiviato"
    assert failure_words(translator("nl"), "not_in_channel") == "ik zit niet in dat kanaal"
    assert failure_words(translator("nl"), "some_new_code") == "Slack weigerde het verzoek"
