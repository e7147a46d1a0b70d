"""Injected time: the domain takes `now`, the scheduler asks a Clock, tests move a FakeClock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call `listener` when time jumps (a fake clock moved); the real clock never does."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def on_change(self, listener: Callable[[], None]) -> None:
        return None


class FakeClock:
    """A clock tests move by hand; listeners (the scheduler) wake up when it moves."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        return self._now

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def set(self, moment: datetime) -> None:
        self._now = moment
        for listener in list(self._listeners):
            listener()

    def advance(self, delta: timedelta | None = None, **units: float) -> datetime:
        self.set(self._now + (delta or timedelta(**units)))
        return self._now


def to_db(moment: datetime) -> str:
    """Store UTC as ISO-8601 text so that string order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str) -> datetime:
    # fromisoformat reads to_db's format (3.11+ takes the Z) several times faster than
    # strptime: /status and /laporan parse a few timestamps for each of 3,294 people. The Z
    # already makes it UTC; only text without one needs the zone set (`replace` would cost
    # more than the parse itself).
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is UTC else moment.replace(tzinfo=UTC)
