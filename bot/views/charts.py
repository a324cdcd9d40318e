"""The sprint charts in the team's language: the burnup and the velocity, each with alt text
that says its numbers (for screen readers, and for anyone whose phone does not load images)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_percent

from bot.i18n import Translator, decimal
from bot.models import Sprint, Team
from bot.services.sprints import BurnupData, SprintOutcome
from charts.burnup import Burnup, DayLabel, Labels, render_burnup, summarize
from charts.velocity import SprintResult, VelocityLabels, render_velocity

ALT_TEXT_MAX = 1000  # files.getUploadURLExternal's limit


@dataclass(frozen=True)
class Chart:
    """A chart ready to render: its words and numbers now, its pixels when `render()` is
    called (outside any database transaction: drawing takes a tenth of a second or more)."""

    draw: Callable[[], bytes]
    filename: str
    title: str
    alt_text: str

    def render(self) -> bytes:
        return self.draw()


def chart_days(tr: Translator, days: list[dt.date]) -> list[DayLabel]:
    """The working days' labels in the reader's language, in parts the chart stacks."""
    return [
        DayLabel(
            weekday=format_date(day, "EEE", locale=tr.language),
            day=format_date(day, "d", locale=tr.language),
            month=format_date(day, "LLL", locale=tr.language),
        )
        for day in days
    ]


def burnup_chart(tr: Translator, team: Team, sprint: Sprint, data: BurnupData) -> Chart:
    burnup = Burnup(
        day_labels=chart_days(tr, data.days),
        scope=data.scope,
        done=data.done,
        today=data.today,
        closed=data.closed,
    )
    # Translators: {team} is the team's name; {number} is the sprint's number.
    title = tr.gettext("{team} · Sprint {number}: burnup").format(
        team=team.name, number=sprint.number
    )
    labels = Labels(
        title=title,
        x_axis=tr.gettext("Working day"),
        y_axis=tr.gettext("Points"),
        scope=tr.gettext("Scope"),
        done=tr.gettext("Completed"),
        ideal=tr.gettext("Ideal"),
        forecast=tr.gettext("Forecast"),
    )
    return Chart(
        draw=lambda: render_burnup(burnup, labels),
        filename=f"burnup-sprint-{sprint.number}.png",
        title=title,
        alt_text=burnup_alt_text(tr, burnup)[:ALT_TEXT_MAX],
    )


def burnup_alt_text(tr: Translator, burnup: Burnup) -> str:
    s = summarize(burnup)
    # Translators: {done}, {scope} and {start} are each a whole number of points; {elapsed} and
    # {days} are each a whole number of working days.
    text = tr.gettext(
        "Burnup chart: {done} of {scope} points completed after {elapsed} of {days} working "
        "days; the scope was {start} points at the start."
    ).format(
        done=number(tr, s.done),
        scope=number(tr, s.scope),
        elapsed=s.elapsed,
        days=s.days,
        start=number(tr, s.scope_at_start),
    )
    if s.elapsed == 0 or s.closed:  # nothing to forecast from, or nothing left to forecast
        return text
    if s.forecast_days is None:
        return text + " " + tr.gettext("Nothing is completed yet, so there is no forecast.")
    # Translators: {pace} is a number of points with up to one decimal, such as "2.5"; the
    # whole fills {pace} in "At this pace ({pace}) the scope is finished within the sprint."
    pace = tr.ngettext("{pace} point a day", "{pace} points a day", plural_count(s.pace, 1))
    pace = pace.format(pace=number(tr, s.pace, 1))
    if s.on_track:
        return (
            text
            + " "
            # Translators: {pace} is the team's pace, such as "2.5 points a day".
            + tr.gettext("At this pace ({pace}) the scope is finished within the sprint.").format(
                pace=pace
            )
        )
    forecast = s.forecast_days
    return (
        text
        + " "
        # Translators: {pace} is the team's pace, such as "2.5 points a day"; {forecast} is a
        # number of working days with up to one decimal, such as "13.3".
        + tr.ngettext(
            "At this pace ({pace}) the scope needs {forecast} working day: more than the sprint "
            "has.",
            "At this pace ({pace}) the scope needs {forecast} working days: more than the sprint "
            "has.",
            plural_count(forecast, 1),
        ).format(pace=pace, forecast=number(tr, forecast, 1))
    )


def velocity_chart(tr: Translator, team: Team, outcomes: list[SprintOutcome]) -> Chart:
    results = [
        SprintResult(
            # Translators: {number} is the sprint's number.
            tr.gettext("Sprint {number}").format(number=o.number),
            o.committed,
            o.completed,
            o.say_do,
        )
        for o in outcomes
    ]
    # Translators: {team} is the team's name.
    title = tr.gettext("{team}: velocity").format(team=team.name)
    labels = VelocityLabels(
        title=title,
        y_axis=tr.gettext("Points"),
        committed=tr.gettext("Committed"),
        completed=tr.gettext("Completed"),
        language=tr.language,
        # Translators: the share of the points a team committed to at a sprint's start that it
        # completed by the close (what it said it would do against what it did).
        say_do=tr.gettext("Say/do"),
    )
    lines = [
        # Translators: {sprint} is a sprint's name such as "Sprint 3"; {completed} and {committed}
        # are each a number of points; {say_do} is a percentage such as "80%", or "–" for none.
        tr.gettext("{sprint}: {completed} of {committed} points, say/do {say_do}").format(
            sprint=r.label,
            completed=number(tr, r.completed),
            committed=number(tr, r.committed),
            say_do=percent(tr, r.say_do),
        )
        for r in results
    ]
    alt = tr.gettext("Velocity chart, committed against completed points.") + " " + "; ".join(lines)
    return Chart(
        draw=lambda: render_velocity(results, labels),
        filename="velocity.png",
        title=title,
        alt_text=alt[:ALT_TEXT_MAX],
    )


def percent(tr: Translator, ratio: float | None) -> str:
    """A ratio as a whole percentage in the reader's locale ("80%", "80 %"), or "–" when there
    is none (a sprint that committed no points has no say/do, which is not 0%)."""
    return "–" if ratio is None else format_percent(ratio, locale=tr.language)


def number(tr: Translator, value: float, digits: int = 0) -> str:
    """A number in the reader's locale: "2.5" in English, "2,5" in Italian and Dutch."""
    return decimal(tr, value, digits)


def plural_count(value: float, digits: int) -> int:
    """The count that picks ngettext's form for a number shown with up to `digits` decimals:
    the number itself when it shows whole ("1 point"), else 2. gettext's plural rules take
    whole numbers only, and a number shown with a fraction ("1.5", "0.5") takes the plural in
    English, Italian and Dutch (CLDR), as 2 does."""
    shown = round(value, digits)
    return int(shown) if shown.is_integer() else 2
