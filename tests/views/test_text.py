"""The text helpers every builder uses: escaping, cutting to Slack's limits without breaking
an escape, and the labels of kinds and statuses in each language."""

from __future__ import annotations

import re

import pytest

from bot.i18n import LANGUAGES, translator
from bot.models import ItemKind, ItemStatus
from bot.views.text import (
    SECTION_TEXT_MAX,
    Markup,
    button,
    channel,
    context,
    esc,
    kind_label,
    mention,
    mrkdwn,
    option,
    plain,
    score_text,
    sections,
    status_label,
    truncate,
)
from tests.views.factories import HOSTILE, HOSTILE_ESCAPED

BROKEN_ESCAPE = re.compile(r"&(?!amp;|lt;|gt;)")


def test_user_text_is_escaped_and_the_bots_own_markup_is_not():
    assert esc(HOSTILE) == HOSTILE_ESCAPED
    assert esc(None) == "" and esc("") == ""
    assert esc(mention("U0OWNER01")) == "<@U0OWNER01>"
    assert esc(channel("C0TEAM001")) == "<#C0TEAM001>"
    assert isinstance(mention("U1"), Markup)
    assert mention("<!channel>") == "<@&lt;!channel&gt;>"  # even an id is escaped


def test_truncate_keeps_short_text_and_marks_a_cut():
    assert truncate("short", 10) == "short"
    assert truncate("x" * 11, 10) == "x" * 9 + "…"


@pytest.mark.parametrize("limit", range(2, 40))
def test_truncate_never_splits_an_escape(limit):
    cut = truncate(esc("a <b> & c " * 5), limit)
    assert len(cut) <= limit and not BROKEN_ESCAPE.search(cut), cut


def test_helpers_cut_to_the_limit_of_where_the_text_goes():
    assert len(mrkdwn("x" * 5000)["text"]) == SECTION_TEXT_MAX
    assert len(button("b" * 200, "a.b", "1")["text"]["text"]) == 75
    assert len(option("o" * 200, "1")["text"]["text"]) == 75
    assert plain("p" * 200, 24)["text"] == "p" * 23 + "…"
    assert plain("p" * 200)["text"] == "p" * 200
    assert len(context(*["c"] * 12)["elements"]) == 10


def test_lines_share_a_section_while_they_fit_and_a_long_one_is_cut_alone():
    def texts(lines):
        return [block["text"]["text"] for block in sections(lines)]

    assert texts(["a", "b"]) == ["a\nb"]
    assert texts([]) == []
    half = "h" * (SECTION_TEXT_MAX // 2)
    assert texts([half, half, "end"]) == [half, f"{half}\nend"]
    long = texts(["head", "x" * 5000, "tail"])
    assert long == ["head", "x" * (SECTION_TEXT_MAX - 1) + "…", "tail"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_and_status_has_its_own_label(language):
    tr = translator(language)
    kinds = [kind_label(tr, kind) for kind in ItemKind]
    statuses = [status_label(tr, status) for status in ItemStatus]
    assert len(set(kinds)) == len(ItemKind) and len(set(statuses)) == len(ItemStatus)


@pytest.mark.parametrize(
    "language, shown", [("en", "1.67"), ("it", "1,67"), ("nl", "1,67")], ids=LANGUAGES
)
def test_a_score_is_shown_with_the_readers_decimal_sign(language, shown):
    tr = translator(language)
    assert score_text(tr, 10 / 6) == shown
    assert score_text(tr, 3.0) == "3"
    assert score_text(tr, None) == "–"
