"""`/agile export`: a team's export as three CSV files (backlog, sprints, experiments), with
headers and labels in the reader's language, ISO dates and plain numbers (a dot for decimals,
whatever the language, so that every spreadsheet reads them alike)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import Translator
from bot.models import ExperimentResult
from bot.services.export import TeamExport
from bot.views.activities import activity_label
from bot.views.experiments import decision_label
from bot.views.text import kind_label, status_label

# A cell a spreadsheet would read as a formula (CSV injection): it is written with a leading
# quote, so that it shows as the text it is. Tab and carriage return start formulas in some
# spreadsheets too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | dt.date | None


@dataclass(frozen=True)
class CsvFile:
    filename: str
    title: str
    content: bytes


def safe_text(text: str) -> str:
    """Text as a cell: quoted out of a formula if it would start one."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Cell) -> str:
    """One cell: text guarded, numbers plain, dates ISO, nothing empty. Only text is guarded:
    a number such as -3 is a number."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{round(value, 2):g}"
    if isinstance(value, int):
        return str(value)
    return safe_text(value)


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """The CSV text, UTF-8 with a byte order mark so that spreadsheets read accents right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def result_label(tr: Translator, result: ExperimentResult | None) -> str | None:
    if result is None:
        return None
    return {
        ExperimentResult.WON: tr.gettext("won"),
        ExperimentResult.LOST: tr.gettext("lost"),
        ExperimentResult.INCONCLUSIVE: tr.gettext("inconclusive"),
    }[result]


def export_files(tr: Translator, export: TeamExport) -> list[CsvFile]:
    """The backlog, the sprints and the experiments, in this order."""
    return [_backlog(tr, export), _sprints(tr, export), _experiments(tr, export)]


def _title(tr: Translator, what: str, export: TeamExport) -> str:
    # Translators: {what} is what the file holds ("Backlog", "Sprints", "Experiments");
    # {team} is the team's name.
    return tr.gettext("{what} of {team}").format(what=what, team=export.team_name)


def _backlog(tr: Translator, export: TeamExport) -> CsvFile:
    header = [
        tr.gettext("Id"),
        tr.gettext("Title"),
        tr.gettext("Kind"),
        tr.gettext("Status"),
        tr.gettext("Customer value"),
        tr.gettext("Business value"),
        tr.gettext("Effort points"),
        tr.gettext("Score"),
        tr.gettext("Votes"),
        tr.gettext("Created"),
        # Added after the first columns, which stay where spreadsheets built on them expect.
        tr.gettext("Activity"),
        tr.gettext("Actual effort points"),
    ]
    rows = [
        [
            r.item_id,
            r.title,
            kind_label(tr, r.kind),
            status_label(tr, r.status),
            r.customer_value,
            r.business_value,
            r.effort,
            r.score,
            r.votes,
            r.created,
            activity_label(tr, r.activity) if r.activity else None,
            r.actual_effort,
        ]
        for r in export.backlog
    ]
    return CsvFile(
        "backlog.csv", _title(tr, tr.gettext("Backlog"), export), csv_bytes(header, rows)
    )


def _sprints(tr: Translator, export: TeamExport) -> CsvFile:
    header = [
        tr.gettext("Sprint"),
        tr.gettext("Start date"),
        tr.gettext("End date"),
        tr.gettext("Goal"),
        tr.gettext("Committed points"),
        tr.gettext("Completed points"),
        tr.gettext("Scope change (points)"),
        tr.gettext("Say/do ratio"),
    ]
    rows = [
        [r.number, r.start, r.end, r.goal, r.committed, r.completed, r.scope_change, r.say_do]
        for r in export.sprints
    ]
    return CsvFile(
        "sprints.csv", _title(tr, tr.gettext("Sprints"), export), csv_bytes(header, rows)
    )


def _experiments(tr: Translator, export: TeamExport) -> CsvFile:
    header = [
        tr.gettext("Id"),
        tr.gettext("Title"),
        tr.gettext("Status"),
        tr.gettext("Hypothesis"),
        tr.gettext("KPI"),
        tr.gettext("Result"),
        tr.gettext("KPI value"),
        tr.gettext("Learning"),
        tr.gettext("Result recorded"),
        tr.gettext("Decision"),
        tr.gettext("Variant of"),
    ]
    rows = [
        [
            r.item_id,
            r.title,
            status_label(tr, r.status),
            r.hypothesis,
            r.kpi,
            result_label(tr, r.result),
            r.figure,
            r.learning,
            r.recorded,
            decision_label(tr, r.decision) if r.decision else None,
            r.variant_of,  # the parent's Id, as the first column writes it
        ]
        for r in export.experiments
    ]
    return CsvFile(
        "experiments.csv", _title(tr, tr.gettext("Experiments"), export), csv_bytes(header, rows)
    )
