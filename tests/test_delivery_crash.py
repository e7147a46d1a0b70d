"""kill -9 mid-batch loses nothing; an update being processed at a crash runs again."""

from __future__ import annotations

import os

os.environ["PTB_TIMEDELTA"] = "1"

import asyncio
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.delivery.limits import RateLimits
from bot.rehearsal.fake_telegram import FakeTelegram
from storage import inbox, outbox
from storage.db import Database
from tests.delivery_support import (
    TEST_RATE,
    TOKEN,
    build_inbox_app,
    delivered_per_chat,
    enqueue_batch,
    eventually,
    limit_fake,
    start_inbox_app,
    stop_inbox_app,
)

ROOT = Path(__file__).resolve().parent.parent
IN_FLIGHT = 8


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(validate_results=False)
    await server.start()
    yield server
    await server.stop()


async def start_runner(db_path: Path, fake: FakeTelegram) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "SIAGA_BOT_TOKEN": TOKEN,
        "SIAGA_DB_PATH": str(db_path),
        "SIAGA_API_BASE_URL": fake.api_base_url,
        "SIAGA_RATE_OVERALL_PER_S": str(TEST_RATE),
        "SIAGA_MAX_IN_FLIGHT": str(IN_FLIGHT),
        "SIAGA_RETRY_BASE_S": "0.05",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.delivery_runner",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
    assert line.strip() == b"ready", line
    return proc


async def test_sigkill_mid_batch_then_restart_delivers_to_everyone_with_bounded_duplicates(
    tmp_path: Path, fake: FakeTelegram, clock: FakeClock, db: Database
) -> None:
    limit_fake(fake)
    # A round trip long enough that several requests are in flight when the kill lands.
    fake.faults.latency_ms = 40
    db_path = Path(db.path)  # the runner opens the same file in its own process
    recipients = list(range(20_000, 20_300))
    batch = await enqueue_batch(db, clock.now(), recipients)

    kills = []
    for kill_after in (100, 200):
        proc = await start_runner(db_path, fake)

        def sent(n: int = kill_after) -> bool:
            return len(fake.calls("sendMessage")) >= n

        await eventually(sent, what=f"{kill_after} sends")
        proc.send_signal(signal.SIGKILL)
        assert await proc.wait() == -signal.SIGKILL
        await asyncio.sleep(0.2)  # requests already on the wire still land at the fake
        reached = len(delivered_per_chat(fake))
        recorded = (await outbox.batch_progress(db, batch)).sent
        kills.append(reached - recorded)
        # What Telegram took but the bot never recorded is what will be sent twice: only what
        # was in flight (the restarted drainer re-sends an earlier kill's leftovers first).
        assert 0 <= reached - recorded <= IN_FLIGHT

    proc = await start_runner(db_path, fake)
    try:
        await eventually(
            lambda: _pending_is_zero(db, batch), timeout=20, what="batch finished after restart"
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        await proc.wait()
    per_chat = delivered_per_chat(fake)
    assert sorted(per_chat) == recipients  # everyone got it
    duplicates = sum(n - 1 for n in per_chat.values())
    assert duplicates <= IN_FLIGHT * len(kills)
    assert duplicates == sum(kills)
    progress = await outbox.batch_progress(db, batch)
    assert (progress.sent, progress.failed, progress.pending) == (300, 0, 0)


async def _pending_is_zero(db: Database, batch: int) -> bool:
    return (await outbox.batch_progress(db, batch)).pending == 0


async def test_an_update_interrupted_by_a_crash_is_processed_after_the_restart(
    fake: FakeTelegram, db: Database
) -> None:
    from telegram import Update
    from telegram.ext import MessageHandler, filters

    limits = RateLimits(overall_per_s=30, private_per_s=1, private_burst=3, group_per_min=20)
    started: list[asyncio.Task[Any]] = []
    seen: list[str] = []

    async def hangs(update: Update, context: Any) -> None:
        task = asyncio.current_task()
        assert task is not None
        started.append(task)
        await asyncio.Event().wait()  # the process dies before this finishes

    async def records(update: Update, context: Any) -> None:
        assert update.message is not None
        seen.append(update.message.text or "")

    first = build_inbox_app(fake, db, limits)
    first.add_handler(MessageHandler(filters.TEXT, hangs))
    await start_inbox_app(first)
    andi = fake.user(5151, "Andi")
    await andi.send("Tiba di lokasi")
    await eventually(lambda: len(started) == 1, what="handler running")
    assert await inbox.count(db) == 1
    # The offset was acknowledged (the update is safe in the inbox) ...
    await eventually(lambda: not fake.pending_updates, what="acknowledged")
    # ... and the process dies mid-handler.
    await first.updater.stop()
    started[0].cancel()
    await first.stop()
    await first.shutdown()
    assert await inbox.count(db) == 1

    second = build_inbox_app(fake, db, limits)
    second.add_handler(MessageHandler(filters.TEXT, records))
    await start_inbox_app(second)
    try:
        await eventually(lambda: seen == ["Tiba di lokasi"], what="replayed")
        await eventually(lambda: _inbox_empty(db), what="inbox cleared")
        await andi.send("Siap")
        await eventually(lambda: seen == ["Tiba di lokasi", "Siap"], what="new update")
        assert second.updater.replayed == 1
    finally:
        await stop_inbox_app(second)


async def _inbox_empty(db: Database) -> bool:
    return await inbox.count(db) == 0


async def test_updates_are_not_acknowledged_until_committed(
    fake: FakeTelegram, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from telegram import Update
    from telegram.ext import MessageHandler, filters

    limits = RateLimits(overall_per_s=30, private_per_s=1, private_burst=3, group_per_min=20)
    real_store = inbox.store
    failures = {"left": 2}

    async def flaky_store(*args: Any, **kwargs: Any) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("disk full")
        await real_store(*args, **kwargs)

    monkeypatch.setattr(inbox, "store", flaky_store)
    seen: list[str] = []

    async def records(update: Update, context: Any) -> None:
        assert update.message is not None
        seen.append(update.message.text or "")

    app = build_inbox_app(fake, db, limits)
    app.add_handler(MessageHandler(filters.TEXT, records))
    await start_inbox_app(app)
    try:
        await fake.user(6161, "Budi").send("Hadir")
        await asyncio.sleep(0.5)
        # Still failing to commit: nothing processed, nothing acknowledged.
        assert seen == []
        assert len(fake.pending_updates) == 1
        await eventually(lambda: seen == ["Hadir"], timeout=5, what="processed after commit")
        await eventually(lambda: not fake.pending_updates, what="acknowledged")
    finally:
        await stop_inbox_app(app)
