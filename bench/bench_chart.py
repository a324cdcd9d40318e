"""Rendering time of a burnup chart against a plain matplotlib figure of the same size.

Both are rendered to PNG in memory, interleaved in the same run (the machines are noisy), after
a warm-up. Goal (sprint issue): the burnup within 2 times the plain figure, at p50 and p95.

    .venv/bin/python -m bench.bench_chart [--samples N] [--check]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time

from matplotlib.figure import Figure

from charts.burnup import DPI, HEIGHT_IN, WIDTH_IN, Burnup, Labels, render_burnup

GOAL = 2.0
LABELS = Labels("Growth · sprint 12", "Working day", "Points", "Scope", "Done", "Ideal", "Forecast")


def two_week_sprint() -> Burnup:
    days = [f"Day {n}" for n in range(1, 11)]
    scope = [30, 30, 36, 36, 36, 36, 36, 36, 36, 36]
    done: list[float | None] = [2, 5, 9, 12, 14, 18, None, None, None, None]
    return Burnup(days, scope, done)


def plain_figure() -> bytes:
    """The baseline: the same canvas with one line and a title, nothing else."""
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    axes = figure.subplots()
    axes.plot(range(1, 11), [3, 6, 9, 12, 15, 18, 21, 24, 27, 30])
    axes.set_title("Plain")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio misses the goal")
    args = parser.parse_args(argv)
    sprint = two_week_sprint()
    for _ in range(5):  # warm up font caches and the Agg backend
        render_burnup(sprint, LABELS)
        plain_figure()
    ours, plain = [], []
    for _ in range(args.samples):
        ours.append(timed(lambda: render_burnup(sprint, LABELS)))
        plain.append(timed(plain_figure))
    ratios = {
        "p50": statistics.median(ours) / statistics.median(plain),
        "p95": p95(ours) / p95(plain),
    }
    print(f"Burnup chart vs plain figure ({args.samples} samples each, interleaved), ms")
    print(f"burnup p50 {statistics.median(ours):.1f}  p95 {p95(ours):.1f}")
    print(f"plain  p50 {statistics.median(plain):.1f}  p95 {p95(plain):.1f}")
    for name, ratio in ratios.items():
        print(f"ratio {name}: {ratio:.2f} (goal <= {GOAL}): {'yes' if ratio <= GOAL else 'NO'}")
    return 1 if args.check and any(r > GOAL for r in ratios.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
