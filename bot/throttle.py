"""Flood control: a small token bucket per Telegram user, checked by the gate.

Each person may send `capacity` updates at once (the burst) and then `capacity` per
`window_s` seconds. Past that, the first refused update of a window earns one polite message
and the rest are dropped silently (a button tap is still answered: Telegram's spinner must
stop). The bucket measures real rates, so it reads `time.monotonic`, not the injected
business clock; tests pass their own `clock`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # refused; tell the person once in this window
    DROP = "drop"  # refused; already told


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned_at: float | None = None


class FloodGate:
    # Forget people whose bucket has refilled once this many are tracked: memory stays small
    # however many distinct users ever wrote.
    PRUNE_ABOVE = 4096

    def __init__(
        self, capacity: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if capacity < 1 or window_s <= 0:
            raise ValueError("a flood gate needs capacity >= 1 and window_s > 0")
        self.capacity = capacity
        self.window_s = window_s
        self.rate = capacity / window_s  # tokens per second
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self.refused = 0  # for logs and tests

    def has_room(self, user_id: int) -> bool:
        """Would `admit` let this user through now? (Counts nothing.)"""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            return True
        elapsed = max(self._clock() - bucket.at, 0.0)
        return bucket.tokens + elapsed * self.rate >= 1.0

    def admit(self, user_id: int) -> Verdict:
        now = self._clock()
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self.PRUNE_ABOVE:
                self._prune(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.capacity), now)
        else:
            elapsed = max(now - bucket.at, 0.0)
            bucket.tokens = min(float(self.capacity), bucket.tokens + elapsed * self.rate)
            bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.ALLOW
        self.refused += 1
        if bucket.warned_at is None or now - bucket.warned_at >= self.window_s:
            bucket.warned_at = now
            return Verdict.WARN
        return Verdict.DROP

    def _prune(self, now: float) -> None:
        full_after = self.capacity / self.rate
        idle = [
            uid for uid, b in self._buckets.items() if now - b.at >= max(full_after, self.window_s)
        ]
        for uid in idle:
            del self._buckets[uid]

    def __len__(self) -> int:
        return len(self._buckets)
