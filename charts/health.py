"""The team health trend: each statement's average (1 to 5) at the team's last retrospectives.

Team-level only: averages of at least three answers, never anyone's ratings. Pure: numbers
and words (already localised) in, PNG bytes out, matplotlib's object API, imported only when a
chart is drawn (see charts.burnup). Legible on a phone: the canvas of the other charts, large
type, a marker of its own for each statement (not colour alone), and the legend under the plot
where it hides no line, each entry with the statement's latest average.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from charts.burnup import DPI, HEIGHT_IN, TICK_FONT, WIDTH_IN

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SCALE = (1, 5)
LEGEND_FONT = 13
# Told apart by colour (a colour-blind-safe set) and by marker, so that a grey print or a
# small screen still shows which line is which.
STYLES = [
    ("#0072b2", "o"),
    ("#e69f00", "s"),
    ("#009e73", "^"),
    ("#cc79a7", "D"),
    ("#56b4e9", "v"),
]


@dataclass(frozen=True)
class HealthSeries:
    """One statement across the retrospectives: its short label and an average per point."""

    label: str  # "Sustainable pace", already localised
    averages: list[float]


@dataclass(frozen=True)
class HealthLabels:
    title: str
    y_axis: str
    language: str = "en"  # the locale of the latest averages in the legend


def render_health(points: list[str], series: list[HealthSeries], labels: HealthLabels) -> bytes:
    """The chart as PNG bytes. `points` are the retrospectives' labels ("Sprint 4"), oldest
    first; each series has one average per point."""
    buffer = io.BytesIO()
    health_figure(points, series, labels).savefig(buffer, format="png")
    return buffer.getvalue()


def health_figure(points: list[str], series: list[HealthSeries], labels: HealthLabels) -> Figure:
    """The chart as a figure: a line a statement, its latest average in its legend entry, the
    legend in as many columns as fit the canvas (measured, so it holds in every language)."""
    if not points:
        raise ValueError("a health trend needs at least one retrospective")
    if any(len(s.averages) != len(points) for s in series):
        raise ValueError("each series needs one average per retrospective")
    if len(series) > len(STYLES):
        raise ValueError(f"at most {len(STYLES)} statements")
    from babel.numbers import format_decimal
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    positions = list(range(len(points)))
    for (color, marker), line in zip(STYLES, series, strict=False):
        latest = format_decimal(round(line.averages[-1], 1), format="0.0", locale=labels.language)
        axes.plot(
            positions,
            line.averages,
            color=color,
            marker=marker,
            markersize=9,
            linewidth=2.5,
            label=f"{line.label} · {latest}",  # the number a reader looks for first
        )
    low, high = SCALE
    axes.set_ylim(low - 0.2, high + 0.2)
    axes.set_yticks(range(low, high + 1))
    axes.set_xlim(-0.4, len(points) - 1 + 0.4)
    axes.set_xticks(positions, points)
    axes.tick_params(axis="x", labelsize=TICK_FONT)
    axes.tick_params(axis="y", labelsize=TICK_FONT)
    axes.set_ylabel(labels.y_axis, fontsize=12)
    axes.set_title(labels.title, fontsize=15, loc="left", parse_math=False)
    axes.grid(axis="y", alpha=0.3)
    _place_legend(figure, axes)
    return figure


def _place_legend(figure: Figure, axes: Axes) -> None:
    """The legend under the plot: three columns if they fit the canvas's width, else two, with
    the plot's bottom margin made room for its rows."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for columns in (3, 2, 1):
        rows = -(-len(axes.get_lines()) // columns)
        bottom = 0.13 + 0.065 * rows  # the sprint labels, then the legend's rows
        figure.subplots_adjust(left=0.08, right=0.97, top=0.9, bottom=bottom)
        legend = axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            ncols=columns,
            fontsize=LEGEND_FONT,
            frameon=False,
            handlelength=2.2,
            columnspacing=1.2,
        )
        box = legend.get_window_extent(renderer)
        if box.x0 >= 0 and box.x1 <= figure.bbox.width and box.y0 >= 0:
            return
