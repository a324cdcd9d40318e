"""The burnup chart reads at a glance on a phone: its day labels, measured on the rendered
figure, never overlap nor leave the canvas, at every sprint length from one to four weeks, for
odd working weeks too, in each language we ship; its y axis counts whole points."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from bot.i18n import translator
from bot.views.charts import chart_days
from charts.burnup import Burnup, Labels, burnup_figure

LABELS = Labels(
    "Growth · Sprint 12: burnup", "Working day", "Points", "Scope", "Done", "Ideal", "Forecast"
)
# Thursday 26 November 2026: a sprint from here crosses into December.
START = dt.date(2026, 11, 26)
MON_FRI, MON_SAT, EVERY_DAY, TUE_THU = 0b0011111, 0b0111111, 0b1111111, 0b0001110


def working_days(weeks: int, mask: int) -> list[dt.date]:
    every = (START + dt.timedelta(days=n) for n in range(7 * weeks))
    return [day for day in every if mask >> day.weekday() & 1]


def rendered_day_labels(burnup: Burnup):
    figure = burnup_figure(burnup, LABELS)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    axes = figure.axes[0]
    shown = [t for t in axes.get_xticklabels() if t.get_text() and t.get_visible()]
    return figure, axes, [t.get_window_extent(renderer) for t in shown], shown


def _slow(days: int) -> list[float | None]:
    """A third of the sprint done at a slow pace: the forecast runs past the end."""
    elapsed = max(days // 3, 1)
    return [float(n) for n in range(1, elapsed + 1)] + [None] * (days - elapsed)


@pytest.mark.parametrize(
    ("language", "weeks", "mask"),
    [
        (language, weeks, mask)
        for language, weeks in itertools.product(("en", "it", "nl"), (1, 2, 3, 4))
        for mask in (MON_FRI, MON_SAT, EVERY_DAY, TUE_THU)
    ],
)
def test_day_labels_never_overlap_nor_leave_the_canvas(language, weeks, mask):
    days = working_days(weeks, mask)
    labels = chart_days(translator(language), days)
    for done in ([None] * len(days), _slow(len(days))):
        burnup = Burnup(labels, [float(3 * len(days))] * len(days), done)
        figure, _, boxes, shown = rendered_day_labels(burnup)
        assert shown, "the days are labelled"
        assert shown[0].get_text().split("\n")[1] == str(days[0].day)  # the first day always
        boxes = sorted(boxes, key=lambda b: b.x0)
        for left, right in itertools.pairwise(boxes):
            assert left.x1 < right.x0, (language, weeks, mask, left, right)
        canvas = figure.bbox
        for box in boxes:
            assert box.x0 >= 0 and box.x1 <= canvas.width and box.y0 >= 0, box
            assert box.y1 <= canvas.height, box


@pytest.mark.parametrize("language", ["en", "it", "nl"])
def test_at_the_default_length_every_working_day_is_labelled_with_its_month_where_it_changes(
    language,
):
    days = working_days(2, MON_FRI)  # Thu 26 Nov to Wed 9 Dec: 10 working days
    tr = translator(language)
    burnup = Burnup(chart_days(tr, days), [30.0] * 10, [3.0, 6.0] + [None] * 8)
    _, _, boxes, shown = rendered_day_labels(burnup)
    texts = [t.get_text() for t in shown]
    assert len(texts) == 10
    months = [t.split("\n")[2] for t in texts if t.count("\n") == 2]
    assert len(months) == 2  # November on the first day, December where it starts
    assert texts[3].count("\n") == 2 and texts[3].split("\n")[1] == "1"  # Tue 1 Dec
    assert all(len(t.split("\n")[0]) <= 4 for t in texts)  # short weekday names


def test_the_y_axis_counts_whole_points():
    days = working_days(1, MON_FRI)
    for scope in (1.0, 2.0, 3.0, 7.0, 13.0, 80.0):
        burnup = Burnup(chart_days(translator("en"), days), [scope] * 5, [1.0] + [None] * 4)
        _, axes, _, _ = rendered_day_labels(burnup)
        low, high = axes.get_ylim()
        ticks = [t for t in axes.get_yticks() if low <= t <= high]
        assert len(ticks) >= 2
        assert all(float(t).is_integer() for t in ticks), (scope, ticks)
