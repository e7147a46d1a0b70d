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
