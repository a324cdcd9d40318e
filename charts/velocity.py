"""The velocity chart: committed against completed points for a team's last sprints.

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
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class SprintResult:
    label: str  # e.g. "Sprint 12", already localised
    committed: float
    completed: float

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
    language: str = "en"  # the locale of the percentages over the bars


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
    axes.bar_label(
        completed,
        labels=[
            format_percent(r.completion, locale=labels.language) if r.completion is not None else ""
            for r in results
        ],
        fontsize=10,
    )
    axes.set_title(labels.title, fontsize=15, loc="left", parse_math=False)
    axes.set_ylabel(labels.y_axis, fontsize=12)
    axes.set_xticks(positions, [r.label for r in results])
    tallest = max(max(r.committed, r.completed) for r in results)
    axes.set_ylim(0, max(tallest, 1) * 1.2)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # points are whole
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", fontsize=11, frameon=False, ncols=2)
    return figure
