"""Fault injection: latency, Telegram's flood limits, blocked chats, flaky network.

The delivery engine must survive exactly these, so they are first-class, deterministic
(seeded RNG, injectable clock) and counted, letting a test assert not only that the bot
coped but how many faults it actually met.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .models import SENDING_METHODS, ApiError


@dataclass(slots=True)
class RateLimits:
    """Telegram's published limits; the defaults model a bot without paid broadcasts."""

    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    # Telegram tolerates short bursts in a private chat before it starts answering 429.
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 3


@dataclass(slots=True)
class _Bucket:
    rate: float
    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def wait_time(self) -> float:
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate


@dataclass(slots=True)
class _Scripted:
    method: str | None
    status: int
    description: str
    retry_after: int | None
    remaining: int


@dataclass
class Faults:
    """Knobs a test turns; ``FakeTelegram.faults`` is one of these.

    Random faults apply to ``random_fault_methods`` (sending methods by default) so that a
    test can make deliveries flaky without breaking the bot's own update polling.
    """

    latency_ms: float = 0.0
    method_latency_ms: dict[str, float] = field(default_factory=dict)
    # The answer's way back, per method: the message is already in the chat (the person can
    # read and tap it) while the bot still waits for Telegram's answer.
    method_answer_latency_ms: dict[str, float] = field(default_factory=dict)
    rate_limits: bool = False
    limits: RateLimits = field(default_factory=RateLimits)
    error_5xx_ratio: float = 0.0
    timeout_ratio: float = 0.0
    # How long a "timed out" request is held; pick it above the client's read timeout.
    timeout_hold_s: float = 10.0
    # Telegram may deliver a message whose answer never reaches the bot; that is where
    # at-least-once duplicates come from, so by default a timed-out send still lands.
    timeout_delivers: bool = True
    random_fault_methods: frozenset[str] | None = None
    seed: int | None = 0
    clock: Callable[[], float] = time.monotonic

    count_429: int = 0
    count_5xx: int = 0
    count_timeouts: int = 0
    # Requests that came back before a 429's retry_after elapsed: a pacing bug in the bot.
    count_early_retries: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self._chat_failures: dict[int, tuple[int, str]] = {}
        self._scripted: list[_Scripted] = []
        self._global: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}
        self._flood_until: dict[int, float] = {}

    # -- configuration --------------------------------------------------------------------

    def reseed(self, seed: int | None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)

    def fail_chat(
        self,
        chat_id: int,
        status: int = 403,
        description: str = "Forbidden: bot was blocked by the user",
    ) -> None:
        """Every call aimed at ``chat_id`` fails like this until ``heal_chat``."""
        self._chat_failures[int(chat_id)] = (status, description)

    def chat_not_found(self, chat_id: int) -> None:
        self.fail_chat(chat_id, 400, "Bad Request: chat not found")

    def heal_chat(self, chat_id: int) -> None:
        self._chat_failures.pop(int(chat_id), None)

    def fail_next(
        self,
        method: str | None,
        status: int,
        description: str,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """The next ``count`` calls of ``method`` (any method if None) fail as given."""
        self._scripted.append(
            _Scripted(method.lower() if method else None, status, description, retry_after, count)
        )

    def reset(self) -> None:
        """Back to a healthy network; counters are kept (use ``reset_counters``)."""
        self.latency_ms = 0.0
        self.method_latency_ms.clear()
        self.method_answer_latency_ms.clear()
        self.rate_limits = False
        self.error_5xx_ratio = 0.0
        self.timeout_ratio = 0.0
        self._chat_failures.clear()
        self._scripted.clear()
        self.reset_rate_limits()

    def reset_rate_limits(self) -> None:
        self._global = None
        self._chats.clear()
        self._flood_until.clear()

    def reset_counters(self) -> None:
        self.count_429 = self.count_5xx = self.count_timeouts = self.count_early_retries = 0

    # -- hot path -------------------------------------------------------------------------

    def latency_for(self, lmethod: str) -> float:
        if self.method_latency_ms:
            for name, ms in self.method_latency_ms.items():
                if name.lower() == lmethod:
                    return ms / 1000.0
        return self.latency_ms / 1000.0

    def answer_latency_for(self, lmethod: str) -> float:
        for name, ms in self.method_answer_latency_ms.items():
            if name.lower() == lmethod:
                return ms / 1000.0
        return 0.0

    def scripted_failure(self, lmethod: str) -> ApiError | None:
        for i, s in enumerate(self._scripted):
            if s.method is None or s.method == lmethod:
                s.remaining -= 1
                if s.remaining <= 0:
                    del self._scripted[i]
                return ApiError(s.status, s.description, retry_after=s.retry_after)
        return None

    def chat_failure(self, chat_id: int | None) -> ApiError | None:
        if chat_id is None or not self._chat_failures:
            return None
        failure = self._chat_failures.get(chat_id)
        return None if failure is None else ApiError(failure[0], failure[1])

    def random_applies(self, lmethod: str) -> bool:
        allowed = self.random_fault_methods
        if allowed is None:
            return lmethod in SENDING_METHODS
        return lmethod in allowed or "*" in allowed

    def roll_5xx(self) -> bool:
        return self.error_5xx_ratio > 0 and self.rng.random() < self.error_5xx_ratio

    def roll_timeout(self) -> bool:
        return self.timeout_ratio > 0 and self.rng.random() < self.timeout_ratio

    def take_send_slot(self, chat_id: int | None) -> ApiError | None:
        """Charge one message against the flood limits, or the 429 Telegram would answer."""
        now = self.clock()
        # Only a chat's flood wait is enforced: a global 429 says nothing about the request
        # for another chat that was already in flight, so punishing it would be noise.
        if chat_id is not None and chat_id in self._flood_until:
            until = self._flood_until[chat_id]
            if now < until:
                self.count_early_retries += 1
                return _too_many(until - now)
            del self._flood_until[chat_id]
        lim = self.limits
        if self._global is None:
            self._global = _Bucket(lim.global_per_second, lim.global_burst, lim.global_burst, now)
        glob = self._global
        glob.refill(now)
        chat = None
        if chat_id is not None:
            chat = self._chats.get(chat_id)
            if chat is None:
                if chat_id > 0:
                    rate, cap = lim.private_per_second, float(lim.private_burst)
                else:
                    rate, cap = lim.group_per_minute / 60.0, float(lim.group_burst)
                chat = self._chats[chat_id] = _Bucket(rate, cap, cap, now)
            chat.refill(now)
            wait = chat.wait_time()
            if wait > 0:
                return self._flood(chat_id, now, wait)
        wait = glob.wait_time()
        if wait > 0:
            return _too_many(wait)
        glob.tokens -= 1.0
        if chat is not None:
            chat.tokens -= 1.0
        return None

    def _flood(self, chat_id: int, now: float, wait: float) -> ApiError:
        retry_after = max(1, math.ceil(wait))
        self._flood_until[chat_id] = now + retry_after
        return _too_many(retry_after)


def _too_many(seconds: float) -> ApiError:
    retry_after = max(1, math.ceil(seconds))
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)
