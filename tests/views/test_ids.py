"""The ids that route a click or a submission to its handler: one meaning each, and within
Slack's length."""

from __future__ import annotations

import re

from bot.views.ids import Action, Callback
from tests.views.blockkit import ID_MAX


def constants(cls: type) -> dict[str, str]:
    return {
        name: value
        for name, value in vars(cls).items()
        if name.isupper() and isinstance(value, str)
    }


def test_no_two_actions_and_no_two_callbacks_share_an_id():
    for cls in (Action, Callback):
        ids = list(constants(cls).values())
        assert len(ids) == len(set(ids)), cls


def test_every_id_fits_slack_and_reads_as_dotted_words():
    for value in [*constants(Action).values(), *constants(Callback).values()]:
        assert 1 <= len(value) <= ID_MAX and re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", value), value


def test_the_backlog_paging_pattern_matches_exactly_its_three_buttons():
    matched = {v for v in constants(Action).values() if Action.PAGE_ANY.match(v)}
    assert matched == {Action.PAGE_PREVIOUS, Action.PAGE_NEXT, Action.PAGE_REFRESH}


def test_the_retro_paging_pattern_matches_exactly_its_two_buttons():
    matched = {v for v in constants(Action).values() if Action.RETRO_PAGE.match(v)}
    assert matched == {Action.RETRO_PAGE_PREVIOUS, Action.RETRO_PAGE_NEXT}
