"""Standups in Slack: the prompts and reminders in each participant's DMs, the day's thread
with its count and answers (each under the questions it answered), and blocker cards in the
admin channel.

A DM that fails for one member never stops the others: the Web API client retries 429s and
5xx, and what still fails (a member who left Slack, say) is recorded on the prompt and
reported in the team's admin channel, without names of who did not answer anywhere else.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.i18n import language_for, translator
from bot.messaging import MessageUpdate, dm_once, post_once
from bot.messaging.people import read_profiles
from bot.metrics import FANOUT_SECONDS
from bot.models import BacklogItem, Blocker, Person, StandupAnswer, StandupDay, StandupPrompt, Team
from bot.mrkdwn import mention
from bot.services import standups
from bot.slack import CHANNEL_CLOSED, error_reason, tell_admins
from bot.views.failures import failure_words
from bot.views.standup import answer_reply, blocker_message, prompt_message, thread_parent

log = logging.getLogger(__name__)

# (prompt id, the member, the day they are asked about)
ToSend = list[tuple[int, Person, dt.date]]


# --- prompts and reminders -------------------------------------------------------------------


def send_prompts(
    client: WebClient,
    factory: sessionmaker[Session],
    team: Team,
    to_send: ToSend,
    now: dt.datetime,
    *,
    reminder: int,
    questions: int,
    look_first: bool = False,
) -> None:
    """One DM per person, in their language: the prompt, or reminder number `reminder`; a
    failure is recorded and reported, and the others go on. Then the day's thread shows the
    count with these prompts in it.

    Each DM carries its prompt's key in its metadata. One whose answer Slack lost is looked
    for in the DM before it counts as failed; with `look_first` (prompts recorded but not sent:
    a process stopped while it sent them, perhaps after some went), each is looked for before
    it is sent. Neither goes twice."""
    sent: list[int] = []
    failed: dict[int, tuple[Person, str]] = {}
    started = time.perf_counter()
    weekly = standups.is_weekly(team)
    for prompt_id, person, day in to_send:
        tr = translator(language_for(person.locale, team.language))
        message = prompt_message(
            tr, team, day, reminder=bool(reminder), questions=questions, weekly=weekly
        )
        tag = f"standup_prompt/{prompt_id}" + (f"/reminder={reminder}" if reminder else "")
        try:
            dm_once(client, person.slack_user_id, message, tag=tag, look_first=look_first)
            sent.append(prompt_id)
        except Exception as error:  # noqa: BLE001 - one person's DM never stops the others
            reason = error_reason(error)
            log.warning("standup DM to %s failed: %s", person.slack_user_id, reason)
            failed[prompt_id] = (person, reason)
    FANOUT_SECONDS.labels(kind="reminders" if reminder else "prompts").observe(
        time.perf_counter() - started
    )
    with unit_of_work(factory, team.workspace_id) as session:
        for prompt in session.scalars(
            select(StandupPrompt).where(StandupPrompt.id.in_([*sent, *failed]))
        ):
            if prompt.id in sent:
                if reminder:
                    prompt.reminded_at, prompt.reminders_sent = now, reminder
                else:
                    prompt.sent_at = now
            elif not reminder:
                prompt.failure = failed[prompt.id][1]
    if not reminder:
        redraw_threads(client, factory, team, {day for _, _, day in to_send}, now)
    _report_failures(client, factory, team, list(failed.values()), reminder=bool(reminder), now=now)


def _report_failures(
    client: WebClient,
    factory: sessionmaker[Session],
    team: Team,
    failed: list[tuple[Person, str]],
    *,
    reminder: bool,
    now: dt.datetime,
) -> None:
    """Failed DMs, in words, in the admin channel. Someone whose DM failed because they are
    gone from Slack is checked against their profile first: if Slack confirms they left,
    their scrum master is told once (bot.jobs.people), not here every day."""
    gone = [p.slack_user_id for p, reason in failed if reason in standups.GONE_FROM_SLACK]
    if gone:
        read_profiles(client, factory, team.workspace_id, gone, now)
        with unit_of_work(factory, team.workspace_id) as session:
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
    tell_admins(client, team.admin_channel_id, text + "\n" + "\n".join(lines))


def redraw_threads(
    client: WebClient,
    factory: sessionmaker[Session],
    team: Team,
    days: set[dt.date],
    now: dt.datetime,
) -> None:
    """The parents of these days' threads, with the count as it now stands. No row holds
    these edits in order (bot.messaging): an answer published meanwhile draws its own count,
    so the count is read again afterwards and drawn once more if it moved. A redraw that
    fails is logged: the next prompt or answer draws the count again."""

    def threads() -> list[tuple[str, str, dt.date, tuple[int, int]]]:
        with unit_of_work(factory, team.workspace_id) as session:
            query = select(StandupDay).where(
                StandupDay.team_id == team.id,
                StandupDay.day.in_(days),
                StandupDay.thread_ts.is_not(None),
            )
            return [
                (sd.channel_id, sd.thread_ts, sd.day, standups.participation(session, sd, now))
                for sd in session.scalars(query)
                if sd.channel_id and sd.thread_ts
            ]

    drawn = threads()
    for _ in range(2):
        if not drawn:  # no thread yet: the day's first answer draws it
            return
        weekly = standups.is_weekly(team)
        for channel, ts, day, (answered, asked) in drawn:
            parent = thread_parent(
                translator(team.language), team, day, answered, asked, weekly=weekly
            )
            try:
                client.chat_update(channel=channel, ts=ts, **parent)
            except Exception as error:  # noqa: BLE001 - a count; the next one redraws it
                log.warning("could not redraw the standup thread of %s: %s", day, error)
        latest = threads()
        if latest == drawn:
            return
        drawn = latest


# --- blockers --------------------------------------------------------------------------------


def raise_again(client: WebClient, session: Session, blocker: Blocker, at: dt.datetime) -> None:
    """A blocker still open after two working days: a new card in the admin channel, in the
    reraise's transaction (a failure Slack may get over raises, and the next tick tries
    again). If the admin channel is gone for good, raising it every minute would not reach
    anyone either: the blocker stays open, on its first card."""
    team = session.get_one(Team, blocker.team_id)
    person = session.get_one(Person, blocker.person_id)
    message = blocker_message(
        translator(team.language), team, blocker, person.slack_user_id, again=True
    )
    blocker.reraised_at = at
    try:
        posted = post_once(client, session, team.admin_channel_id, message, part="blocker")
    except SlackApiError as error:
        if error_reason(error) not in CHANNEL_CLOSED:
            raise
        log.warning("blocker %s not raised again: %s", blocker.id, error_reason(error))
        return
    standups.add_card(session, blocker, posted["channel"], posted["ts"], again=True, now=at)


def blocker_cards(session: Session, blocker: Blocker) -> list[MessageUpdate]:
    """Each of the blocker's cards as it should read now. Resolve on any of them shows on
    all of them."""
    team = session.get_one(Team, blocker.team_id)
    person = session.get_one(Person, blocker.person_id)
    resolver = (
        session.get_one(Person, blocker.resolved_by_id).slack_user_id
        if blocker.resolved_by_id
        else None
    )
    tr = translator(team.language)
    return [
        MessageUpdate(
            card.channel_id,
            card.ts,
            blocker_message(
                tr, team, blocker, person.slack_user_id, again=card.again, resolved_by=resolver
            ),
        )
        for card in standups.cards(session, blocker.id)
    ]


# --- answers ---------------------------------------------------------------------------------


def publish(
    client: WebClient,
    factory: sessionmaker[Session],
    workspace_id: int,
    answer_id: int,
    now: dt.datetime,
) -> list[str]:
    """Post (or update) an answer in its day's thread, the day's count on the parent, and its
    blocker in the admin channel. Returns problems to tell the member.

    The day's row, the answer's row and the blocker's row are held while their messages are
    posted or edited (bot.messaging): a double submit or a quick edit waits its turn, so there
    is one parent, one reply and one blocker card, each updated in place and in order."""
    problems: list[str] = []
    with unit_of_work(factory, workspace_id) as session:
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
        try:
            _thread(client, session, team, person, sd, answer, now)
        except SlackApiError as error:
            problems.append(error_reason(error))
        blocker = session.scalar(
            select(Blocker).where(Blocker.answer_id == answer.id).with_for_update()
        )
        if blocker is not None:
            try:
                _cards(client, session, team, person, blocker, now)
            except SlackApiError as error:
                problems.append(error_reason(error))
    return problems


def _thread(
    client: WebClient,
    session: Session,
    team: Team,
    person: Person,
    sd: StandupDay,
    answer: StandupAnswer,
    now: dt.datetime,
) -> None:
    tr = translator(team.language)
    answered, asked = standups.participation(session, sd, now)
    parent = thread_parent(tr, team, sd.day, answered, asked, weekly=standups.is_weekly(team))
    if sd.thread_ts is None or sd.channel_id is None:  # the first answer opens it, once
        reply = client.chat_postMessage(channel=team.channel_id, **parent)
        sd.channel_id, sd.thread_ts = reply["channel"], reply["ts"]
    else:
        client.chat_update(channel=sd.channel_id, ts=sd.thread_ts, **parent)
    channel, thread_ts = sd.channel_id, sd.thread_ts
    assert channel is not None and thread_ts is not None
    titles = list(
        session.scalars(select(BacklogItem.title).where(BacklogItem.id.in_(answer.item_ids or [])))
    )
    late = answer.answered_at.astimezone(standups.member_zone(person, team)).date() > sd.day
    # The questions it answered, also when the team asks others now.
    questions = standups.question_set(session, team, answer.question_set_id)
    message = answer_reply(tr, person.slack_user_id, questions, answer.replies, titles, late)
    if answer.reply_ts:
        client.chat_update(channel=channel, ts=answer.reply_ts, **message)
    else:
        answer.reply_ts = client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message)[
            "ts"
        ]


def _cards(
    client: WebClient,
    session: Session,
    team: Team,
    person: Person,
    blocker: Blocker,
    now: dt.datetime,
) -> None:
    cards = blocker_cards(session, blocker)
    for card in cards:
        client.chat_update(channel=card.channel, ts=card.ts, **card.message)
    if not cards and blocker.resolved_at is None:
        message = blocker_message(translator(team.language), team, blocker, person.slack_user_id)
        posted = client.chat_postMessage(channel=team.admin_channel_id, **message)
        standups.add_card(session, blocker, posted["channel"], posted["ts"], again=False, now=now)
