"""Deadlines fire exactly once: on time, after a restart (catch-up), never after a cancel."""

from __future__ import annotations

import os

os.environ["PTB_TIMEDELTA"] = "1"

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.scheduler import Scheduler
from storage import deadlines
from storage.db import Database, Transaction
from storage.deadlines import Deadline


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 3.0) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await check():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def settle() -> None:
    """Let the scheduler's task run its turn (no real waiting through deadlines)."""
    for _ in range(20):
        await asyncio.sleep(0.005)


class Recorder:
    """A handler that records each firing in a table, inside the firing transaction."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __call__(self, tx: Transaction, deadline: Deadline) -> None:
        self.calls.append(deadline.ref)
        await tx.execute(
            "INSERT INTO runtime_state (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = value || ',' || excluded.value",
            (f"fired:{deadline.kind}", deadline.ref),
        )


async def fired_refs(db: Database, kind: str) -> list[str]:
    row = await db.fetchone("SELECT value FROM runtime_state WHERE key = ?", (f"fired:{kind}",))
    return row[0].split(",") if row else []


async def arm(db: Database, kind: str, ref: str, due: object, **payload: object) -> int:
    async with db.transaction() as tx:
        return await deadlines.schedule(tx, kind, ref, due, dict(payload) or None)  # type: ignore[arg-type]


async def test_fires_when_the_clock_reaches_it_and_only_once(
    db: Database, clock: FakeClock
) -> None:
    handler = Recorder()
    scheduler = Scheduler(db, clock)
    scheduler.on("apel.close", handler)
    await arm(db, "apel.close", "12", clock.now() + timedelta(minutes=30), apel=12)
    await scheduler.start()
    try:
        await settle()
        assert handler.calls == []
        clock.advance(minutes=29)
        await settle()
        assert handler.calls == []
        clock.advance(minutes=1)
        await eventually(lambda: _async(handler.calls == ["12"]))
        clock.advance(minutes=60)
        await settle()
        assert handler.calls == ["12"]
        assert await fired_refs(db, "apel.close") == ["12"]
        row = await deadlines.get(db, "apel.close", "12")
        assert row is not None
        assert row.state == "done"
        assert row.fired_at == clock.now() - timedelta(minutes=60)
        assert row.payload == {"apel": 12}
    finally:
        await scheduler.stop()


async def _async(value: bool) -> bool:
    return value


async def test_rescheduling_moves_and_cancel_disarms(db: Database, clock: FakeClock) -> None:
    handler = Recorder()
    scheduler = Scheduler(db, clock)
    scheduler.on("invite.timeout", handler)
    await arm(db, "invite.timeout", "a", clock.now() + timedelta(minutes=5))
    await arm(db, "invite.timeout", "b", clock.now() + timedelta(minutes=5))
    # Same (kind, ref) again: moved, not duplicated.
    await arm(db, "invite.timeout", "a", clock.now() + timedelta(minutes=10))
    async with db.transaction() as tx:
        assert await deadlines.cancel(tx, "invite.timeout", "b")
        assert not await deadlines.cancel(tx, "invite.timeout", "b")
    await scheduler.start()
    try:
        clock.advance(minutes=6)
        await settle()
        assert handler.calls == []
        clock.advance(minutes=5)
        await eventually(lambda: _async(handler.calls == ["a"]))
        assert len(await deadlines.pending(db)) == 0
    finally:
        await scheduler.stop()


async def test_catch_up_after_downtime_fires_each_row_once_in_due_order(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "siaga.db"
    db = await Database.open(path)
    start = clock.now()
    for minutes, ref in [(30, "late"), (10, "early"), (20, "middle"), (600, "tomorrow")]:
        await arm(db, "reminder", ref, start + timedelta(minutes=minutes))
    first = Scheduler(db, clock)
    first.on("reminder", Recorder())
    await first.start()
    await settle()
    await first.stop()
    await db.close()

    # The bot is down while three of the four fall due.
    clock.advance(hours=2)

    db = await Database.open(path)
    try:
        handler = Recorder()
        second = Scheduler(db, clock)
        second.on("reminder", handler)
        await second.start()
        await eventually(lambda: _async(len(handler.calls) == 3))
        await settle()
        assert handler.calls == ["early", "middle", "late"]
        await second.stop()

        # A second restart does not fire them again.
        third_handler = Recorder()
        third = Scheduler(db, clock)
        third.on("reminder", third_handler)
        await third.start()
        await settle()
        assert third_handler.calls == []
        clock.advance(hours=10)
        await eventually(lambda: _async(third_handler.calls == ["tomorrow"]))
        await third.stop()
        assert await fired_refs(db, "reminder") == ["early", "middle", "late", "tomorrow"]
    finally:
        await db.close()


async def test_a_failing_handler_rolls_back_retries_with_backoff_then_gives_up(
    db: Database, clock: FakeClock
) -> None:
    attempts: list[int] = []

    async def flaky(tx: Transaction, deadline: Deadline) -> None:
        attempts.append(deadline.attempts)
        await tx.execute("INSERT INTO runtime_state (key, value) VALUES ('half-done', 'x')")
        raise RuntimeError("boom")

    good = Recorder()
    scheduler = Scheduler(
        db, clock, max_attempts=3, retry_base=timedelta(minutes=1), retry_max=timedelta(minutes=2)
    )
    scheduler.on("flaky", flaky)
    scheduler.on("good", good)
    await arm(db, "flaky", "1", clock.now())
    await arm(db, "good", "1", clock.now() + timedelta(seconds=1))
    await scheduler.start()
    try:
        await eventually(lambda: _async(len(attempts) == 1))
        # The handler's own write was rolled back with the claim; the row is pending again.
        assert await db.fetchone("SELECT 1 FROM runtime_state WHERE key = 'half-done'") is None
        row = await deadlines.get(db, "flaky", "1")
        assert row is not None
        assert row.state == "pending"
        assert row.attempts == 1
        assert row.last_error == "RuntimeError: boom"
        assert row.due_at > clock.now()
        # The scheduler is alive: the next row fires.
        clock.advance(seconds=1)
        await eventually(lambda: _async(good.calls == ["1"]))
        clock.advance(minutes=1)
        await eventually(lambda: _async(len(attempts) == 2))
        clock.advance(minutes=2)
        await eventually(lambda: _async(len(attempts) == 3))
        await settle()
        row = await deadlines.get(db, "flaky", "1")
        assert row is not None
        assert row.state == "failed"
        assert attempts == [0, 1, 2]
        clock.advance(hours=1)
        await settle()
        assert len(attempts) == 3
    finally:
        await scheduler.stop()


async def test_handler_may_rearm_its_own_deadline_for_periodic_jobs(
    db: Database, clock: FakeClock
) -> None:
    fired: list[str] = []

    async def every_hour(tx: Transaction, deadline: Deadline) -> None:
        fired.append(deadline.due_at.isoformat())
        await deadlines.schedule(
            tx, deadline.kind, deadline.ref, deadline.due_at + timedelta(hours=1)
        )

    woke: list[int] = []
    scheduler = Scheduler(db, clock)
    scheduler.on("status", every_hour)
    scheduler.after_commit(lambda: woke.append(1))
    await arm(db, "status", "group:-100", clock.now() + timedelta(hours=1))
    await scheduler.start()
    try:
        for n in range(1, 4):
            clock.advance(hours=1)
            await eventually(lambda n=n: _async(len(fired) == n))  # type: ignore[misc]
        assert len(woke) == 3
        row = await deadlines.get(db, "status", "group:-100")
        assert row is not None
        assert row.state == "pending"
    finally:
        await scheduler.stop()


async def test_kinds_without_a_handler_wait_and_fire_once_registered(
    db: Database, clock: FakeClock
) -> None:
    scheduler = Scheduler(db, clock)
    await arm(db, "later", "x", clock.now())
    await scheduler.start()
    try:
        await settle()
        later = await deadlines.get(db, "later", "x")
        assert later is not None
        assert later.state == "pending"
        handler = Recorder()
        scheduler.on("later", handler)
        await eventually(lambda: _async(handler.calls == ["x"]))
        with pytest.raises(ValueError, match="already registered"):
            scheduler.on("later", handler)
    finally:
        await scheduler.stop()


async def test_run_due_fires_without_the_loop(db: Database, clock: FakeClock) -> None:
    handler = Recorder()
    scheduler = Scheduler(lambda: db, clock)
    scheduler.on("k", handler)
    await arm(db, "k", "1", clock.now() - timedelta(minutes=1))
    await arm(db, "k", "2", clock.now() + timedelta(minutes=1))
    assert await scheduler.run_due() == 1
    assert await scheduler.run_due() == 0
    assert handler.calls == ["1"]
    async with db.transaction() as tx:
        assert await deadlines.cancel_prefix(tx, "k", "") == 1


async def test_a_deadline_moved_later_after_it_was_read_does_not_fire_early(
    db: Database,
) -> None:
    start = datetime(2024, 2, 14, 13, 0, tzinfo=UTC)
    async with db.transaction() as tx:
        await deadlines.schedule(tx, "k", "1", start)
    seen = await deadlines.get(db, "k", "1")
    assert seen is not None
    async with db.transaction() as tx:
        await deadlines.schedule(tx, "k", "1", start + timedelta(minutes=5))
        assert not await deadlines.mark_done(tx, seen.id, start)
        assert await deadlines.mark_done(tx, seen.id, start + timedelta(minutes=5))


async def test_start_hooks_run_before_the_first_turn_and_a_failing_one_is_skipped(
    db: Database, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A start hook arms a row that is due already: the first turn fires it."""
    handler = Recorder()
    scheduler = Scheduler(db, clock)
    scheduler.on("jamrawan.window", handler)
    seen: list[str] = []

    async def broken(tx: Transaction) -> None:
        seen.append("broken")
        await deadlines.schedule(tx, "jamrawan.window", "rolled-back", clock.now())
        raise RuntimeError("boom")

    async def arm_now(tx: Transaction) -> None:
        seen.append("arm")
        await deadlines.schedule(tx, "jamrawan.window", "next", clock.now())

    scheduler.at_start(broken)
    scheduler.at_start(arm_now)
    await scheduler.start()
    try:
        await eventually(lambda: _async(handler.calls == ["next"]))
        assert seen == ["broken", "arm"]
        assert await deadlines.get(db, "jamrawan.window", "rolled-back") is None
        assert "start hook" in caplog.text
    finally:
        await scheduler.stop()
