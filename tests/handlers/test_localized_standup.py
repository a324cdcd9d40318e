"""/standup's confirmations name days as the boards do ("mer 9 dic", "di 24 nov"); ISO dates
only in the usage text, where a person has to type one."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from tests.conftest import ITALIAN, MEMBER, TEAM_CHANNEL
from tests.scenario import all_text, set_up_team

DUTCH = "U0DUTCH01"


def _label(day: dt.date, language: str) -> str:
    return format_date(day, "EEE d MMM", locale=language)


def test_standup_confirmations_show_the_boards_day_labels(slack, double):
    double.add_user(DUTCH, real_name="Daan de Vries", tz="Europe/Amsterdam", locale="nl-NL")
    set_up_team(slack, scrum_master=DUTCH, members=[MEMBER, ITALIAN, DUTCH])
    today = dt.date.today()
    start, end = today + dt.timedelta(days=10), today + dt.timedelta(days=12)
    holiday = today + dt.timedelta(days=20)

    away = all_text(
        slack.command("/standup", f"away {start} {end}", user=ITALIAN, channel=TEAM_CHANNEL).json
    )
    assert f"dal {_label(start, 'it')} al {_label(end, 'it')}" in away
    assert start.isoformat() not in away

    added = all_text(
        slack.command("/standup", f"holiday {holiday} Kerst", user=DUTCH, channel=TEAM_CHANNEL).json
    )
    assert f"{_label(holiday, 'nl')} is een vrije dag" in added
    listed = all_text(slack.command("/standup", "holidays", user=DUTCH, channel=TEAM_CHANNEL).json)
    assert f"• {_label(holiday, 'nl')} Kerst" in listed
    removed = all_text(
        slack.command(
            "/standup", f"holiday remove {holiday}", user=DUTCH, channel=TEAM_CHANNEL
        ).json
    )
    assert f"{_label(holiday, 'nl')} is weer een werkdag" in removed
    for text in (added, listed, removed):
        assert holiday.isoformat() not in text

    # Where a date must be typed, the help keeps the ISO form.
    usage = all_text(slack.command("/standup", "what", user=DUTCH, channel=TEAM_CHANNEL).json)
    assert "YYYY-MM-DD" in usage
