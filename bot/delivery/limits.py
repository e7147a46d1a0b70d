"""Telegram's limits, paced: one overall slot schedule, a token bucket per chat, and the
limiter through which PTB's direct replies draw from the same budget."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.config import Settings

# Per-chat buckets refill a little slower than the limit: the bot charges a message when it
# leaves, Telegram when it arrives, and arrival jitter must not turn a full-rate burst into a 429.
PER_CHAT_MARGIN = 0.95


@dataclass(slots=True)
class _ChatBucket:
    rate: float
    capacity: float
    tokens: float
    updated: float
    paused_until: float = 0.0

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait(self, now: float) -> float:
        self.refill(now)
        wait = 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate
        return max(wait, self.paused_until - now)


class RateLimits:
    """Telegram's budget, shared by the drainer and the bot's direct replies.

    Overall: evenly spaced slots at `overall_per_s`. A slot that comes late (the loop was
    busy, a sleep overshot) may be caught up within `slack`, so the long-run rate stays at
    the limit, but never more than a few slots' worth of burst.
    """

    def __init__(
        self,
        *,
        overall_per_s: float,
        private_per_s: float,
        private_burst: int,
        group_per_min: float,
        group_burst: int = 1,
    ) -> None:
        self.overall_per_s = overall_per_s
        self._interval = 1.0 / overall_per_s
        self._slack = min(3 * self._interval, 0.1)
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._private = (private_per_s * PER_CHAT_MARGIN, float(private_burst))
        self._group = (group_per_min / 60.0 * PER_CHAT_MARGIN, float(group_burst))
        self._chats: dict[int, _ChatBucket] = {}
        self._recent_429: deque[tuple[float, int]] = deque(maxlen=16)
        # Direct replies waiting for their chat's next message, per chat: the drainer leaves
        # those chats alone meanwhile, so an answer goes ahead of broadcasts and card edits.
        self._replies_waiting: dict[int, int] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        paid = settings.paid_broadcast
        overall = settings.paid_rate_per_s if paid else settings.rate_overall_per_s
        return cls(
            overall_per_s=overall,
            private_per_s=settings.rate_private_per_s,
            private_burst=settings.private_burst,
            group_per_min=settings.rate_group_per_min,
            group_burst=settings.group_burst,
        )

    def reserve(self, now: float) -> float:
        """Take the next overall slot; returns when it starts (may be `now`)."""
        start = max(self._next_slot, now - self._slack, self._paused_until)
        self._next_slot = start + self._interval
        return start

    def _bucket(self, chat_id: int, now: float) -> _ChatBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            rate, capacity = self._private if chat_id > 0 else self._group
            bucket = self._chats[chat_id] = _ChatBucket(rate, capacity, capacity, now)
            if len(self._chats) > 50_000:
                self._prune(now)
        return bucket

    def chat_wait(self, chat_id: int, now: float) -> float:
        """Seconds until `chat_id` may receive the next message (0 when it may now)."""
        bucket = self._chats.get(chat_id)
        return 0.0 if bucket is None else bucket.wait(now)

    def take_chat(self, chat_id: int, now: float) -> bool:
        """Charge one message to the chat; True when the chat was idle (bucket full)."""
        bucket = self._bucket(chat_id, now)
        bucket.refill(now)
        idle = bucket.tokens >= bucket.capacity - 1e-9
        bucket.tokens -= 1.0
        return idle

    def reply_waiting(self, chat_id: int) -> bool:
        return chat_id in self._replies_waiting

    @contextlib.contextmanager
    def reply_turn(self, chat_id: int) -> Iterator[None]:
        """A direct reply to `chat_id` is waiting for its turn (see `reply_waiting`)."""
        waiting = self._replies_waiting
        waiting[chat_id] = waiting.get(chat_id, 0) + 1
        try:
            yield
        finally:
            left = waiting[chat_id] - 1
            if left:
                waiting[chat_id] = left
            else:
                del waiting[chat_id]

    def blocked_chats(self, now: float, horizon: float) -> list[tuple[int, float]]:
        """Chats that may not receive anything within `horizon` s, with their wait."""
        found = []
        for chat_id, bucket in self._chats.items():
            wait = bucket.wait(now)
            if wait > horizon:
                found.append((chat_id, wait))
        return found

    def pause_chat(self, chat_id: int, until: float) -> None:
        bucket = self._bucket(chat_id, until)
        bucket.paused_until = max(bucket.paused_until, until)

    def pause_all(self, until: float) -> None:
        self._paused_until = max(self._paused_until, until)

    def flood(self, chat_id: int, retry_after: float, now: float, *, chat_was_idle: bool) -> bool:
        """A 429 for `chat_id`; returns True when it was taken as the overall limit.

        Telegram does not say which limit was hit. A chat we had left idle, or 429s for
        several chats within a second, point at the overall budget: pause everything.
        Otherwise only that chat waits (the limit covers it alone).
        """
        until = now + retry_after
        self.pause_chat(chat_id, until)
        self._recent_429.append((now, chat_id))
        others = {c for t, c in self._recent_429 if now - t < 1.0 and c != chat_id}
        if chat_was_idle or others:
            self.pause_all(until)
            return True
        return False

    def _prune(self, now: float) -> None:
        for chat_id in [
            c
            for c, b in self._chats.items()
            if b.paused_until <= now and b.tokens + (now - b.updated) * b.rate >= b.capacity
        ]:
            del self._chats[chat_id]


class SharedRateLimiter(BaseRateLimiter[None]):
    """PTB's rate limiter seam, drawing from the drainer's `RateLimits`.

    Only calls that put something into a chat are paced; `answerCallbackQuery`, `getUpdates`
    and the like pass straight through, so a saturated outbox never delays a button answer.
    A `RetryAfter` pauses the chat (or everything) for the drainer too, and is retried once
    when short.
    """

    def __init__(self, limits: RateLimits, *, max_retry_after: float = 5.0) -> None:
        self.limits = limits
        self.max_retry_after = max_retry_after

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = _paced_chat(endpoint, data)
        if chat_id is None:
            return await callback(*args, **kwargs)
        retried = False
        while True:
            with self.limits.reply_turn(chat_id):
                chat_was_idle = await self._acquire(chat_id)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                delay = _seconds(exc.retry_after)
                self.limits.flood(chat_id, delay, time.monotonic(), chat_was_idle=chat_was_idle)
                if retried or delay > self.max_retry_after:
                    raise
                retried = True
                await asyncio.sleep(delay)

    async def _acquire(self, chat_id: int) -> bool:
        limits = self.limits
        while True:
            now = time.monotonic()
            wait = limits.chat_wait(chat_id, now)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            start = limits.reserve(now)
            if start > now:
                # The chat is charged when the request leaves, not before a long wait for the
                # overall slot (a pause): charging early lets a burst pile up behind it.
                await asyncio.sleep(start - now)
                now = time.monotonic()
                if limits.chat_wait(chat_id, now) > 0:
                    continue
            return limits.take_chat(chat_id, now)


def _paced_chat(endpoint: str, data: dict[str, Any]) -> int | None:
    name = endpoint.lower()
    if not name.startswith(("send", "edit", "copy", "forward")) or name == "sendchataction":
        return None
    try:
        return int(data.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _seconds(value: float | timedelta | int) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
