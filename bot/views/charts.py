"""The sprint charts in the team's language: the burnup and the velocity, each with alt text
that says its numbers (for screen readers, and for anyone whose phone does not load images)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.i18n import Translator
from bot.models import Sprint, Team
from bot.services.sprints import BurnupData, SprintOutcome
from bot.views.sprint import day_label
from charts.burnup import Burnup, Labels, render_burnup, summarize
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


def burnup_chart(tr: Translator, team: Team, sprint: Sprint, data: BurnupData) -> Chart:
    burnup = Burnup(
        day_labels=[day_label(tr, day) for day in data.days], scope=data.scope, done=data.done
    )
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
    text = tr.gettext(
        "Burnup chart: {done} of {scope} points completed after {elapsed} of {days} working "
        "days; the scope was {start} points at the start."
    ).format(
        done=_n(s.done), scope=_n(s.scope), elapsed=s.elapsed, days=s.days,
        start=_n(s.scope_at_start),
    )  # fmt: skip
    if s.elapsed == 0:
        return text
    if s.forecast_days is None:
        return text + " " + tr.gettext("Nothing is completed yet, so there is no forecast.")
    if s.on_track:
        return (
            text
            + " "
            + tr.gettext(
                "At this pace ({pace} points a day) the scope is finished within the sprint."
            ).format(pace=_n(s.pace, 1))
        )
    return (
        text
        + " "
        + tr.gettext(
            "At this pace ({pace} points a day) the scope needs {forecast} working days: more than "
            "the sprint has."
        ).format(pace=_n(s.pace, 1), forecast=_n(s.forecast_days, 1))
    )


def velocity_chart(tr: Translator, team: Team, outcomes: list[SprintOutcome]) -> Chart:
    results = [
        SprintResult(
            tr.gettext("Sprint {number}").format(number=o.number), o.committed, o.completed
        )
        for o in outcomes
    ]
    title = tr.gettext("{team}: velocity").format(team=team.name)
    labels = VelocityLabels(
        title=title,
        y_axis=tr.gettext("Points"),
        committed=tr.gettext("Committed"),
        completed=tr.gettext("Completed"),
    )
    lines = [
        tr.gettext("{sprint}: {completed} of {committed} points").format(
            sprint=r.label, completed=_n(r.completed), committed=_n(r.committed)
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


def _n(value: float, digits: int = 0) -> str:
    if digits == 0 or float(value).is_integer():
        return str(round(value))
    return f"{value:.{digits}f}"
