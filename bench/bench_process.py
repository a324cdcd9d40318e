"""What one `agilebot tick` costs as a whole process, against a process that only imports the
libraries the bot stands on.

A host's scheduler (cron, Heroku Scheduler) may start `agilebot tick` every minute, and each
start pays for everything the process imports. So: `python -m bot tick --at ...` with nothing
due, on a fresh SQLite database migrated once before timing, against the baseline
`python -c "import slack_bolt, sqlalchemy, apscheduler"`, the same interpreter started the same
way. Runs are paired (ours, then the baseline, the order swapped every round) after one untimed
run of each, and each child's CPU time (user + system) and peak memory (maxrss) come from the
kernel through `os.wait4`. Goal: medians at most 1.5 times the baseline's, for both.

    .venv/bin/python -m bench.bench_process [--runs N] [--check]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).resolve().parent / "results"
GOAL = 1.5
TICK_AT = "2026-11-23T09:00:00+00:00"
BASELINE = "import slack_bolt, sqlalchemy, apscheduler"


@dataclass(frozen=True)
class Usage:
    cpu_seconds: float
    maxrss_mb: float


def measured(command: list[str], env: dict[str, str], cwd: Path) -> Usage:
    """Run `command` to its end and return what the kernel counted for it alone."""
    with subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as child:
        errors = child.stderr.read()  # to the end: the child has exited or is about to
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{errors}")
    # On Linux ru_maxrss is in kilobytes.
    return Usage(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def paired_runs(runs: int) -> tuple[list[Usage], list[Usage]]:
    """`runs` ticks and `runs` baselines, interleaved, on a database migrated beforehand."""
    with tempfile.TemporaryDirectory(prefix="agilebot-process-") as tmp:
        cwd = Path(tmp)  # no `.env` here
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": f"sqlite:///{cwd / 'bench.db'}",
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing is due: Slack is never called
        }
        env.pop("SLACK_APP_TOKEN", None)
        tick = [sys.executable, "-m", "bot", "tick", "--at", TICK_AT]
        baseline = [sys.executable, "-c", BASELINE]
        measured([sys.executable, "-m", "bot", "migrate"], env, cwd)
        measured(tick, env, cwd)  # untimed: bytecode compiled, files in the disk cache
        measured(baseline, env, cwd)
        ours: list[Usage] = []
        base: list[Usage] = []
        for round_ in range(runs):
            pair = [(tick, ours), (baseline, base)]
            if round_ % 2:  # the order swaps every round, so a drift hits both alike
                pair.reverse()
            for command, samples in pair:
                samples.append(measured(command, env, cwd))
        return ours, base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each (default 10)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a ratio misses 1.5")
    args = parser.parse_args(argv)
    ours, base = paired_runs(args.runs)
    print(f"`agilebot tick` (nothing due) against `python -c {BASELINE!r}`, {args.runs} runs each")
    print(f"{'median':<18}{'tick':>8}{'baseline':>10}{'ratio':>8}  ok? (goal <= {GOAL})")
    summary = {}
    for label, field in (("CPU user+sys (s)", "cpu_seconds"), ("peak memory (MB)", "maxrss_mb")):
        tick = statistics.median(getattr(u, field) for u in ours)
        baseline = statistics.median(getattr(u, field) for u in base)
        ratio = tick / baseline
        summary[field] = {"tick": tick, "baseline": baseline, "ratio": ratio}
        print(
            f"{label:<18}{tick:>8.2f}{baseline:>10.2f}{ratio:>8.2f}  "
            f"{'yes' if ratio <= GOAL else 'NO'}"
        )
    RESULTS_DIR.mkdir(exist_ok=True)
    samples = {"tick": [asdict(u) for u in ours], "baseline": [asdict(u) for u in base]}
    (RESULTS_DIR / "process.json").write_text(
        json.dumps({"runs": args.runs, "summary": summary, "samples": samples}, indent=1)
    )
    return 1 if args.check and any(r["ratio"] > GOAL for r in summary.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
