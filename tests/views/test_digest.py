"""The weekly digest and the WIP limit in words: the digest's sections in each language, user
text escaped, lists cut and counted within Slack's limits whatever the week held; the board's
Doing heading within and over the limit, and the private nudge."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.i18n import LANGUAGES, translator
from bot.models import ItemKind, SprintState, WorkState
from bot.services.digests import Digest, Item, Result
from bot.services.sprints import Totals
from bot.views.digest import LIST_MAX, digest_message
from bot.views.sprint import Board, board_message
from bot.views.wip import wip_nudge
from tests.views.blockkit import all_text, assert_message
from tests.views.factories import (
    HOSTILE,
    HOSTILE_ESCAPED,
    entries,
    pings,
    sprint,
    team,
    worst,
)

EN, IT, NL = (translator(language) for language in LANGUAGES)
MONDAY_9 = dt.datetime(2026, 12, 14, 8, 0, tzinfo=dt.UTC)  # Monday 14 December, 9:00 in Rome


def digest(**fields) -> Digest:
    values = {
        "team": team(),
        "start": MONDAY_9 - dt.timedelta(days=7),
        "end": MONDAY_9,
        "sprint": sprint(),
        "totals": Totals(scope_points=21, scope_items=5, done_points=8, done_items=2),
        "days_left": 4,
        "upcoming": None,
        "upcoming_start": None,
        "top": [Item("Spring newsletter", ItemKind.CAMPAIGN), Item("Case study", ItemKind.CONTENT)],
        "accepted": [Item("Offer A vs offer B", ItemKind.EXPERIMENT)],
        "declined": [Item("Billboard in Times Square", ItemKind.CAMPAIGN, "Too expensive now.")],
        "results": [Result("Subject line", "won", "3.4% vs 1.9%", "Open rate", "Emoji win.")],
    }
    return Digest(**(values | fields))


def test_the_digest_says_the_sprint_the_backlog_and_the_week():
    message = digest_message(EN, digest())
    assert_message(message)
    text = all_text(message)
    assert "Weekly digest of Growth" in text
    assert "Mon 7 Dec → Mon 14 Dec" in text
    assert "Growth · Sprint 4" in text and "*Goal:* 200 trial sign-ups" in text
    assert "*Progress:* 8 of 21 points done · 4 working days left" in text
    assert "1. :mega: Spring newsletter" in text and "2. :pencil2: Case study" in text
    assert "Ideas accepted this week" in text and "Offer A vs offer B" in text
    assert "Billboard in Times Square: “Too expensive now.”" in text
    assert ":trophy: won (Open rate: 3.4% vs 1.9%)" in text and "Emoji win." in text
    assert "No ideas were accepted" not in text
    assert message["text"].startswith("Weekly digest of Growth")  # the notification's words


def test_a_quiet_week_between_sprints_says_so():
    upcoming = sprint(number=5, goal="Video launch", state=SprintState.PLANNED)
    quiet = digest(
        sprint=None,
        totals=None,
        upcoming=upcoming,
        upcoming_start=dt.date(2026, 12, 21),
        top=[],
        accepted=[],
        declined=[],
        results=[],
    )
    text = all_text(digest_message(EN, quiet))
    assert "No sprint is running in Growth." in text
    assert "Sprint 5" in text and "starts Mon 21 Dec" in text and "Video launch" in text
    assert "The backlog has no ready items." in text
    assert "No ideas were accepted or declined this week" in text
    assert "Ideas accepted this week" not in text


@pytest.mark.parametrize(
    ("tr", "words"),
    [
        (IT, ["Riepilogo settimanale di Growth", "lun 7 dic", "Idee accettate questa settimana"]),
        (NL, ["Weekoverzicht van Growth", "ma 7 dec", "Deze week geaccepteerde ideeën"]),
    ],
)
def test_the_digest_speaks_the_teams_language(tr, words):
    message = digest_message(tr, digest())
    assert_message(message)
    text = all_text(message)
    for word in words:
        assert word in text, (word, text)
    assert "Weekly digest" not in text and "Progress" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_huge_week_of_hostile_text_stays_within_slacks_limits(language):
    many = [Item(worst(150), ItemKind.CAMPAIGN, worst(500)) for _ in range(40)]
    results = [Result(worst(150), "lost", worst(150), worst(150), worst(1000))] * 30
    message = digest_message(
        translator(language),
        digest(
            team=team(name=HOSTILE),
            sprint=sprint(goal=worst(300), serves=worst(150)),
            top=[Item(HOSTILE, ItemKind.CONTENT)] * 5,
            accepted=many,
            declined=many + [Item(HOSTILE, ItemKind.CAMPAIGN, HOSTILE)],
            results=results,
        ),
    )
    assert_message(message)  # blocks, section lengths, the fallback text
    assert pings(message) == []
    assert HOSTILE_ESCAPED in all_text(message)
    assert "<!channel>" not in message["text"]
    more = {"en": "…and 31 more.", "it": "31", "nl": "31"}[language]
    assert more in all_text(message)  # 41 declined, LIST_MAX shown
    assert LIST_MAX == 10


# --- the WIP limit ---------------------------------------------------------------------------


def board(limit, doing, state=SprintState.ACTIVE):
    return Board(
        team=team(wip_limit=limit),
        sprint=sprint(state=state),
        entries=entries(doing, state=WorkState.DOING),
        totals=Totals(),
        days_left=3,
        working_days=10,
    )


def test_the_board_shows_the_limit_and_says_clearly_when_it_is_over():
    assert "*Doing* (2)" in all_text(board_message(EN, board(None, 2)))
    within = all_text(board_message(EN, board(3, 3)))
    assert "*Doing* (3 of a limit of 3)" in within and "Over the team's WIP limit" not in within
    over = board_message(EN, board(3, 4))
    assert_message(over)
    assert ":warning: *Doing* (4 of a limit of 3). Over the team's WIP limit" in all_text(over)
    # A closed board keeps its counts, without a limit to heed.
    closed = all_text(board_message(EN, board(3, 4, SprintState.CLOSED)))
    assert "*Doing* (4)" in closed and "limit" not in closed
    assert "limite di 3" in all_text(board_message(IT, board(3, 4)))
    assert "limiet van 3" in all_text(board_message(NL, board(3, 4)))


@pytest.mark.parametrize(
    ("tr", "words"),
    [
        (EN, "now has 4 items in progress, over its WIP limit of 3. Your item has started"),
        (IT, "limite WIP di 3"),
        (NL, "WIP-limiet van 3"),
    ],
)
def test_the_nudge_names_the_teams_numbers_only(tr, words):
    message = wip_nudge(tr, HOSTILE, 4, 3)
    assert_message(message)
    assert words in all_text(message) and HOSTILE_ESCAPED in all_text(message)
    assert pings(message) == []
