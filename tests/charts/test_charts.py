"""The burnup chart: its numbers against hand-computed values, and the PNG itself."""

from __future__ import annotations

import importlib
import io
import math
import sys

import matplotlib
import pytest
from PIL import Image, ImageStat

from charts.burnup import (
    DPI,
    HEIGHT_IN,
    WIDTH_IN,
    Burnup,
    Labels,
    ideal_line,
    render_burnup,
    summarize,
)

LABELS = Labels("Growth · sprint 12", "Working day", "Points", "Scope", "Done", "Ideal", "Forecast")
DAYS = [
    "Mon 2",
    "Tue 3",
    "Wed 4",
    "Thu 5",
    "Fri 6",
    "Mon 9",
    "Tue 10",
    "Wed 11",
    "Thu 12",
    "Fri 13",
]


def _sprint():
    # 30 points committed; 6 more added on day 3; 4 days done so far.
    scope = [30, 30, 36, 36, 36, 36, 36, 36, 36, 36]
    done = [2, 5, 9, 12, None, None, None, None, None, None]
    return Burnup(DAYS, scope, done)


def test_ideal_line_goes_evenly_from_nothing_to_the_starting_scope():
    assert ideal_line(_sprint()) == [3, 6, 9, 12, 15, 18, 21, 24, 27, 30]


def test_summary_reads_pace_scope_change_and_forecast():
    summary = summarize(_sprint())
    assert (summary.days, summary.elapsed, summary.done) == (10, 4, 12)
    assert (summary.scope, summary.scope_at_start) == (36, 30)
    assert summary.pace == 3.0  # 12 points in 4 working days
    assert summary.forecast_days == 12.0  # 36 points at 3 a day: two days late
    assert not summary.on_track


def test_no_pace_before_the_first_day_ends():
    summary = summarize(Burnup(DAYS[:5], [10] * 5, [None] * 5))
    assert (summary.elapsed, summary.pace, summary.forecast_days) == (0, 0.0, None)


def test_mismatched_series_are_refused():
    with pytest.raises(ValueError, match="one entry per working day"):
        Burnup(DAYS, [1, 2], [None] * 10)


def test_png_is_valid_sized_for_a_phone_and_not_blank():
    png = render_burnup(_sprint(), LABELS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.size == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    stats = ImageStat.Stat(image.convert("L"))
    assert stats.stddev[0] > 10  # lines, text and a legend, not an empty canvas
    colours = image.convert("RGB").getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50


def test_a_finished_and_a_fresh_sprint_render_too():
    finished = Burnup(DAYS, [30] * 10, [3, 6, 9, 12, 15, 18, 21, 24, 27, 30])
    fresh = Burnup(DAYS, [30] * 10, [None] * 10)
    for burnup in (finished, fresh):
        assert render_burnup(burnup, LABELS).startswith(b"\x89PNG")


def test_rendering_never_touches_pyplot(monkeypatch):
    """pyplot keeps every figure in a global registry, a leak in a long-running process; the
    charts build their Figure directly. Imported afresh while pyplot cannot be imported at
    all, the burnup chart still renders."""
    for name in [n for n in sys.modules if n == "charts" or n.startswith("charts.")]:
        monkeypatch.delitem(sys.modules, name)  # the originals come back after the test
    monkeypatch.delattr(matplotlib, "pyplot", raising=False)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # any import of it fails
    fresh = importlib.import_module("charts.burnup")
    png = fresh.render_burnup(fresh.Burnup(["a", "b"], [1, 2], [1, None]), fresh.Labels(*"tabcdef"))
    assert png.startswith(b"\x89PNG")


from bot.services.sprints import average_completed  # noqa: E402
from charts.velocity import SprintResult, VelocityLabels, render_velocity  # noqa: E402

RESULTS = [
    SprintResult("Sprint 9", 20, 12),
    SprintResult("Sprint 10", 18, 18),
    SprintResult("Sprint 11", 24, 21),
    SprintResult("Sprint 12", 22, 0),
]


def test_velocity_numbers():
    assert [r.completion for r in RESULTS] == [0.6, 1.0, 0.875, 0.0]
    # The last three sprints, less the one that completed nothing: (18 + 21) / 2.
    assert average_completed(RESULTS) == 19.5
    assert average_completed([SprintResult("Sprint 1", 8, 0)]) is None  # no suggestion of 1
    assert average_completed(RESULTS[:1]) == 12.0 and average_completed([]) is None
    assert SprintResult("Empty", 0, 0).completion is None


def test_velocity_png_is_valid_and_not_blank():
    png = render_velocity(
        RESULTS, VelocityLabels("Growth · velocity", "Points", "Committed", "Completed")
    )
    image = Image.open(io.BytesIO(png))
    assert image.size == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 10
    with pytest.raises(ValueError):
        render_velocity([], VelocityLabels("t", "y", "a", "b"))


def test_a_closed_sprint_draws_no_forecast():
    from charts.burnup import burnup_figure

    early = Burnup(DAYS, [30] * 10, [2, 5, 9, 12, None, None, None, None, None, None], closed=True)
    assert summarize(early).forecast_days is None
    legend = [t.get_text() for t in burnup_figure(early, LABELS).axes[0].get_legend().get_texts()]
    assert legend == ["Scope", "Ideal", "Done"]
    running = Burnup(DAYS, [30] * 10, [2, 5, 9, 12, None, None, None, None, None, None])
    legend = [t.get_text() for t in burnup_figure(running, LABELS).axes[0].get_legend().get_texts()]
    assert "Forecast" in legend


def test_the_running_day_shows_its_work_but_the_pace_counts_ended_days_only():
    burnup = Burnup(
        DAYS, [30] * 10, [3, 6, None, None, None, None, None, None, None, None], today=10
    )
    summary = summarize(burnup)
    assert (summary.elapsed, summary.done, summary.pace) == (2, 10, 3.0)
    assert render_burnup(burnup, LABELS).startswith(b"\x89PNG")


def test_alt_text_numbers_use_the_readers_decimal_sign():
    from bot.i18n import translator
    from bot.views.charts import burnup_alt_text

    burnup = Burnup(DAYS, [30] * 10, [2, 5, None, None, None, None, None, None, None, None])
    assert "(2.5 points a day)" in burnup_alt_text(translator("en"), burnup)
    for language in ("it", "nl"):
        text = burnup_alt_text(translator(language), burnup)
        assert "2,5" in text and "2.5" not in text, text


def test_velocity_counts_whole_points_and_labels_bars_in_the_readers_locale():
    from charts.velocity import velocity_figure

    results = [SprintResult("Sprint 1", 3, 2), SprintResult("Sprint 2", 2, 1)]
    figure = velocity_figure(results, VelocityLabels("t", "Points", "C", "D", language="nl"))
    axes = figure.axes[0]
    low, high = axes.get_ylim()
    ticks = [t for t in axes.get_yticks() if low <= t <= high]
    assert ticks and all(float(t).is_integer() for t in ticks), ticks
    bar_labels = [t.get_text() for t in axes.texts]
    assert bar_labels == ["67%", "50%"]


def test_velocity_draws_say_do_on_a_percent_axis_and_leaves_out_a_sprint_without_one():
    from charts.velocity import velocity_figure

    results = [
        SprintResult("Sprint 1", 10, 8, say_do=0.7),
        SprintResult("Sprint 2", 0, 3, say_do=None),  # committed nothing: no ratio
        SprintResult("Sprint 3", 12, 12, say_do=1.0),
    ]
    labels = VelocityLabels("t", "Punten", "Gepland", "Afgerond", language="nl", say_do="Say/do")
    figure = velocity_figure(results, labels)
    bars, ratios = figure.axes
    assert [t.get_text() for t in ratios.texts] == ["70%", "100%"]  # none for sprint 2
    assert len(bars.texts) == 0  # the line's labels replace the bars' percentages
    [line] = ratios.get_lines()
    assert math.isnan(line.get_ydata()[1])  # a gap, not a 0%
    assert ratios.get_ylim()[1] > 1  # room above 100% for its label
    legend = [t.get_text() for t in bars.get_legend().get_texts()]
    assert legend == ["Gepland", "Afgerond", "Say/do"]
    png = render_velocity(results, labels)
    assert ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).stddev[0] > 10
    # Without any ratio (all committed nothing), the chart still draws, with no second axis.
    none = [SprintResult("Sprint 1", 0, 3)]
    assert len(velocity_figure(none, labels).axes) == 1
    assert render_velocity(none, labels).startswith(b"\x89PNG")
