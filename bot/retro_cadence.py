"""Retrospectives on the scheduler: one opens when a sprint closes, voting opens when the
collection window ends, and the results are posted when voting closes. The same message in
the team channel follows each phase; `/retro` and the buttons use the same rendering."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from babel.dates import format_datetime
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import Translator, translator
from bot.models import Person, Retro, RetroState, Sprint, SprintState, Team
from bot.scheduler import FollowUp, JobSource, Occurrence
from bot.services import retros
from bot.services.sprints import zone
from bot.slack import error_reason, tell_admins
from bot.views.failures import failure_words
from bot.views.retro import milestone_message, retro_message

log = logging.getLogger(__name__)

# Slack errors after which a retrospective's message cannot be updated, only posted anew.
GONE = frozenset(
    {"message_not_found", "cant_update_message", "channel_not_found", "is_archived",
     "not_in_channel"}
)  # fmt: skip
OPEN_STALE = dt.timedelta(days=7)  # a retrospective of a sprint long gone is not opened
NEVER_STALE = dt.timedelta(days=3650)


@dataclass(frozen=True)
class RetroUpdate:
    channel: str
    ts: str
    message: dict[str, Any]


@dataclass
class Retros:
    client: WebClient

    def sources(self) -> list[JobSource]:
        return [self._opens, self._votings, self._closes]

    # --- rendering ---------------------------------------------------------------------------

    def message(
        self,
        session: Session,
        retro: Retro,
        results: retros.Results | None = None,
        page: int = 1,
    ) -> dict[str, Any]:
        team = session.get_one(Team, retro.team_id)
        tr = translator(team.language)
        when = retro.voting_at if retro.state is RetroState.COLLECTING else retro.closes_at
        local = _local_time(tr, team, when)
        items = retros.items(session, retro)
        authors: dict[int, str] = {}
        if retro.named:
            ids = {i.author_id for i in items if i.author_id}
            authors = dict(
                session.execute(
                    select(Person.id, Person.slack_user_id).where(Person.id.in_(ids))
                ).all()
            )
        ranked = results.ranked if results else (
            retros.tallies(session, retro) if retro.state is RetroState.CLOSED else None
        )  # fmt: skip
        actions = results.actions if results else []
        if retro.state is RetroState.CLOSED and not results:
            actions = [a for a in retros.open_actions(session, team) if a.retro_id == retro.id]
        return retro_message(
            tr, team, retro, items=items, ranked=ranked,
            actions=actions, earlier_actions=retros.open_actions(session, team, retro.id),
            authors=authors, local_time=local, page=page,
        )  # fmt: skip

    def post(self, session: Session, retro: Retro) -> None:
        """Post the retrospective in the team channel (raises if Slack fails: retried)."""
        team = session.get_one(Team, retro.team_id)
        reply = self.client.chat_postMessage(
            channel=team.channel_id, **self.message(session, retro)
        )
        retro.channel_id, retro.message_ts = reply["channel"], reply["ts"]

    def update(self, session: Session, retro: Retro) -> RetroUpdate | None:
        if not retro.message_ts or not retro.channel_id:
            return None
        return RetroUpdate(retro.channel_id, retro.message_ts, self.message(session, retro))

    def push(self, update: RetroUpdate | None) -> bool:
        if update is None:
            return True
        try:
            self.client.chat_update(channel=update.channel, ts=update.ts, **update.message)
        except Exception as error:  # noqa: BLE001 - saved either way; the caller says so
            log.warning("could not update a retrospective: %s", error)
            return False
        return True

    # --- the scheduler -----------------------------------------------------------------------

    def _opens(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        has_retro = select(Retro.id).where(Retro.sprint_id == Sprint.id).exists()
        sprints = session.scalars(
            select(Sprint).where(
                Sprint.state == SprintState.CLOSED,
                Sprint.closed_at <= until,
                Sprint.closed_at > until - OPEN_STALE,
                ~has_retro,
            )
        )
        for sprint in sprints:
            yield Occurrence(
                key=f"retro_open:sprint={sprint.id}",
                workspace_id=sprint.workspace_id,
                due_at=sprint.closed_at,  # type: ignore[arg-type]
                run=self._open_job(sprint.id),
                stale_after=OPEN_STALE,
            )

    def _open_job(self, sprint_id: int) -> Callable[[Session, dt.datetime], FollowUp | None]:
        def run(session: Session, at: dt.datetime) -> FollowUp | None:
            sprint = session.get_one(Sprint, sprint_id)
            team = session.get_one(Team, sprint.team_id)
            current = retros.current_retro(session, team)
            news = None
            if current is not None:  # an earlier one still open: its results come first
                results = retros.close_retro(session, current.id, at)
                if results is not None:
                    news = self._milestone(session, results.retro, results)
            retro = retros.open_retro(session, team, sprint, at)
            if retro is not None:
                self.post(session, retro)
            return news

        return run

    def _milestone(
        self, session: Session, retro: Retro, results: retros.Results | None = None
    ) -> FollowUp | None:
        """Voting is open, or the results are in: the retrospective's message follows, in
        place, in the phase's transaction (Slack failures raise, and the phase is retried; an
        edit does no harm when repeated). Returns the news for after the commit: a reply in
        the message's thread, sent to the channel too, since an edit notifies no one. Posted
        once, and never holding up the phase. If the message was gone and is posted anew,
        that post is the news."""
        message = self.message(session, retro, results)
        if not self._show(session, retro, message):
            return None
        team = session.get_one(Team, retro.team_id)
        tr = translator(team.language)
        news = milestone_message(
            tr, team, retro, items=len(retros.items(session, retro)),
            actions=len(results.actions) if results else 0,
            local_time=_local_time(tr, team, retro.closes_at),
        )  # fmt: skip
        channel, ts, admin_channel = retro.channel_id, retro.message_ts, team.admin_channel_id

        def tell_the_team() -> None:
            try:
                self.client.chat_postMessage(
                    channel=channel, thread_ts=ts, reply_broadcast=True, **news
                )
            except Exception as error:  # noqa: BLE001 - the message itself is up to date
                log.warning("could not announce a retrospective milestone: %s", error)
                # Translators: {news} is the announcement that could not be posted;
                # {reason} says why, in a few lowercase words.
                text = tr.gettext("I could not tell the team channel: {news} ({reason})").format(
                    news=news["text"], reason=failure_words(tr, error)
                )
                tell_admins(self.client, admin_channel, text)

        return tell_the_team

    def _show(self, session: Session, retro: Retro, message: dict[str, Any]) -> bool:
        """Update the retrospective's message in place (True); if it is gone (deleted, channel
        archived), post it anew (False). Other failures raise, and the phase is retried."""
        if retro.message_ts and retro.channel_id:
            try:
                self.client.chat_update(channel=retro.channel_id, ts=retro.message_ts, **message)
                return True
            except SlackApiError as error:
                if error_reason(error) not in GONE:
                    raise
                log.warning("retrospective %s: its message is gone; posting it again", retro.id)
        team = session.get_one(Team, retro.team_id)
        try:
            reply = self.client.chat_postMessage(channel=team.channel_id, **message)
        except SlackApiError as error:
            if error_reason(error) not in GONE:
                raise
            log.warning("retrospective %s: cannot post in the team channel", retro.id)
            return False
        retro.channel_id, retro.message_ts = reply["channel"], reply["ts"]
        return False

    def _phase(
        self, session: Session, until: dt.datetime, state: RetroState
    ) -> Iterable[tuple[Retro, dt.datetime]]:
        for retro in session.scalars(select(Retro).where(Retro.state == state)):
            due = retro.voting_at if state is RetroState.COLLECTING else retro.closes_at
            if due <= until:
                yield retro, due

    def _votings(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        for retro, due in self._phase(session, until, RetroState.COLLECTING):
            yield Occurrence(
                key=f"retro_voting:retro={retro.id}", workspace_id=retro.workspace_id,
                due_at=due, run=self._voting_job(retro.id), stale_after=NEVER_STALE,
            )  # fmt: skip

    def _voting_job(self, retro_id: int) -> Callable[[Session, dt.datetime], FollowUp | None]:
        def run(session: Session, at: dt.datetime) -> FollowUp | None:
            retro = retros.start_voting(session, retro_id, at)
            if retro is None:
                return None
            return self._milestone(session, retro)  # the items, with their Vote buttons

        return run

    def _closes(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        for retro, due in self._phase(session, until, RetroState.VOTING):
            yield Occurrence(
                key=f"retro_close:retro={retro.id}", workspace_id=retro.workspace_id,
                due_at=due, run=self._close_job(retro.id), stale_after=NEVER_STALE,
            )  # fmt: skip

    def _close_job(self, retro_id: int) -> Callable[[Session, dt.datetime], FollowUp | None]:
        def run(session: Session, at: dt.datetime) -> FollowUp | None:
            results = retros.close_retro(session, retro_id, at)
            if results is None:
                return None
            # The voting message becomes the results, in place (its buttons go), and the
            # team hears of it.
            return self._milestone(session, results.retro, results)

        return run


def _local_time(tr: Translator, team: Team, when: dt.datetime) -> str:
    return format_datetime(when.astimezone(zone(team)), "EEE d MMM HH:mm", locale=tr.language)
