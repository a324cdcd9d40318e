"""`/agile export` end to end: three CSV files in the requester's DM through files upload v2,
in their language, team-level only; refused to a stakeholder, answered outside a team."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from bot.fields import SprintField
from bot.models import ExperimentResult, ItemKind, WorkState
from bot.services import backlog, experiments, sprints, teams, workspaces
from bot.services.backlog import IdeaDraft, Scores
from bot.services.experiments import ResultDraft
from tests.conftest import (
    ITALIAN,
    MEMBER,
    OTHER_CHANNEL,
    OWNER,
    SCRUM,
    STAKEHOLDER,
    TEAM_CHANNEL,
)
from tests.scenario import all_text, set_up_team, wait_for_response

NOW = dt.datetime(2026, 10, 22, 8, 0, tzinfo=dt.UTC)  # Thursday, 10:00 in Rome
TODAY = dt.date(2026, 10, 22)


@pytest.fixture(autouse=True)
def no_export_pause(monkeypatch):
    monkeypatch.setattr("bot.messaging.export.UPLOAD_PAUSE", 0.0)


@pytest.fixture
def team(slack, clock, read):
    """A team with an experiment (won, learning recorded), a campaign and an idea from a
    stakeholder, and one closed sprint."""
    clock.fixed = NOW
    set_up_team(slack, members=[MEMBER, SCRUM, ITALIAN])

    def fill(session):
        team = teams.team_for_channel(session, TEAM_CHANNEL)
        owner = workspaces.person(session, OWNER)
        ids = []
        for title, kind, hypothesis, kpi in [
            ("Offer A vs offer B", ItemKind.EXPERIMENT, "=B doubles clicks", "Click-through"),
            ("Autumn newsletter", ItemKind.CAMPAIGN, None, None),
        ]:
            draft = IdeaDraft(title, None, kind, hypothesis, kpi, None, None)
            item = backlog.submit_idea(session, team, owner, draft, NOW)
            backlog.accept(session, item.id, owner, Scores(5, 9, 8), NOW)
            ids.append(item.id)
        stake = workspaces.person(session, STAKEHOLDER)
        idea = IdeaDraft("Podcast", None, ItemKind.CONTENT, None, None, None, None)
        backlog.submit_idea(session, team, stake, idea, NOW)
        backlog.toggle_vote(session, ids[1], stake, NOW)
        values = {
            SprintField.GOAL: "200 trial sign-ups",
            SprintField.SERVES: "Q4 objective",
            SprintField.START: "2026-10-22",
            SprintField.LENGTH: "1",
            SprintField.CAPACITY: "10",
            SprintField.ITEMS: [str(i) for i in ids],
        }
        draft = sprints.SprintDraft.validate(values, today=TODAY)
        sprint = sprints.plan(session, team, owner, draft, NOW)
        sprints.start(session, sprint.id, NOW)
        entry = next(
            e
            for e in sprints.entries(session, sprints.get_sprint(session, sprint.id))
            if e.item_id == ids[0]
        )
        sprints.move(
            session, entry.sprint_item_id, workspaces.person(session, MEMBER), WorkState.DONE, NOW
        )
        closed_at = dt.datetime(2026, 10, 23, 14, 0, tzinfo=dt.UTC)
        sprints.close(session, sprint.id, closed_at, actor=workspaces.person(session, SCRUM))
        result = ResultDraft(ExperimentResult.WON, "3.4% vs 1.9%", "Concrete offers win.")
        experiments.record_result(session, ids[0], owner, result, closed_at)
        return team.id

    return read(fill)


def uploaded(double, count=3):
    """The files the app uploaded, by name: (record, rows)."""
    completes = double.calls_to("files.completeUploadExternal")
    assert completes, "no upload completed"
    files = {}
    for record in double.files.values():
        if record["completed"]:
            text = record["bytes"].decode("utf-8-sig")
            files[record["filename"]] = (record, list(csv.reader(io.StringIO(text))))
    assert len(files) == count, files.keys()
    return files


def test_a_member_gets_three_csv_files_in_their_dm(slack, double, team, read):
    answer = slack.command("/agile", "export", user=MEMBER, channel=TEAM_CHANNEL)
    assert answer.status == 200
    slack.settle()

    # Files upload v2: declared, sent, then shared in the member's DM (not the channel).
    assert len(double.calls_to("files.getUploadURLExternal")) == 3
    files = uploaded(double)
    dm = double.dm_channel(MEMBER)
    assert all(record["channels"] == [dm] for record, _ in files.values())
    assert not any(m.get("files") for m in double.messages_in(TEAM_CHANNEL))
    assert "export of Growth" in double.messages_in(MEMBER)[0]["text"]

    backlog_rows = files["backlog.csv"][1]
    assert backlog_rows[0][:4] == ["Id", "Title", "Kind", "Status"]
    titles = {row[1]: row for row in backlog_rows[1:]}
    assert set(titles) == {"Offer A vs offer B", "Autumn newsletter", "Podcast"}
    assert titles["Autumn newsletter"][8] == "1"  # its vote count; never who voted
    assert titles["Podcast"][3] == "Awaiting triage"
    assert titles["Offer A vs offer B"][3] == "Done"
    assert titles["Offer A vs offer B"][9] == "2026-10-22"

    sprint_rows = files["sprints.csv"][1]
    assert sprint_rows[0][-1] == "Say/do ratio"
    # 10 points committed, the experiment's 5 done, no scope change, say/do 0.5.
    assert sprint_rows[1] == [
        "1",
        "2026-10-22",
        "2026-10-28",
        "200 trial sign-ups",
        "10",
        "5",
        "0",
        "0.5",
    ]

    experiment_rows = files["experiments.csv"][1]
    assert len(experiment_rows) == 2
    assert experiment_rows[1][1:] == [
        "Offer A vs offer B",
        "Done",
        "'=B doubles clicks",  # a formula, written as text
        "Click-through",
        "won",
        "3.4% vs 1.9%",
        "Concrete offers win.",
        "2026-10-23",
        "",  # no decision yet
        "",  # not a variant
    ]

    # Nothing per person: no one's name or Slack id anywhere in the files.
    everything = "".join(record["bytes"].decode("utf-8-sig") for record, _ in files.values())
    for person in (OWNER, SCRUM, MEMBER, STAKEHOLDER, ITALIAN):
        assert person not in everything
        assert double.users[person]["real_name"] not in everything

    confirmation = all_text(wait_for_response(double, MEMBER))
    assert "I sent you the export of Growth in your DMs" in confirmation


def test_the_files_speak_the_requesters_language(slack, double, team):
    slack.command("/agile", "export", user=ITALIAN, channel=TEAM_CHANNEL)
    slack.settle()
    files = uploaded(double)
    assert files["backlog.csv"][1][0][1:4] == ["Titolo", "Tipo", "Stato"]
    assert files["experiments.csv"][1][1][5] == "vinto"
    assert files["backlog.csv"][0]["title"] == "Backlog di Growth"
    assert "esportazione" in all_text(wait_for_response(double, ITALIAN)).lower()


def test_a_stakeholder_is_refused_and_nothing_is_uploaded(slack, double, team):
    slack.command("/agile", "export", user=STAKEHOLDER, channel=TEAM_CHANNEL)
    slack.settle()
    refusal = wait_for_response(double, STAKEHOLDER)
    assert refusal["response_type"] == "ephemeral"
    assert "Only the members, the marketing owner and the scrum master" in all_text(refusal)
    assert double.calls_to("files.getUploadURLExternal") == []
    assert double.messages_in(STAKEHOLDER) == []


def test_outside_a_team_channel_it_says_where_to_run_it(slack, double, team):
    slack.command("/agile", "export", user=MEMBER, channel=OTHER_CHANNEL)
    slack.settle()
    assert "Run `/agile export` in your team's channel" in all_text(
        wait_for_response(double, MEMBER)
    )
    assert double.calls_to("files.getUploadURLExternal") == []


def test_a_failed_upload_is_tried_again_then_told_in_words(slack, double, team):
    double.fail_next("files.completeUploadExternal", error="internal_error", times=3)
    slack.command("/agile", "export", user=MEMBER, channel=TEAM_CHANNEL)
    slack.settle()
    assert len(double.calls_to("files.completeUploadExternal", ok=False)) == 3
    text = all_text(wait_for_response(double, MEMBER))
    assert "I could not send the export to your DMs" in text
    assert "internal_error" not in text


def test_owner_and_scrum_master_may_export_too(slack, double, team):
    for count, person in enumerate((OWNER, SCRUM), start=1):
        slack.command("/agile", "export", user=person, channel=TEAM_CHANNEL)
        slack.settle()
        assert "I sent you the export" in all_text(wait_for_response(double, person))
        assert len(double.calls_to("files.completeUploadExternal")) == count


def test_the_help_names_export(slack, double, team):
    text = all_text(slack.command("/agile", "help", user=MEMBER, channel=TEAM_CHANNEL).json)
    assert "/agile export" in text
