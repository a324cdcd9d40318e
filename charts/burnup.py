"""The sprint burnup chart: completed points per working day against the scope line, with the
ideal line and a forecast of the finish from the pace so far.

Pure: numbers in, PNG bytes out. Built with matplotlib's object API (a `Figure`, never pyplot,
whose global state does not belong in a server) and rendered in memory. Working days are
plotted as positions with the caller's labels (already localised), so weekends leave no gaps.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from matplotlib.figure import Figure

# Legible on a phone: 800 x 450 px, large type.
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100


@dataclass(frozen=True)
class Burnup:
    """A sprint's numbers, one entry per working day (at the end of that day)."""

    day_labels: list[str]  # every working day of the sprint, e.g. "Mon 23"
    scope: list[float]  # committed points; rises when scope is added mid-sprint
    done: list[float | None]  # completed points; None for days not reached yet

    def __post_init__(self) -> None:
        if not self.day_labels:
            raise ValueError("a sprint has at least one working day")
        if not len(self.day_labels) == len(self.scope) == len(self.done):
            raise ValueError("day_labels, scope and done must have one entry per working day")


@dataclass(frozen=True)
class BurnupSummary:
    """What the chart says, as numbers: for its alt text and the showcase message."""

    days: int
    elapsed: int  # working days with a known `done`
    done: float
    scope: float
    scope_at_start: float
    pace: float  # points per working day so far
    forecast_days: (
        float | None
    )  # working days the whole scope takes at this pace; None: no pace yet

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
    done = known[-1] if known else 0.0
    scope = burnup.scope[max(elapsed - 1, 0)]
    pace = done / elapsed if elapsed else 0.0
    forecast = scope / pace if pace > 0 else None
    return BurnupSummary(
        days=len(burnup.day_labels),
        elapsed=elapsed,
        done=done,
        scope=scope,
        scope_at_start=burnup.scope[0],
        pace=pace,
        forecast_days=forecast,
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


def render_burnup(burnup: Burnup, labels: Labels) -> bytes:
    """The chart as PNG bytes."""
    summary = summarize(burnup)
    days = len(burnup.day_labels)
    positions = list(range(1, days + 1))

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    # Fixed margins for this fixed canvas: a layout engine would re-solve them on every draw.
    figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.2 if days > 10 else 0.14)
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
    last_x = days
    if summary.forecast_days is not None and summary.elapsed < days:
        finish = summary.forecast_days
        end_x = min(finish, days * 2)  # a very slow pace would flatten the chart
        axes.plot(
            [summary.elapsed, end_x],
            [summary.done, summary.done + summary.pace * (end_x - summary.elapsed)],
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
    axes.set_ylim(0, max([*burnup.scope, *done_y, 1]) * 1.1)
    axes.set_xticks(
        positions,
        burnup.day_labels,
        rotation=45 if days > 10 else 0,
        ha="right" if days > 10 else "center",
    )
    axes.tick_params(labelsize=10)
    axes.grid(axis="y", alpha=0.3)
    if last_x > days:  # the forecast runs past the sprint: mark where the sprint ends
        axes.axvline(days, color="#d62728", linewidth=1, alpha=0.6)
    # A burnup rises from the lower left, so the lower right stays clear for the legend.
    axes.legend(loc="lower right", fontsize=11, frameon=True, framealpha=0.9)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
