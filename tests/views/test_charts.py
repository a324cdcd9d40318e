"""The charts' words before any pixel: titles, file names and the alt text that says the numbers
(for screen readers and phones that do not load images), in the reader's language and numbers,
within the length Slack takes. Nothing here renders a figure: that is tests/charts/test_charts.py."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.i18n import LANGUAGES, translator
from bot.services.sprints import BurnupData, SprintOutcome
from bot.views.charts import ALT_TEXT_MAX, burnup_chart, velocity_chart
from tests.views.factories import MONDAY, sprint, team

EN, IT, NL = (translator(language) for language in LANGUAGES)
DAYS = [MONDAY + dt.timedelta(days=n) for n in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)]


def burnup(
    done: list[float | None], today: float | None = None, closed: bool = False
) -> BurnupData:
    return BurnupData(DAYS, [20.0] * 10, done + [None] * (10 - len(done)), today, closed)


@pytest.mark.parametrize(
    "language, title, alt",
    [
        (
            "en",
            "Growth · Sprint 4: burnup",
            "Burnup chart: 6 of 20 points completed after 2 of 10 working days; the scope was 20 "
            "points at the start. At this pace (2.5 points a day) the scope is finished within the "
            "sprint.",
        ),
        (
            "it",
            "Growth · Sprint 4: burnup",
            "Grafico burnup: 6 di 20 punti completati dopo 2 di 10 giorni lavorativi; all'inizio lo "
            "scope era di 20 punti. A questo ritmo (2,5 punti al giorno) lo scope viene completato "
            "entro lo sprint.",
        ),
        (
            "nl",
            "Growth · Sprint 4: burnup",
            "Burnupgrafiek: 6 van 20 punten afgerond na 2 van 10 werkdagen; bij de start was de "
            "scope 20 punten. In dit tempo (2,5 punten per dag) is de scope binnen de sprint af.",
        ),
    ],
    ids=LANGUAGES,
)
def test_the_burnup_says_its_numbers_in_the_readers_language(language, title, alt):
    chart = burnup_chart(translator(language), team(), sprint(), burnup([2.0, 5.0], today=6.0))
    assert (chart.title, chart.filename) == (title, "burnup-sprint-4.png")
    assert chart.alt_text == alt


def test_a_sprint_behind_its_pace_is_told_how_long_the_scope_needs():
    alt = burnup_chart(IT, team(), sprint(), burnup([1.5, 3.0, 4.5])).alt_text
    assert alt.endswith(
        "A questo ritmo (1,5 punti al giorno) lo scope richiede 13,3 giorni lavorativi: più di "
        "quelli dello sprint."
    )


@pytest.mark.parametrize(
    "language, one, half, behind",
    [
        (
            "en",
            "At this pace (1 point a day) the scope is finished within the sprint.",
            "At this pace (0.5 points a day) the scope is finished within the sprint.",
            "At this pace (1 point a day) the scope needs 20 working days: more than the sprint "
            "has.",
        ),
        (
            "it",
            "A questo ritmo (1 punto al giorno) lo scope viene completato entro lo sprint.",
            "A questo ritmo (0,5 punti al giorno) lo scope viene completato entro lo sprint.",
            "A questo ritmo (1 punto al giorno) lo scope richiede 20 giorni lavorativi: più di "
            "quelli dello sprint.",
        ),
        (
            "nl",
            "In dit tempo (1 punt per dag) is de scope binnen de sprint af.",
            "In dit tempo (0,5 punten per dag) is de scope binnen de sprint af.",
            "In dit tempo (1 punt per dag) heeft de scope 20 werkdagen nodig: meer dan de sprint "
            "heeft.",
        ),
    ],
    ids=LANGUAGES,
)
def test_the_pace_agrees_with_its_number(language, one, half, behind):
    tr = translator(language)

    def alt(scope: float, done: list[float]) -> str:
        data = BurnupData(DAYS, [scope] * 10, done + [None] * (10 - len(done)), None, False)
        return burnup_chart(tr, team(), sprint(), data).alt_text

    assert alt(8.0, [1.0, 2.0]).endswith(" " + one)
    assert alt(4.0, [0.5, 1.0]).endswith(" " + half)
    assert alt(20.0, [1.0, 2.0]).endswith(" " + behind)


def test_nothing_to_forecast_before_the_first_day_ends_or_after_the_close():
    assert burnup_chart(EN, team(), sprint(), burnup([])).alt_text.endswith(
        "the scope was 20 points at the start."
    )
    closed = burnup_chart(EN, team(), sprint(), burnup([2.0] * 10, closed=True)).alt_text
    assert closed.startswith("Burnup chart: 2 of 20 points completed after 10 of 10 working days")
    assert "pace" not in closed
    idle = burnup_chart(EN, team(), sprint(), burnup([0.0, 0.0])).alt_text
    assert idle.endswith("Nothing is completed yet, so there is no forecast.")


@pytest.mark.parametrize(
    "language, alt",
    [
        (
            "en",
            "Velocity chart, committed against completed points. Sprint 1: 8 of 10 points, "
            "say/do 70%; Sprint 2: 12 of 12 points, say/do 100%; Sprint 3: 2 of 0 points, "
            "say/do –",
        ),
        (
            "it",
            "Grafico della velocity, punti pianificati rispetto ai punti completati. "
            "Sprint 1: 8 di 10 punti, say/do 70%; Sprint 2: 12 di 12 punti, say/do 100%; "
            "Sprint 3: 2 di 0 punti, say/do –",
        ),
        (
            "nl",
            "Velocitygrafiek, geplande tegenover afgeronde punten. Sprint 1: 8 van 10 punten, "
            "say/do 70%; Sprint 2: 12 van 12 punten, say/do 100%; Sprint 3: 2 van 0 punten, "
            "say/do –",
        ),
    ],
    ids=LANGUAGES,
)
def test_the_velocity_says_committed_against_completed_for_each_sprint(language, alt):
    # Sprint 1 finished 7 of its 10 committed points and 1 added; sprint 3 committed nothing.
    outcomes = [SprintOutcome(1, 10, 8, 7), SprintOutcome(2, 12, 12, 12), SprintOutcome(3, 0, 2)]
    chart = velocity_chart(translator(language), team(), outcomes)
    assert (chart.title, chart.filename) == ("Growth: velocity", "velocity.png")
    assert chart.alt_text == alt


def test_big_numbers_are_grouped_the_readers_way():
    outcomes = [SprintOutcome(1, 12_000, 10_500)]
    assert "10,500 of 12,000 points" in velocity_chart(EN, team(), outcomes).alt_text
    assert "10.500 van 12.000 punten" in velocity_chart(NL, team(), outcomes).alt_text


@pytest.mark.parametrize("language", LANGUAGES)
def test_alt_texts_fit_slacks_upload_limit(language):
    tr = translator(language)
    long_name = team(name="n" * 80)
    outcomes = [SprintOutcome(n, 10**6 + n, 10**6 - n) for n in range(1000, 1100)]
    assert len(velocity_chart(tr, long_name, outcomes).alt_text) <= ALT_TEXT_MAX
    slow = BurnupData(DAYS * 2, [1e6] * 20, [0.5] + [None] * 19, today=0.7)
    assert len(burnup_chart(tr, long_name, sprint(number=10**6), slow).alt_text) <= ALT_TEXT_MAX
