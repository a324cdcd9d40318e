"""Standups in Slack, for the scheduler and the handlers alike: the prompts at each member's
standup time, one reminder, the day's thread, and blockers in the admin channel (raised at
once, raised again after two working days, resolved by the scrum master).

A DM that fails for one member never stops the others: the Web API client retries 429s and
5xx, and what still fails (a member who left Slack, say) is recorded on the prompt and
reported in the team's admin channel, without names of who did not answer anywhere else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.i18n import language_for, translator
from bot.models import (
    BacklogItem,
    Blocker,
    Person,
    StandupAnswer,
    StandupDay,
    StandupPrompt,
    Team,
)
from bot.mrkdwn import mention
from bot.people_cadence import People
from bot.scheduler import FollowUp, JobSource, Occurrence
from bot.services import standups
from bot.slack import CHANNEL_CLOSED, error_reason, tell_admins
from bot.views.failures import failure_words
from bot.views.standup import answer_reply, blocker_message, prompt_message, thread_parent

log = logging.getLogger(__name__)

PROMPT_STALE = standups.PROMPT_STALE
NEVER_STALE = dt.timedelta(days=3650)
RESEND_AFTER = dt.timedelta(minutes=10)  # a prompt still unsent this long after its job ran


@dataclass
class Standups:
    client: WebClient
    factory: sessionmaker[Session]

    def sources(self) -> list[JobSource]:
        return [self._prompts, self._resends, self._reminders, self._reraises]

    # --- prompts -----------------------------------------------------------------------------

    def _prompts(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        cal = standups.calendar(session, until)
        for due in standups.due_prompts(cal, until, PROMPT_STALE):
            # Who is asked is part of the key: a member who becomes due later at the same
            # instant (back from away, just joined) gets a new occurrence; those already asked
            # are skipped by their prompt rows.
            who = hashlib.sha1(",".join(map(str, sorted(due.day_by_person))).encode()).hexdigest()[
                :12
            ]
            yield Occurrence(
                key=f"standup_prompt:team={due.team.id}:{due.at.isoformat()}:{who}",
                workspace_id=due.team.workspace_id,
                due_at=due.at,
                run=self._prompt_job(due),
                stale_after=PROMPT_STALE,
            )

    def _prompt_job(self, due: standups.Due) -> Callable[[Session, dt.datetime], FollowUp]:
        def run(session: Session, at: dt.datetime) -> FollowUp:
            to_send = standups.record_prompts(session, due, at)
            team = due.team

            def send() -> None:
                self._send_prompts(team, to_send, at, reminder=False)

            return send

        return run

    def _send_prompts(
        self,
        team: Team,
        to_send: list[tuple[int, Person, dt.date]],
        now: dt.datetime,
        *,
        reminder: bool,
    ) -> None:
        """One DM per member, in their language; a failure is recorded and reported, and the
        others go on. Then the day's thread shows the count with these prompts in it."""
        sent: list[int] = []
        failed: dict[int, tuple[Person, str]] = {}
        for prompt_id, person, day in to_send:
            tr = translator(language_for(person.locale, team.language))
            try:
                self.client.chat_postMessage(
                    channel=person.slack_user_id, **prompt_message(tr, team, day, reminder=reminder)
                )
                sent.append(prompt_id)
            except Exception as error:  # noqa: BLE001 - one member's DM never stops the others
                reason = error_reason(error)
                log.warning("standup DM to %s failed: %s", person.slack_user_id, reason)
                failed[prompt_id] = (person, reason)
        with unit_of_work(self.factory, team.workspace_id) as session:
            for prompt in session.scalars(
                select(StandupPrompt).where(StandupPrompt.id.in_([*sent, *failed]))
            ):
                if prompt.id in sent:
                    if reminder:
                        prompt.reminded_at = now
                    else:
                        prompt.sent_at = now
                elif not reminder:
                    prompt.failure = failed[prompt.id][1]
        if not reminder:
            self._redraw_threads(team, {day for _, _, day in to_send}, now)
        self._report_failures(team, list(failed.values()), reminder=reminder, now=now)

    def _report_failures(
        self, team: Team, failed: list[tuple[Person, str]], *, reminder: bool, now: dt.datetime
    ) -> None:
        """Failed DMs, in words, in the admin channel. Someone whose DM failed because they are
        gone from Slack is checked against their profile first: if Slack confirms they left,
        their scrum master is told once (bot.people_cadence), not here every day."""
        gone = [p.slack_user_id for p, reason in failed if reason in standups.GONE_FROM_SLACK]
        if gone:
            People(self.client, self.factory).read_profiles(team.workspace_id, gone, now)
            with unit_of_work(self.factory, team.workspace_id) as session:
                left = set(
                    session.scalars(
                        select(Person.slack_user_id).where(
                            Person.slack_user_id.in_(gone), Person.deleted
                        )
                    )
                )
            failed = [(p, reason) for p, reason in failed if p.slack_user_id not in left]
        if not failed:
            return
        tr = translator(team.language)
        lines = [
            # Translators: {person} is a Slack mention; {reason} says in words what went wrong,
            # e.g. "Slack did not answer in time".
            tr.gettext("{person}: {reason}").format(
                person=mention(person.slack_user_id), reason=failure_words(tr, reason)
            )
            for person, reason in failed
        ]
        text = (
            tr.gettext("I could not send the standup reminder to:")
            if reminder
            else tr.gettext("I could not send the standup prompt to:")
        )
        tell_admins(self.client, team.admin_channel_id, text + "\n" + "\n".join(lines))

    def _redraw_threads(self, team: Team, days: set[dt.date], now: dt.datetime) -> None:
        """The parents of these days' threads, with the count as it now stands. Slack is called
        outside any transaction: an answer published meanwhile draws its own count, so the
        count is read again afterwards and drawn once more if it moved. A redraw that fails
        is logged: the next prompt or answer draws the count again."""

        def threads() -> list[tuple[str, str, dt.date, tuple[int, int]]]:
            with unit_of_work(self.factory, team.workspace_id) as session:
                query = select(StandupDay).where(
                    StandupDay.team_id == team.id,
                    StandupDay.day.in_(days),
                    StandupDay.thread_ts.is_not(None),
                )
                return [
                    (sd.channel_id, sd.thread_ts, sd.day, standups.participation(session, sd, now))
                    for sd in session.scalars(query)
                ]

        drawn = threads()
        for _ in range(2):
            if not drawn:  # no thread yet: the day's first answer draws it
                return
            for channel, ts, day, (answered, asked) in drawn:
                parent = thread_parent(translator(team.language), team, day, answered, asked)
                try:
                    self.client.chat_update(channel=channel, ts=ts, **parent)
                except Exception as error:  # noqa: BLE001 - a count; the next one redraws it
                    log.warning("could not redraw the standup thread of %s: %s", day, error)
            latest = threads()
            if latest == drawn:
                return
            drawn = latest

    def _resends(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        """Prompts recorded but neither sent nor failed a while later: the process stopped
        between the commit and the DMs. They are sent now, while the day still needs them."""
        rows = session.execute(
            select(StandupPrompt.id, StandupPrompt.due_at, StandupPrompt.workspace_id).where(
                StandupPrompt.sent_at.is_(None),
                StandupPrompt.failure.is_(None),
                StandupPrompt.due_at <= until - RESEND_AFTER,
                StandupPrompt.due_at > until - PROMPT_STALE,
            )
        ).all()
        for prompt_id, due_at, workspace_id in rows:
            yield Occurrence(
                key=f"standup_resend:prompt={prompt_id}",
                workspace_id=workspace_id,
                due_at=due_at + RESEND_AFTER,
                run=self._resend_job(prompt_id),
                stale_after=PROMPT_STALE,
            )

    def _resend_job(self, prompt_id: int) -> Callable[[Session, dt.datetime], FollowUp | None]:
        def run(session: Session, at: dt.datetime) -> FollowUp | None:
            prompt = session.scalar(
                select(StandupPrompt).where(StandupPrompt.id == prompt_id).with_for_update()
            )
            if prompt is None or prompt.sent_at is not None or prompt.failure is not None:
                return None
            team = session.get_one(Team, prompt.team_id)
            to_send = [(prompt.id, session.get_one(Person, prompt.person_id), prompt.day)]
            return lambda: self._send_prompts(team, to_send, at, reminder=False)

        return run

    # --- reminders ---------------------------------------------------------------------------

    def _reminders(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        rows = session.execute(
            select(StandupPrompt.team_id, StandupPrompt.due_at, StandupPrompt.workspace_id)
            .where(
                StandupPrompt.sent_at.is_not(None),
                StandupPrompt.reminded_at.is_(None),
                StandupPrompt.due_at > until - dt.timedelta(days=1),
            )
            .distinct()
        ).all()
        if not rows:
            return
        delays = dict(
            session.execute(
                select(Team.id, Team.standup_reminder_minutes).where(
                    Team.id.in_({r.team_id for r in rows})
                )
            ).all()
        )
        for team_id, prompted_at, workspace_id in rows:
            minutes = delays.get(team_id) or 0
            if minutes <= 0:
                continue
            due = prompted_at + dt.timedelta(minutes=minutes)
            if due > until:
                continue
            yield Occurrence(
                key=f"standup_reminder:team={team_id}:{prompted_at.isoformat()}",
                workspace_id=workspace_id,
                due_at=due,
                run=self._reminder_job(team_id, prompted_at),
                stale_after=PROMPT_STALE,
            )

    def _reminder_job(
        self, team_id: int, prompted_at: dt.datetime
    ) -> Callable[[Session, dt.datetime], FollowUp]:
        def run(session: Session, at: dt.datetime) -> FollowUp:
            team = session.get_one(Team, team_id)
            prompts = standups.to_remind(session, team, prompted_at)
            people = {
                p.id: p
                for p in session.scalars(
                    select(Person).where(Person.id.in_([p.person_id for p in prompts]))
                )
            }
            to_send = [(p.id, people[p.person_id], p.day) for p in prompts]

            def send() -> None:
                self._send_prompts(team, to_send, at, reminder=True)

            return send

        return run

    # --- blockers ----------------------------------------------------------------------------

    def _reraises(self, session: Session, until: dt.datetime) -> Iterable[Occurrence]:
        blockers = list(standups.open_blockers(session))
        holidays = standups.team_holidays(
            session, {team.id for _, team in blockers}, (until - dt.timedelta(days=30)).date()
        )
        for blocker, team in blockers:
            due = standups.reraise_due(team, blocker, holidays.get(team.id, frozenset()))
            if due > until:
                continue
            yield Occurrence(
                # A blocker raised anew (the member was blocked again) is a new occurrence.
                key=f"blocker_reraise:blocker={blocker.id}:{blocker.raised_at.isoformat()}",
                workspace_id=blocker.workspace_id,
                due_at=due,
                run=self._reraise_job(blocker.id),
                stale_after=NEVER_STALE,
            )

    def _reraise_job(self, blocker_id: int) -> Callable[[Session, dt.datetime], None]:
        def run(session: Session, at: dt.datetime) -> None:
            blocker = session.scalar(
                select(Blocker).where(Blocker.id == blocker_id).with_for_update()
            )
            if blocker is None or blocker.resolved_at is not None:
                return
            team = session.get_one(Team, blocker.team_id)
            person = session.get_one(Person, blocker.person_id)
            message = blocker_message(
                translator(team.language), team, blocker, person.slack_user_id, again=True
            )
            blocker.reraised_at = at
            try:
                posted = self.client.chat_postMessage(channel=team.admin_channel_id, **message)
            except SlackApiError as error:
                if error_reason(error) not in CHANNEL_CLOSED:
                    raise  # Slack may get over it: the next tick tries again
                # The admin channel is gone for good: raising it again every minute would not
                # reach anyone either. The blocker stays open, on its first card.
                log.warning("blocker %s not raised again: %s", blocker_id, error_reason(error))
                return
            standups.add_card(session, blocker, posted["channel"], posted["ts"], again=True, now=at)

        return run

    def blocker_cards(
        self, session: Session, blocker: Blocker
    ) -> list[tuple[str, str, dict[str, Any]]]:
        """Each of the blocker's cards as it should read now: (channel, ts, message). Resolve
        on any of them shows on all of them."""
        team = session.get_one(Team, blocker.team_id)
        person = session.get_one(Person, blocker.person_id)
        resolver = (
            session.get_one(Person, blocker.resolved_by_id).slack_user_id
            if blocker.resolved_by_id
            else None
        )
        tr = translator(team.language)
        return [
            (
                card.channel_id,
                card.ts,
                blocker_message(
                    tr,
                    team,
                    blocker,
                    person.slack_user_id,
                    again=card.again,
                    resolved_by=resolver,
                ),
            )  # fmt: skip
            for card in standups.cards(session, blocker.id)
        ]

    # --- answers -----------------------------------------------------------------------------

    def publish(self, workspace_id: int, answer_id: int, now: dt.datetime) -> list[str]:
        """Post (or update) an answer in its day's thread, the day's count on the parent, and
        its blocker in the admin channel. Returns problems to tell the member.

        All in one transaction that holds the day's row and the answer's row: a double submit
        or a quick edit waits its turn, so there is one parent, one reply and one blocker post,
        each updated in place afterwards."""
        problems: list[str] = []
        with unit_of_work(self.factory, workspace_id) as session:
            answer = session.scalar(
                select(StandupAnswer).where(StandupAnswer.id == answer_id).with_for_update()
            )
            assert answer is not None
            sd = session.scalar(
                select(StandupDay).where(StandupDay.id == answer.standup_day_id).with_for_update()
            )
            assert sd is not None
            team = session.get_one(Team, sd.team_id)
            person = session.get_one(Person, answer.person_id)
            tr = translator(team.language)
            answered, asked = standups.participation(session, sd, now)
            parent = thread_parent(tr, team, sd.day, answered, asked)
            try:
                if sd.thread_ts is None:  # the day's first answer opens the thread, once
                    reply = self.client.chat_postMessage(channel=team.channel_id, **parent)
                    sd.channel_id, sd.thread_ts = reply["channel"], reply["ts"]
                else:
                    self.client.chat_update(channel=sd.channel_id, ts=sd.thread_ts, **parent)
                titles = list(
                    session.scalars(
                        select(BacklogItem.title).where(BacklogItem.id.in_(answer.item_ids or []))
                    )
                )
                late = (
                    answer.answered_at.astimezone(standups.member_zone(person, team)).date()
                    > sd.day
                )
                message = answer_reply(tr, person.slack_user_id, answer, titles, late)
                if answer.reply_ts:
                    self.client.chat_update(channel=sd.channel_id, ts=answer.reply_ts, **message)
                else:
                    answer.reply_ts = self.client.chat_postMessage(
                        channel=sd.channel_id, thread_ts=sd.thread_ts, **message
                    )["ts"]
            except SlackApiError as error:
                problems.append(error_reason(error))
            blocker = session.scalar(
                select(Blocker).where(Blocker.answer_id == answer.id).with_for_update()
            )
            if blocker is not None:
                try:
                    updates = self.blocker_cards(session, blocker)
                    for channel, ts, b_message in updates:
                        self.client.chat_update(channel=channel, ts=ts, **b_message)
                    if not updates and blocker.resolved_at is None:
                        b_message = blocker_message(tr, team, blocker, person.slack_user_id)
                        posted = self.client.chat_postMessage(
                            channel=team.admin_channel_id, **b_message
                        )
                        standups.add_card(
                            session, blocker, posted["channel"], posted["ts"], again=False,
                            now=now,
                        )  # fmt: skip
                except SlackApiError as error:
                    problems.append(error_reason(error))
        return problems
