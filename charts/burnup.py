"""The sprint burnup chart: completed points per working day against the scope line, with the
ideal line and, while the sprint runs, a forecast of the finish from the pace so far.

Pure: numbers in, PNG bytes out. Built with matplotlib's object API (a `Figure`, never pyplot,
whose global state does not belong in a server) and rendered in memory. Working days are
plotted as positions with the caller's labels (already localised), so weekends leave no gaps.

matplotlib is imported by the functions that draw, not by this module: the numbers, labels and
summary serve the alt text and the showcase in every process, and only the one that draws a
chart pays for matplotlib (nearly half of a command's start-up CPU and memory, and a font
cache to build on a fresh machine).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Legible on a phone: 800 x 450 px, large type.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100
TICK_FONT = 11
LABEL_GAP_PX = 6  # the least room between two day labels


@dataclass(frozen=True)
class DayLabel:
    """A working day's label in parts, already localised: the chart stacks them and shows the
    month only on the first label and where it changes, so that labels stay narrow."""

    weekday: str  # "Mon", "lun", "ma"
    day: str  # "7"
    month: str  # "Dec", "dic", "dec"


@dataclass(frozen=True)
class Burnup:
    """A sprint's numbers, one entry per working day (at the end of that day)."""

    day_labels: list[DayLabel] | list[str]  # every working day of the sprint
    scope: list[float]  # committed points; rises when scope is added mid-sprint
    done: list[float | None]  # completed points at each day's end; None for days not ended
    today: float | None = None  # completed so far on the running day, which has not ended
    closed: bool = False  # a closed sprint has no forecast

    def __post_init__(self) -> None:
        if not self.day_labels:
            raise ValueError("a sprint has at least one working day")
        if not len(self.day_labels) == len(self.scope) == len(self.done):
            raise ValueError("day_labels, scope and done must have one entry per working day")


@dataclass(frozen=True)
class BurnupSummary:
    """What the chart says, as numbers: for its alt text and the showcase message."""

    days: int
    elapsed: int  # working days that have ended (each with a known `done`)
    done: float  # completed so far, the running day's work included
    scope: float
    scope_at_start: float
    pace: float  # points per ended working day
    forecast_days: float | None  # working days the whole scope takes at this pace; None: no
    # pace yet, or the sprint is closed
    closed: bool = False

    @property
    def on_track(self) -> bool:
        return self.forecast_days is not None and self.forecast_days <= self.days


def ideal_line(burnup: Burnup) -> list[float]:
    """From nothing to the starting scope at an even pace across the working days."""
    days = len(burnup.day_labels)
    return [burnup.scope[0] * day / days for day in range(1, days + 1)]


def summarize(burnup: Burnup) -> BurnupSummary:
    known = [d for d in burnup.done if d is not None]
    elapsed = len(known)
    ended = known[-1] if known else 0.0
    days = len(burnup.day_labels)
    running = burnup.today is not None and elapsed < days and not burnup.closed
    done = burnup.today if running else ended
    scope = burnup.scope[min(elapsed, days - 1)] if running else burnup.scope[max(elapsed - 1, 0)]
    # The pace counts ended days only: a morning's work is not a day's.
    pace = ended / elapsed if elapsed else 0.0
    forecast = scope / pace if pace > 0 and not burnup.closed else None
    return BurnupSummary(
        days=days,
        elapsed=elapsed,
        done=done,  # type: ignore[arg-type]
        scope=scope,
        scope_at_start=burnup.scope[0],
        pace=pace,
        forecast_days=forecast,
        closed=burnup.closed,
    )


@dataclass(frozen=True)
class Labels:
    """Every word on the chart, translated by the caller."""

    title: str
    x_axis: str
    y_axis: str
    scope: str
    done: str
    ideal: str
    forecast: str


def tick_texts(labels: Sequence[DayLabel | str], step: int = 1) -> list[str]:
    """The text under each working day: every `step`-th day is labelled (the first always),
    as weekday over day number, with the month under it where it changes."""
    texts = []
    month = None
    for n, label in enumerate(labels):
        if n % step:
            texts.append("")
        elif isinstance(label, str):
            texts.append(label)
        else:
            text = f"{label.weekday}\n{label.day}"
            if label.month != month:
                text += f"\n{label.month}"
                month = label.month
            texts.append(text)
    return texts


def burnup_figure(burnup: Burnup, labels: Labels) -> Figure:
    """The chart as a figure, laid out so that no two day labels overlap."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    summary = summarize(burnup)
    days = len(burnup.day_labels)
    positions = list(range(1, days + 1))

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    # Fixed margins for this fixed canvas: room for three-line day labels under the axis.
    figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.25)
    axes = figure.subplots()
    axes.step(
        positions, burnup.scope, where="post", color="#8c564b", linewidth=2.5, label=labels.scope
    )
    axes.plot(
        positions,
        ideal_line(burnup),
        linestyle="--",
        color="#7f7f7f",
        linewidth=1.5,
        label=labels.ideal,
    )
    done_x = [p for p, d in zip(positions, burnup.done, strict=True) if d is not None]
    done_y = [d for d in burnup.done if d is not None]
    if done_x:
        axes.plot(done_x, done_y, marker="o", color="#1f77b4", linewidth=3, label=labels.done)
    if burnup.today is not None and summary.elapsed < days and not burnup.closed:
        # The running day: so far, not yet a day's work (a hollow point).
        axes.plot(
            [done_x[-1], summary.elapsed + 1] if done_x else [summary.elapsed + 1],
            [done_y[-1], burnup.today] if done_y else [burnup.today],
            marker="o",
            markerfacecolor="white",
            color="#1f77b4",
            linewidth=1.5,
            markevery=[-1],
        )
    last_x = days
    if summary.forecast_days is not None and summary.elapsed < days:
        finish = summary.forecast_days
        end_x = min(finish, days * 2)  # a very slow pace would flatten the chart
        ended = done_y[-1] if done_y else 0.0
        axes.plot(
            [summary.elapsed, end_x],
            [ended, ended + summary.pace * (end_x - summary.elapsed)],
            linestyle=":",
            color="#1f77b4",
            linewidth=2,
            label=labels.forecast,
        )
        last_x = max(days, math.ceil(end_x))

    # parse_math off: a team name like "$$ Growth" is text, not a formula.
    axes.set_title(labels.title, fontsize=15, loc="left", parse_math=False)
    axes.set_xlabel(labels.x_axis, fontsize=12)
    axes.set_ylabel(labels.y_axis, fontsize=12)
    axes.set_xlim(0.5, last_x + 0.5)
    axes.set_ylim(0, max([*burnup.scope, *done_y, burnup.today or 0, 1]) * 1.1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # points are whole
    axes.tick_params(axis="x", labelsize=TICK_FONT)
    axes.tick_params(axis="y", labelsize=TICK_FONT)
    axes.grid(axis="y", alpha=0.3)
    if last_x > days:  # the forecast runs past the sprint: mark where the sprint ends
        axes.axvline(days, color="#d62728", linewidth=1, alpha=0.6)
    # A burnup rises from the lower left, so the lower right stays clear for the legend.
    axes.legend(loc="lower right", fontsize=11, frameon=True, framealpha=0.9)
    _label_days(figure, axes, positions, burnup.day_labels)
    return figure


def _label_days(
    figure: Figure, axes: Axes, positions: list[int], labels: Sequence[DayLabel | str]
) -> None:
    """Label every working day if they fit side by side; else every second, third… day.
    Measured on the rendered text, so it holds for any language and sprint length."""
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for step in range(1, len(labels) + 1):
        axes.set_xticks(positions, tick_texts(labels, step), ha="center", va="top")
        boxes = [t.get_window_extent(renderer) for t in axes.get_xticklabels() if t.get_text()]
        fits = all(a.x1 + LABEL_GAP_PX <= b.x0 for a, b in zip(boxes, boxes[1:], strict=False))
        if fits and all(box.x0 >= 0 and box.x1 <= figure.bbox.width for box in boxes):
            return


def render_burnup(burnup: Burnup, labels: Labels) -> bytes:
    """The chart as PNG bytes."""
    buffer = io.BytesIO()
    burnup_figure(burnup, labels).savefig(buffer, format="png")
    return buffer.getvalue()
