"""The team health trend chart: a valid PNG the size of the other charts, a line per statement
with its latest average in the legend (in the reader's locale), the whole legend on the canvas
in every language, and alt text that says the numbers."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image, ImageStat

from bot.i18n import LANGUAGES, translator
from bot.models import Team
from bot.models.retro import HealthStatement
from bot.services.retros import HealthPoint
from bot.views.charts import ALT_TEXT_MAX
from bot.views.retro import health_chart, statement_label
from charts.burnup import DPI, HEIGHT_IN, WIDTH_IN
from charts.health import HealthLabels, HealthSeries, health_figure, render_health

CLOSED = dt.datetime(2026, 11, 13, 16, 0, tzinfo=dt.UTC)


def points(count: int) -> list[HealthPoint]:
    """`count` retrospectives, the third without a sprint (opened with /retro)."""
    return [
        HealthPoint(
            None if n == 2 else n + 1,
            CLOSED + dt.timedelta(weeks=n),
            {s: 1 + ((n + i) % 9) / 2 for i, s in enumerate(HealthStatement)},
        )
        for n in range(count)
    ]


def team() -> Team:
    return Team(id=1, name="Growth $$ <!here>", time_zone="Europe/Rome", language="en")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("count", [1, 3, 8])
def test_the_chart_is_a_phone_sized_png_with_every_word_on_the_canvas(language, count):
    tr = translator(language)
    chart = health_chart(tr, team(), points(count))
    png = chart.render()
    image = Image.open(io.BytesIO(png))
    assert image.size == (int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI))
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 10  # not an empty canvas
    labels = [statement_label(tr, s) for s in HealthStatement]
    names = [tr.gettext("Sprint {number}").format(number=p.sprint_number) for p in points(count)]
    series = [
        HealthSeries(label, [p.averages[s] for p in points(count)])
        for label, s in zip(labels, HealthStatement, strict=True)
    ]
    figure = health_figure(names, series, HealthLabels("t", "y", language))
    renderer = figure.canvas.get_renderer()
    legend = figure.axes[0].get_legend()
    box = legend.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width and box.y0 >= 0
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(texts) == len(HealthStatement)
    assert all(any(t.startswith(label) for t in texts) for label in labels)


def test_the_legend_says_each_latest_average_with_the_readers_decimal_sign():
    series = [HealthSeries("Pace", [2.0, 3.25]), HealthSeries("Goal", [4.0, 4.66])]
    for language, expected in (
        ("en", ["Pace · 3.2", "Goal · 4.7"]),
        ("it", ["Pace · 3,2", "Goal · 4,7"]),
    ):
        figure = health_figure(["S1", "S2"], series, HealthLabels("t", "y", language))
        assert [t.get_text() for t in figure.axes[0].get_legend().get_texts()] == expected
        low, high = figure.axes[0].get_ylim()
        assert low < 1 and high > 5  # the whole scale, whatever the averages


def test_mismatched_or_empty_series_are_refused():
    with pytest.raises(ValueError, match="one average per retrospective"):
        render_health(["S1", "S2"], [HealthSeries("Pace", [3.0])], HealthLabels("t", "y"))
    with pytest.raises(ValueError, match="at least one retrospective"):
        render_health([], [], HealthLabels("t", "y"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_alt_text_says_the_latest_and_first_averages_in_the_readers_words(language):
    tr = translator(language)
    chart = health_chart(tr, team(), points(8))
    assert len(chart.alt_text) <= ALT_TEXT_MAX
    latest = points(8)[-1]
    first_name = tr.gettext("Sprint {number}").format(number=1)
    assert tr.gettext("Sprint {number}").format(number=8) in chart.alt_text
    assert first_name in chart.alt_text
    value = latest.averages[HealthStatement.VALUE]
    shown = f"{value:.1f}".rstrip("0").rstrip(".")
    shown = shown if language == "en" else shown.replace(".", ",")
    assert f"{statement_label(tr, HealthStatement.VALUE)} {shown}" in chart.alt_text
    assert chart.filename == "team-health-sprint-8.png"
    assert "$$" in chart.title  # a name is text, never a formula
