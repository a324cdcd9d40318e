"""`/agile export`'s CSV files: headers in the reader's language, ISO dates, plain numbers,
formulas written as text."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bot.i18n import translator
from bot.models import Activity, ExperimentDecision, ExperimentResult, ItemKind, ItemStatus
from bot.services.activities import Choice
from bot.services.export import BacklogRow, ExperimentRow, SprintRow, TeamExport
from bot.views.export import cell, export_files

EXPORT = TeamExport(
    team_name="Growth",
    backlog=[
        BacklogRow(
            7,
            '=HYPERLINK("http://x")',
            ItemKind.CAMPAIGN,
            ItemStatus.READY,
            9,
            8,
            5,
            3.4,
            2,
            dt.date(2026, 10, 22),
            Choice("content", Activity.CONTENT),
            8,
        ),
        BacklogRow(
            8,
            'Spring, "quoted" video',
            ItemKind.CONTENT,
            ItemStatus.PROPOSED,
            None,
            None,
            None,
            None,
            0,
            dt.date(2026, 10, 23),
            Choice("17", None, "=Influencers"),  # the team's own words, guarded as text
        ),
    ],
    sprints=[
        SprintRow(1, dt.date(2026, 10, 26), dt.date(2026, 11, 8), "+200 sign-ups", 13, 8, -3, 0.6),
        SprintRow(2, dt.date(2026, 11, 9), dt.date(2026, 11, 22), "Launch", 0, 0, 0, None),
    ],
    experiments=[
        ExperimentRow(
            9,
            "Offer A vs B",
            ItemStatus.DONE,
            "@B doubles clicks",
            "-CTR",
            ExperimentResult.WON,
            "3.4%",
            "Concrete offers win.",
            dt.date(2026, 11, 9),
            ExperimentDecision.SCALE,
            4,  # a variant of experiment 4
        )
    ],
)


def read(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte order mark
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def tables(language: str) -> dict[str, list[list[str]]]:
    return {f.filename: read(f.content) for f in export_files(translator(language), EXPORT)}


def test_three_files_with_their_rows_in_english():
    files = export_files(translator("en"), EXPORT)
    assert [f.filename for f in files] == ["backlog.csv", "sprints.csv", "experiments.csv"]
    assert [f.title for f in files] == [
        "Backlog of Growth",
        "Sprints of Growth",
        "Experiments of Growth",
    ]
    t = tables("en")
    assert t["backlog.csv"][0] == [
        "Id",
        "Title",
        "Kind",
        "Status",
        "Customer value",
        "Business value",
        "Effort points",
        "Score",
        "Votes",
        "Created",
        "Activity",
        "Actual effort points",
    ]
    assert t["backlog.csv"][1][-2:] == ["Content and editorial", "8"]
    assert t["backlog.csv"][2] == [
        "8",
        'Spring, "quoted" video',
        "Content",
        "Awaiting triage",
        "",
        "",
        "",
        "",
        "0",
        "2026-10-23",
        "'=Influencers",
        "",
    ]
    assert t["sprints.csv"][0] == [
        "Sprint",
        "Start date",
        "End date",
        "Goal",
        "Committed points",
        "Completed points",
        "Scope change (points)",
        "Say/do ratio",
    ]
    # Numbers plain (a negative scope change is a number, not a formula); dates ISO.
    assert t["sprints.csv"][1] == [
        "1",
        "2026-10-26",
        "2026-11-08",
        "'+200 sign-ups",
        "13",
        "8",
        "-3",
        "0.6",
    ]
    assert t["sprints.csv"][2][-1] == ""  # nothing committed: no ratio
    assert t["experiments.csv"][0] == [
        "Id",
        "Title",
        "Status",
        "Hypothesis",
        "KPI",
        "Result",
        "KPI value",
        "Learning",
        "Result recorded",
        "Decision",
        "Variant of",
    ]
    assert t["experiments.csv"][1][5:] == [
        "won",
        "3.4%",
        "Concrete offers win.",
        "2026-11-09",
        "Scale",
        "4",
    ]


def test_text_that_would_be_a_formula_is_written_as_text():
    t = tables("en")
    assert t["backlog.csv"][1][1] == '\'=HYPERLINK("http://x")'
    assert t["experiments.csv"][1][3:5] == ["'@B doubles clicks", "'-CTR"]
    assert [cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "plain",
    ]
    assert [cell(v) for v in (-3, 0.6, 1 / 3, None)] == ["-3", "0.6", "0.33", ""]


@pytest.mark.parametrize(
    ("language", "backlog", "sprints", "experiments", "labels"),
    [
        (
            "it",
            ["Titolo", "Tipo", "Stato", "Voti", "Attività", "Punti di sforzo effettivo"],
            ["Punti pianificati", "Punti completati", "Rapporto say/do"],
            ["Ipotesi", "Risultato", "Apprendimento", "Decisione", "Variante di"],
            ["Contenuto", "vinto", "Contenuti e piano editoriale", "Scalare"],
        ),
        (
            "nl",
            ["Titel", "Soort", "Status", "Stemmen", "Activiteit", "Werkelijke inspanningspunten"],
            ["Geplande punten", "Afgeronde punten", "Say/do-ratio"],
            ["Hypothese", "Resultaat", "Leren", "Besluit", "Variant van"],
            ["Content", "gewonnen", "Content en redactie", "Opschalen"],
        ),
    ],
)
def test_headers_and_labels_in_the_readers_language(
    language, backlog, sprints, experiments, labels
):
    t = tables(language)
    english = tables("en")
    for name, words in (
        ("backlog.csv", backlog),
        ("sprints.csv", sprints),
        ("experiments.csv", experiments),
    ):
        header = t[name][0]
        assert set(words) <= set(header), header
        assert len(header) == len(english[name][0])
        # Every header is translated but the few that read the same in both languages.
        same = {h for h in header if h in english[name][0]}
        assert same <= {"Id", "KPI", "Status", "Sprint", "Score"}, same
    everything = str(t)
    assert all(label in everything for label in labels), everything
    # Dates and numbers are the same whatever the language.
    assert t["sprints.csv"][1][1:3] == ["2026-10-26", "2026-11-08"]
    assert t["sprints.csv"][1][-1] == "0.6"
