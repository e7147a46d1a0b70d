"""Shared pieces of the delivery tests: settings pointed at the fake, batches, waiting."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.rehearsal.fake_telegram import FakeTelegram
from storage import outbox
from storage.db import Database
from storage.outbox import OutgoingMessage, Priority

TOKEN = "123456789:AAEtestTokenForSiagaEndToEndTests_x"
# Tests run ten times faster than Telegram allows, with the fake configured the same, so a
# 300-message batch takes about a second.
TEST_RATE = 300.0


def settings_for(tmp_path: Path, fake: FakeTelegram, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "db_path": tmp_path / "siaga.db",
        "api_base_url": fake.api_base_url,
        "rate_overall_per_s": TEST_RATE,
        "max_in_flight": 16,
        "retry_base_s": 0.05,
        "retry_max_s": 0.5,
        "edit_interval_s": 0.0,
        "unreachable_notice_delay_s": 0.2,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def limit_fake(fake: FakeTelegram, overall_per_s: float = TEST_RATE) -> None:
    """Telegram's flood limits on the fake, scaled to the tests' overall rate."""
    fake.faults.rate_limits = True
    fake.faults.limits.global_per_second = overall_per_s
    # Telegram's overall budget tolerates about a second's worth of burst at 30/s; at ten
    # times the rate a tenth of a second keeps the same number of messages (30).
    fake.faults.limits.global_burst = max(1, int(overall_per_s / 10))
    fake.faults.reset_rate_limits()


async def enqueue_batch(
    db: Database,
    now: datetime,
    chats: list[int],
    *,
    purpose: str = "broadcast",
    priority: Priority = Priority.BROADCAST,
    owner: int | None = None,
    person_ids: dict[int, int] | None = None,
    text: str = "Apel siaga pukul <b>07.00</b>",
) -> int:
    async with db.transaction() as tx:
        batch = await outbox.create_batch(tx, purpose, now, owner_chat_id=owner, title=purpose)
        for chat in chats:
            await outbox.enqueue(
                tx,
                OutgoingMessage(
                    chat_id=chat,
                    text=f"{text} #{chat}",
                    priority=priority,
                    dedup_key=f"{purpose}:{chat}",
                    batch_id=batch,
                    person_id=(person_ids or {}).get(chat),
                ),
                now,
            )
    return batch


async def eventually(
    check: Callable[[], Awaitable[object] | bool],
    timeout: float = 10.0,  # noqa: ASYNC109
    what: str = "condition",
) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        result = check()
        if result if isinstance(result, bool) else await result:
            return
        if loop.time() > end:
            raise AssertionError(f"{what} not met within {timeout} s")
        await asyncio.sleep(0.01)


async def batch_done(db: Database, batch_id: int) -> bool:
    return (await outbox.batch_progress(db, batch_id)).pending == 0


def delivered_per_chat(fake: FakeTelegram, method: str = "sendMessage") -> Counter[int]:
    """How many times each chat got a message accepted by the fake."""
    return Counter(int(r.params["chat_id"]) for r in fake.calls(method) if r.status == 200)


async def add_person(
    db: Database,
    now: datetime,
    *,
    nrp: str,
    name: str,
    rank: str,
    unit: str,
    phone: str,
    telegram_user_id: int,
    category: str = "BRIMOB",
) -> int:
    from storage.timestamps import to_db

    async with db.transaction() as tx:
        await tx.execute(
            "INSERT OR IGNORE INTO categories (code, name, target_strength) VALUES (?, ?, 0)",
            (category, category),
        )
        return await tx.execute(
            "INSERT INTO personnel (nrp, name, rank, category_code, unit, phone,"
            " telegram_user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (nrp, name, rank, category, unit, phone, telegram_user_id, to_db(now), to_db(now)),
        )


def build_inbox_app(
    fake: FakeTelegram, db: Database, limits: Any, *, concurrency: int = 64
) -> Any:
    """A bare PTB Application wired like bot.app (inbox updater and processor, shared rate
    limiter) without the feature handlers, so these tests depend on the delivery pieces only."""
    from telegram.ext import ApplicationBuilder

    from bot.delivery.limits import SharedRateLimiter
    from bot.transport.inbox import InboxUpdateProcessor, InboxUpdater

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.api_base_url)
        .concurrent_updates(InboxUpdateProcessor(concurrency, db))
        .rate_limiter(SharedRateLimiter(limits))
        .build()
    )
    app.updater = InboxUpdater(app.bot, app.update_queue, db)
    return app


async def start_inbox_app(app: Any) -> None:
    from telegram import Update

    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)


async def stop_inbox_app(app: Any) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
