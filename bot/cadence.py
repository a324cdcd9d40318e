"""The sprint's milestones in Slack, for the scheduler and the commands alike: the start
announcement, the board kept up to date, the daily snapshot, the close with its showcase and
charts, and the owner's questions about finished experiments.

Scheduled work runs inside the transaction that claims it (bot.scheduler): a Slack failure
that matters (the announcement, the showcase text) raises, the claim is rolled back with
everything else, and the next tick tries again. What follows the main post (charts, the board,
DMs) is retried here and reported in the team's admin channel if it still fails; it never
undoes the post.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import Translator, language_for, translator
from bot.models import BacklogItem, ItemKind, Sprint, SprintState, Team
from bot.mrkdwn import esc
from bot.scheduler import FollowUp, JobSource, Occurrence
from bot.services import sprints
from bot.services.sprints import Closed
from bot.slack import CHANNEL_CLOSED, error_reason, tell_admins
from bot.views.charts import Chart, burnup_chart, velocity_chart
from bot.views.experiments import result_request
from bot.views.failures import failure_words
from bot.views.sprint import Board, board_message, showcase_message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BoardUpdate:
    sprint_id: int
    channel: str
    ts: str
    message: dict[str, Any]


UPLOAD_ATTEMPTS = 3
NEVER_STALE = dt.timedelta(days=3650)
SNAPSHOT_STALE = dt.timedelta(days=28)  # the ledger makes a late snapshot exact


@dataclass
class Cadence:
    client: WebClient
    retry_pause: float = 2.0  # seconds between chart upload attempts

    # --- what the scheduler runs -------------------------------------------------------------

    def sources(self) -> list[JobSource]:
        return [self._closes, self._starts, self._snapshots]

    def _open_sprints(self, session: Session) -> Iterable[tuple[Sprint, Team]]:
        rows = session.execute(
            select(Sprint, Team)
            .join(Team, Team.id == Sprint.team_id)
            .where(Sprint.state.in_([SprintState.PLANNED, SprintState.ACTIVE]))
        )
        return rows.tuples().all()

    def _starts(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        for sprint, team in self._open_sprints(session):
            if sprint.state is not SprintState.PLANNED:
                continue
            due = sprints.starts_at(team, sprint)
            if due > until:
                continue
            yield Occurrence(
                key=f"sprint_start:sprint={sprint.id}",
                workspace_id=sprint.workspace_id,
                due_at=due,
                run=self._start_job(sprint.id),
                # Still worth announcing while the sprint runs; after that, the close does it.
                stale_after=sprints.closes_at(team, sprint) - due,
            )

    def _snapshots(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        for sprint, team in self._open_sprints(session):
            if sprint.state is not SprintState.ACTIVE:
                continue
            # The last working day closed by `until` (the close takes the sprint's last one);
            # its snapshot job also fills any day missed while the scheduler was down.
            days = [
                d
                for d in sprints.working_days(team, sprint)[:-1]
                if sprints.snapshot_at(team, d) <= until
            ]
            if not days:
                continue
            day = days[-1]
            yield Occurrence(
                key=f"sprint_snapshot:sprint={sprint.id}:{day.isoformat()}",
                workspace_id=sprint.workspace_id,
                due_at=sprints.snapshot_at(team, day),
                run=self._snapshot_job(sprint.id, day),
                stale_after=SNAPSHOT_STALE,
            )

    def _closes(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        for sprint, team in self._open_sprints(session):
            due = sprints.closes_at(team, sprint)
            if due > until:
                continue
            yield Occurrence(
                key=f"sprint_close:sprint={sprint.id}",
                workspace_id=sprint.workspace_id,
                due_at=due,
                run=self._close_job(sprint.id),
                stale_after=NEVER_STALE,  # a sprint always closes, however late
            )

    def _start_job(self, sprint_id: int) -> Callable[[Session, dt.datetime], None]:
        def run(session: Session, at: dt.datetime) -> None:
            sprint = sprints.start(session, sprint_id, at)
            if sprint is not None:
                self.announce(session, sprint, at)

        return run

    def _snapshot_job(self, sprint_id: int, day: dt.date) -> Callable[[Session, dt.datetime], None]:
        def run(session: Session, at: dt.datetime) -> None:
            sprint = sprints.get_sprint(session, sprint_id)
            if sprint.state is SprintState.ACTIVE:
                team = session.get_one(Team, sprint.team_id)
                sprints.take_snapshots(session, team, sprint, sprints.snapshot_at(team, day), at)

        return run

    def _close_job(self, sprint_id: int) -> Callable[[Session, dt.datetime], FollowUp | None]:
        def run(session: Session, at: dt.datetime) -> FollowUp | None:
            closed = sprints.close(session, sprint_id, at)
            return None if closed is None else self.showcase(session, closed, at)

        return run

    # --- the board ---------------------------------------------------------------------------

    def board(self, session: Session, team: Team, sprint: Sprint, now: dt.datetime) -> Board:
        return Board(
            team=team,
            sprint=sprint,
            entries=sprints.entries(session, sprint),
            totals=sprints.totals(session, sprint.id),
            days_left=sprints.days_left(team, sprint, now),
            working_days=len(sprints.working_days(team, sprint)),
        )

    def announce(self, session: Session, sprint: Sprint, now: dt.datetime) -> None:
        """The sprint starts: its goal and committed items in the team channel, as the board
        that the team then moves items on. Raises if Slack fails for now (the start is retried
        on the next tick); if the channel is gone for good, the sprint starts anyway and the
        admin channel is told."""
        team = session.get_one(Team, sprint.team_id)
        tr = translator(team.language)
        message = board_message(
            tr,
            self.board(session, team, sprint, now),
            headline=":rocket: " + tr.gettext("*The sprint starts!*"),
        )
        reply = self._post_or_report(team, tr, team.channel_id, message, sprint)
        if reply is not None:
            sprint.message_channel_id = reply["channel"]
            sprint.message_ts = reply["ts"]

    def board_update(
        self, session: Session, sprint: Sprint, now: dt.datetime
    ) -> BoardUpdate | None:
        """The board as it should read now, to push with `push_board` once the transaction
        is over (a Slack call never holds a transaction open)."""
        if not sprint.message_ts or not sprint.message_channel_id:
            return None
        team = session.get_one(Team, sprint.team_id)
        tr = translator(team.language)
        headline = (
            ":checkered_flag: " + tr.gettext("*This sprint is closed.*")
            if sprint.state is SprintState.CLOSED
            else ":rocket: " + tr.gettext("*The sprint is running.*")
        )
        message = board_message(tr, self.board(session, team, sprint, now), headline=headline)
        return BoardUpdate(sprint.id, sprint.message_channel_id, sprint.message_ts, message)

    def push_board(self, update: BoardUpdate | None) -> bool:
        """Redraw the board in the channel. False when Slack refused (logged)."""
        if update is None:
            return True
        try:
            self.client.chat_update(channel=update.channel, ts=update.ts, **update.message)
        except Exception as error:  # noqa: BLE001 - the change is saved; the caller says so
            log.warning("could not update the board of sprint %s: %s", update.sprint_id, error)
            return False
        return True

    # --- the close ---------------------------------------------------------------------------

    def showcase(self, session: Session, closed: Closed, now: dt.datetime) -> FollowUp:
        """Post the showcase where the team configured it, in the close's transaction (if
        Slack fails for now, the close is retried). Returns the follow-up to run after the
        commit: the charts, the closed board, and the owner's questions about finished
        experiments, each retried or reported, none able to undo the close."""
        team, sprint = closed.team, closed.sprint
        tr = translator(team.language)
        burnup = burnup_chart(tr, team, sprint, sprints.burnup_data(session, team, sprint, now))
        outcomes = sprints.outcomes(session, team)
        velocity = velocity_chart(tr, team, outcomes) if outcomes else None
        channel = team.showcase_channel_id or team.channel_id
        reply = self._post_or_report(
            team, tr, channel, showcase_message(tr, closed, burnup.alt_text), sprint
        )
        if reply is not None:
            sprint.showcase_channel_id, sprint.showcase_ts = reply["channel"], reply["ts"]
        board = self.board_update(session, sprint, now)
        request = self._result_request(session, closed)

        def follow_up() -> None:
            if reply is not None:
                self.upload(team, tr, burnup, channel)
                if velocity is not None:
                    self.upload(team, tr, velocity, channel, reply["ts"])
            self.push_board(board)
            if request is not None:
                self._send_result_request(team, tr, closed.sprint.number, request)

        return follow_up

    def _result_request(self, session: Session, closed: Closed) -> dict[str, Any] | None:
        finished = [e for e in closed.finished if e.kind is ItemKind.EXPERIMENT]
        if not finished:
            return None
        items = session.scalars(
            select(BacklogItem).where(BacklogItem.id.in_([e.item_id for e in finished]))
        ).all()
        # Addressed to one person: in the owner's language (their Slack locale), else the team's.
        owner = closed.team.owner
        tr = translator(language_for(owner.locale, closed.team.language))
        return result_request(tr, closed.team, closed.sprint, items)

    def _send_result_request(
        self, team: Team, tr: Translator, number: int, message: dict[str, Any]
    ) -> None:
        owner = team.owner.slack_user_id
        try:
            self.client.chat_postMessage(channel=owner, **message)
        except Exception as error:  # noqa: BLE001 - reported to the scrum master's channel
            log.warning("could not ask %s for results: %s", owner, error_reason(error))
            tell_admins(
                self.client,
                team.admin_channel_id,
                # Translators: {owner} is a Slack user id inside Slack's mention markup <@…>, which
                # stays as it is; {number} is the sprint's number; {reason} says why, in a few
                # lowercase words such as "the channel is archived".
                tr.gettext(
                    "I could not ask <@{owner}> for the results of sprint {number}'s "
                    "experiments ({reason})."
                ).format(owner=owner, number=number, reason=failure_words(tr, error)),
            )

    def _post_or_report(
        self, team: Team, tr: Translator, channel: str, message: dict[str, Any], sprint: Sprint
    ) -> Any:
        """Post a milestone message. A failure Slack may get over (rate limits, outages)
        raises, so the milestone is retried on the next tick; a channel that is gone for good
        is reported in the admin channel instead, and the milestone goes on without it."""
        try:
            return self.client.chat_postMessage(channel=channel, **message)
        except SlackApiError as error:
            if error_reason(error) not in CHANNEL_CLOSED:
                raise
            log.warning("could not post in %s: %s", channel, error_reason(error))
            tell_admins(
                self.client,
                team.admin_channel_id,
                # Translators: {number} is the sprint's number; {channel} is a Slack channel id
                # inside Slack's link markup <#…>, which stays as it is; {reason} says why, in a
                # few lowercase words such as "the channel is archived".
                tr.gettext(
                    "I could not post the update of sprint {number} in <#{channel}> ({reason}). "
                    "Invite me there, or choose another channel in `/agile setup`."
                ).format(number=sprint.number, channel=channel, reason=failure_words(tr, error)),
            )
            return None

    # --- files and reports -------------------------------------------------------------------

    def upload(
        self,
        team: Team,
        tr: Translator,
        chart: Chart,
        channel: str,
        thread_ts: str | None = None,
    ) -> bool:
        """Upload a chart (files upload v2), retried; reported in the admin channel if it
        still fails. Never raises: the text it belongs with is already posted."""
        error: Exception | None = None
        png: bytes | None = None
        for attempt in range(1, UPLOAD_ATTEMPTS + 1):
            try:
                png = png if png is not None else chart.render()
                args: dict[str, Any] = {
                    "channel": channel,
                    "file": png,
                    "filename": chart.filename,
                    "title": chart.title,
                    "alt_txt": chart.alt_text,
                }
                if thread_ts:
                    args["thread_ts"] = thread_ts
                self.client.files_upload_v2(**args)
                return True
            except Exception as exc:  # noqa: BLE001 - retried, then reported
                error = exc
                log.warning("upload of %s failed (attempt %d): %s", chart.filename, attempt, exc)
                if attempt < UPLOAD_ATTEMPTS:
                    time.sleep(self.retry_pause * attempt)
        tell_admins(
            self.client,
            team.admin_channel_id,
            # Translators: {title} is the chart's title; {channel} is a Slack channel id inside
            # Slack's link markup <#…>, which stays as it is; {reason} says why, in a few
            # lowercase words such as "the channel is archived".
            tr.gettext("I could not upload the chart “{title}” to <#{channel}> ({reason}).").format(
                title=esc(chart.title), channel=channel, reason=failure_words(tr, error)
            ),
        )
        return False
