"""Posts paced under Slack's limits: never more than the budget in any 60 seconds of a
workspace, never more than one a second in a channel, and only the calls that post are paced.
On a fake clock: no test waits for real."""

from __future__ import annotations

import random
import threading
from contextlib import contextmanager

import pytest
from slack_sdk.errors import SlackApiError

from bot.pacing import Pace
from bot.settings import ConfigError, Settings
from bot.slack import web_client
from tests.conftest import test_settings as settings_for


class FakeClock:
    """Monotonic time that moves only when someone sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0, "a pace never sleeps for nothing (no busy loop)"
        self.sleeps.append(seconds)
        self.now += seconds


def paced(budget: int) -> tuple[Pace, FakeClock]:
    clock = FakeClock()
    return Pace(budget, per_channel=1.0, clock=clock, sleep=clock.sleep), clock


def post(pace: Pace, clock: FakeClock, channel: str | None, slack_takes: float = 0.0) -> float:
    """One post through the pace, answered after `slack_takes`; the seconds it waited."""
    with pace.post(channel) as waited:
        clock.now += slack_takes
    return waited


def most_in_any_window(times: list[float], window: float = 60.0) -> int:
    """The most posts in any span [t, t + window): the spans that matter start at a post."""
    times = sorted(times)
    return max(
        (sum(1 for u in times[i:] if u < t + window) for i, t in enumerate(times)), default=0
    )


def test_the_budget_holds_in_every_60_seconds_wherever_they_start():
    pace, clock = paced(5)
    sent = []
    for n in range(23):
        post(pace, clock, f"D{n}")
        sent.append(clock())
    assert most_in_any_window(sent) == 5
    # Five at once, then each a minute after the one five before it: as fast as the budget
    # allows, and never faster (a token bucket would let ten through in the first minute).
    assert sent[:5] == [1000.0] * 5
    assert [t - s for s, t in zip(sent, sent[5:], strict=False)] == [60.0] * 18
    assert clock.sleeps == [60.0] * 4  # one sleep for each five that waited: no polling


def test_a_post_counts_from_slacks_answer_so_network_time_never_crowds_a_minute():
    pace, clock = paced(2)
    answered = []
    for n in range(3):
        post(pace, clock, f"D{n}", slack_takes=0.5)
        answered.append(clock())
    # Slack may have received the first post as late as its answer, at 1000.5: the third goes
    # a minute after that, not a minute after the first was sent.
    assert answered == [1000.5, 1001.0, 1061.0]


def test_posts_that_come_slowly_never_wait():
    pace, clock = paced(3)
    for n in range(10):
        assert post(pace, clock, f"D{n}") == 0.0
        clock.now += 21.0  # under 3 a minute
    assert clock.sleeps == []


def test_a_random_stream_of_posts_never_exceeds_the_budget_nor_one_a_second_per_channel():
    rng = random.Random(11)
    budget = 7
    pace, clock = paced(budget)
    posts: list[tuple[str, float, float]] = []  # channel, sent, answered
    for _ in range(400):
        clock.now += rng.choice([0.0, 0.0, 0.2, 1.5, 9.0, 30.0])  # bursts and lulls
        channel = rng.choice(["C1", "C2", "C3", "D1"])
        with pace.post(channel):
            sent = clock()
            clock.now += rng.choice([0.05, 0.1, 0.4, 2.5])  # Slack's answer
        posts.append((channel, sent, clock()))
    # Wherever Slack received each post between its sending and its answer, no 60 seconds hold
    # more than the budget: each post goes a minute after the answer of the budget-th before.
    assert all(
        later[1] >= earlier[2] + 60.0 for earlier, later in zip(posts, posts[budget:], strict=False)
    )
    assert most_in_any_window([sent for _, sent, _ in posts]) <= budget
    for channel in ("C1", "C2", "C3", "D1"):
        mine = [(sent, answered) for c, sent, answered in posts if c == channel]
        assert all(b[0] >= a[1] + 1.0 for a, b in zip(mine, mine[1:], strict=False))


def test_one_post_a_second_in_a_channel_others_go_at_once():
    pace, clock = paced(300)
    assert post(pace, clock, "C1") == 0.0
    assert post(pace, clock, "C2") == 0.0
    assert post(pace, clock, "C1") == 1.0  # a second after C1's last
    clock.now += 0.25
    assert post(pace, clock, "C2") == 0.0  # C2's second was over while C1 waited
    assert post(pace, clock, "C1") == 0.75  # a second after C1's last, not after this call
    assert post(pace, clock, None) == 0.0  # no channel: only the budget counts


def test_threads_sharing_a_workspace_share_its_budget():
    # The real clock, a short window: whatever the machine's load, the instants at which the
    # pace let posts through never crowd more than the budget into a window.
    let_through: list[float] = []

    class Recording(Pace):
        def _record(self, channel, now):
            let_through.append(now)
            return super()._record(channel, now)

    pace = Recording(4, window=0.3)

    def send(n: int) -> None:
        with pace.post(f"D{n}"):
            pass

    threads = [threading.Thread(target=send, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(let_through) == 12
    assert most_in_any_window(let_through, 0.3) == 4


def test_only_the_calls_that_post_are_paced(double, db_url):
    channels: list[str | None] = []

    class Recorder(Pace):
        @contextmanager
        def post(self, channel=None):
            channels.append(channel)
            yield 0.0

    client = web_client(settings_for(double, db_url), pace=Recorder(300))
    client.chat_postMessage(channel="C0TEAM001", text="hello")
    client.chat_postEphemeral(channel="C0TEAM001", user="U0MEMBER1", text="psst")
    client.files_upload_v2(channel="C0OTHER01", content=b"chart", filename="burnup.png")
    posted = client.chat_postMessage(channel="U0OWNER01", text="x")
    client.chat_update(channel=posted["channel"], ts=posted["ts"], text="y")
    client.users_info(user="U0MEMBER1")
    assert channels == ["C0TEAM001", "C0TEAM001", "C0OTHER01", "U0OWNER01"]


def test_a_post_slack_refuses_counts_too(double, db_url):
    pace, clock = paced(1)
    client = web_client(settings_for(double, db_url), pace=pace)
    double.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0TEAM001", text="hello")
    clock.now += 30
    client.chat_postMessage(channel="C0OTHER01", text="hello")
    assert clock.sleeps == [30.0]  # a minute after the refused one


def test_a_client_without_a_pace_never_waits(double, db_url):
    client = web_client(settings_for(double, db_url))
    assert client.pace is None  # the app's request handlers: Slack answers 429 if need be


@pytest.mark.parametrize(
    ("database", "workers"), [("sqlite:///x.db", 1), ("postgresql://h/db", 16)]
)
def test_workers_default_to_one_on_sqlite_and_sixteen_on_postgresql(database, workers):
    settings = Settings.from_env({"DATABASE_URL": database}, dotenv=False)
    assert settings.scheduler_workers == workers
    assert settings.slack_post_budget == 300


def test_workers_and_budget_are_settings():
    settings = Settings.from_env(
        {"SCHEDULER_WORKERS": "3", "SLACK_POST_BUDGET": "120"}, dotenv=False
    )
    assert (settings.scheduler_workers, settings.slack_post_budget) == (3, 120)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SCHEDULER_WORKERS", "0"),
        ("SCHEDULER_WORKERS", "many"),
        ("SCHEDULER_WORKERS", "33"),
        ("SLACK_POST_BUDGET", "0"),
        ("SLACK_POST_BUDGET", "-5"),
        ("SLACK_POST_BUDGET", "5000"),
    ],
)
def test_bad_workers_or_budget_name_the_variable(variable, value):
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value}, dotenv=False)
