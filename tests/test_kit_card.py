"""The live card's tick (handlers/kit/card.py): progress while its messages are sent, then
the feature's idle pace or none — the one cadence roll calls and call-outs share."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from handlers.kit.card import PROGRESS_EVERY, next_tick
from storage import outbox
from storage.db import Database
from storage.outbox import OutgoingMessage, Priority


async def test_a_card_ticks_while_its_batch_is_sent_then_at_its_idle_pace(
    db: Database, clock: FakeClock
) -> None:
    now = clock.now()
    minute = timedelta(minutes=1)
    async with db.transaction() as tx:
        batch = await outbox.create_batch(tx, "apel", now)
        await outbox.enqueue(
            tx,
            OutgoingMessage(
                chat_id=1, text="x", priority=Priority.ROLLCALL, dedup_key="k", batch_id=batch
            ),
            now,
        )
        assert await next_tick(tx, batch, now, idle=None) == now + PROGRESS_EVERY
        assert await next_tick(tx, batch, now, idle=minute) == now + PROGRESS_EVERY
        row = (await outbox.due(tx, now, 10, []))[0]
        await outbox.mark_sent(tx, [(row.id, 99)], now)
        assert await next_tick(tx, batch, now, idle=None) is None
        assert await next_tick(tx, batch, now, idle=minute) == now + minute
        assert await next_tick(tx, None, now, idle=minute) == now + minute
