"""How fast the bot posts in one workspace: under Slack's limits, by waiting rather than being
refused.

Slack lets an app post about one message a second in a channel and "several hundred a minute"
in a workspace, and answers 429 beyond. A workspace's `Pace` keeps its posts under both: at most
`budget` posts in any 60 seconds, and at most one a second in each channel. The minute is a
sliding window over the last `budget` posts, so that no 60-second span, wherever it starts,
ever holds more than the budget (a token bucket would let a full bucket and a minute's refill,
nearly twice the budget, into one such span).

Slack counts a post when it arrives, somewhere between the moment it was sent and the moment
Slack answered (later still when it was answered 429 and sent again). So a post counts from
when its answer came: the next one beyond the budget goes a full minute after that, and the
time a post spends on the network never lets two minutes' posts crowd into one of Slack's.

A post that may not go yet waits in the calling thread, in one sleep until the moment it may.
The scheduler runs each workspace in a worker of its own (bot.scheduler), so a workspace at its
budget waits alone, as one answered 429 does (its Retry-After is slept in the same thread).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

WINDOW_SECONDS = 60.0
CHANNEL_SECONDS = 1.0


class _Post:
    """When a post counts: when it was sent until Slack answers it, then when Slack did."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at


class Pace:
    """The posts of one workspace: the last `budget` of them, and the last in each channel."""

    def __init__(
        self,
        budget: int,
        *,
        window: float = WINDOW_SECONDS,
        per_channel: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if budget < 1:
            raise ValueError("a pace needs a budget of at least one post")
        self.budget, self.window = budget, window
        # Read when a pace is made, so that tests may shorten it (ticks of days apart come a
        # second apart there).
        self.per_channel = CHANNEL_SECONDS if per_channel is None else per_channel
        self._clock, self._sleep = clock, sleep
        self._posts: deque[_Post] = deque(maxlen=budget)
        self._channels: dict[str, _Post] = {}
        self._lock = threading.Lock()

    @contextmanager
    def post(self, channel: str | None = None) -> Iterator[float]:
        """Wait until a post to `channel` may go, then send it in the `with` block; it counts
        from when the block ends (Slack's answer). Gives the seconds waited. Thread-safe: posts
        from several threads share the workspace's budget."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                ready = self._ready_at(channel)
                if ready <= now:
                    sent = self._record(channel, now)
                    break
            # Another thread may take the slot meanwhile: then this one waits again, for the next.
            self._sleep(ready - now)
            waited += ready - now
        try:
            yield waited
        finally:
            with self._lock:
                sent.at = max(sent.at, self._clock())

    def _ready_at(self, channel: str | None) -> float:
        """When the next post may go: a `window` after the earliest of the last `budget` posts
        counts (the span then holds at most `budget`), and a `per_channel` after the channel's
        last post counts."""
        ready = -math.inf
        if len(self._posts) == self.budget:
            ready = min(post.at for post in self._posts) + self.window
        last = self._channels.get(channel) if channel is not None else None
        if last is not None:
            ready = max(ready, last.at + self.per_channel)
        return ready

    def _record(self, channel: str | None, now: float) -> _Post:
        sent = _Post(now)
        self._posts.append(sent)
        if channel is not None:
            self._channels[channel] = sent
            if len(self._channels) > 2 * self.budget:  # forget channels whose second is over
                self._channels = {
                    c: p for c, p in self._channels.items() if p.at + self.per_channel > now
                }
        return sent
