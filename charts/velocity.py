"""The velocity chart: committed against completed points for a team's last sprints, and
each sprint's say/do ratio (the committed points completed) as a line on a percent axis.

Team-level only: it shows how much the team finishes of what it commits to (how predictable
it is), never anyone's share. Pure: numbers in, PNG bytes out, matplotlib's object API,
imported only when a chart is drawn (see charts.burnup).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.numbers import format_percent

from charts.burnup import DPI, HEIGHT_IN, WIDTH_IN

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class SprintResult:
    label: str  # e.g. "Sprint 12", already localised
    committed: float
    completed: float
    say_do: float | None = None  # committed points completed / committed; None: no ratio

    @property
    def completion(self) -> float | None:
        """Completed / committed (1.0 = everything committed was done)."""
        return self.completed / self.committed if self.committed else None


@dataclass(frozen=True)
class VelocityLabels:
    title: str
    y_axis: str
    committed: str
    completed: str
    language: str = "en"  # the locale of the percentages
    say_do: str = "Say/do"  # the legend of the say/do line


def render_velocity(results: list[SprintResult], labels: VelocityLabels) -> bytes:
    """The chart as PNG bytes."""
    buffer = io.BytesIO()
    velocity_figure(results, labels).savefig(buffer, format="png")
    return buffer.getvalue()


def velocity_figure(results: list[SprintResult], labels: VelocityLabels) -> Figure:
    if not results:
        raise ValueError("velocity needs at least one finished sprint")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.14)
    axes = figure.subplots()
    positions = list(range(len(results)))
    width = 0.38
    axes.bar(
        [p - width / 2 for p in positions],
        [r.committed for r in results],
        width,
        color="#c7c7c7",
        label=labels.committed,
    )
    completed = axes.bar(
        [p + width / 2 for p in positions],
        [r.completed for r in results],
        width,
        color="#1f77b4",
        label=labels.completed,
    )
    ratios = [r.say_do for r in results]
    if any(r is not None for r in ratios):
        _draw_say_do(figure, axes, positions, ratios, labels)
    else:  # no say/do to draw: each completed bar says how much of the commitment it is
        axes.bar_label(
            completed,
            labels=[
                format_percent(r.completion, locale=labels.language)
                if r.completion is not None
                else ""
                for r in results
            ],
            fontsize=10,
        )
    axes.set_title(labels.title, fontsize=15, loc="left", parse_math=False)
    axes.set_ylabel(labels.y_axis, fontsize=12)
    axes.set_xticks(positions, [r.label for r in results])
    tallest = max(max(r.committed, r.completed) for r in results)
    # Headroom above the bars for the legend, and for the say/do line's labels at 100%.
    axes.set_ylim(0, max(tallest, 1) * 1.35)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # points are whole
    axes.grid(axis="y", alpha=0.3)
    handles, names = [], []
    for drawn in figure.axes:
        h, n = drawn.get_legend_handles_labels()
        handles += h
        names += n
    axes.legend(handles, names, loc="upper left", fontsize=11, frameon=False, ncols=3)
    return figure


def _draw_say_do(
    figure: Figure,
    axes: Axes,
    positions: list[int],
    ratios: list[float | None],
    labels: VelocityLabels,
) -> None:
    """Say/do on a second axis, 0 to 100% (a ratio never exceeds 1): a line through the
    sprints that have one, broken where a sprint committed nothing, each point labelled."""
    from matplotlib.ticker import FuncFormatter

    ratio_axes = axes.twinx()
    # The line over the bars: the second axes would otherwise hide the bars' grid behind it.
    ratio_axes.set_zorder(axes.get_zorder() + 1)
    ratio_axes.patch.set_visible(False)
    ys = [float("nan") if r is None else r for r in ratios]
    ratio_axes.plot(
        positions,
        ys,
        color="#d62728",
        marker="o",
        linewidth=2.5,
        markersize=7,
        label=labels.say_do,
    )
    for x, ratio in zip(positions, ratios, strict=True):
        if ratio is None:
            continue
        ratio_axes.annotate(
            format_percent(ratio, locale=labels.language),
            (x, ratio),
            textcoords="offset points",
            xytext=(0, 11),
            ha="center",
            fontsize=11,
            fontweight="bold",
            color="#d62728",
            # Readable over a bar or the line itself.
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
        )
    ratio_axes.set_ylim(0, 1.35)  # the same headroom as the points axis
    ratio_axes.set_yticks([0, 0.25, 0.5, 0.75, 1])
    ratio_axes.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: format_percent(value, locale=labels.language))
    )
    ratio_axes.tick_params(axis="y", colors="#d62728")  # the legend names the line
    figure.subplots_adjust(right=0.91)
