"""A transaction tells delivery and the scheduler what it left them when it commits: the
storage writers record their effects, so no feature has to remember to wake anyone."""

from __future__ import annotations

import pytest

from bot.clock import FakeClock
from storage import deadlines, outbox
from storage.db import Database, Effects
from storage.outbox import OutgoingMessage, Priority


def _message(key: str) -> OutgoingMessage:
    return OutgoingMessage(chat_id=1, text=key, priority=Priority.BROADCAST, dedup_key=key)


async def test_commit_reports_what_was_enqueued_and_scheduled(
    db: Database, clock: FakeClock
) -> None:
    told: list[Effects] = []
    db.on_commit(told.append)
    now = clock.now()
    async with db.transaction() as tx:
        await outbox.enqueue(tx, _message("a"), now)
        await outbox.enqueue(tx, _message("a"), now)  # a duplicate queues nothing
        await outbox.enqueue_edit(
            tx, target_key="a", chat_id=1, text="a2", reply_markup=None, now=now
        )
    async with db.transaction() as tx:
        await deadlines.schedule(tx, "test.kind", 7, now)
    assert told == [Effects(enqueued=2), Effects(scheduled=1)]


async def test_nothing_is_told_for_a_quiet_or_rolled_back_transaction(
    db: Database, clock: FakeClock
) -> None:
    told: list[Effects] = []
    db.on_commit(told.append)
    async with db.transaction() as tx:
        await outbox.enqueue(tx, _message("a"), clock.now())
    told.clear()
    async with db.transaction() as tx:
        await outbox.enqueue(tx, _message("a"), clock.now())  # already there
        await outbox.cancel(tx, "a")
    with pytest.raises(RuntimeError):
        await _enqueue_then_fail(db, clock)
    assert told == []


async def _enqueue_then_fail(db: Database, clock: FakeClock) -> None:
    async with db.transaction() as tx:
        await outbox.enqueue(tx, _message("b"), clock.now())
        raise RuntimeError("the decision failed")
